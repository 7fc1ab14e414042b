"""The app: pages, API routes and background tasks. Nothing else lives here."""

from importlib import import_module
from pkgutil import iter_modules

import reflex as rx

from pixmania_incidents import pages
from pixmania_incidents.pages.registry import PAGES

for _info in iter_modules(pages.__path__):
    import_module(f"{pages.__name__}.{_info.name}")

app = rx.App()
for spec in PAGES:
    app.add_page(spec.component, route=spec.route, title=spec.title, on_load=list(spec.on_load) or None)
