"""The app: pages, API routes and background tasks. Nothing else lives here."""

from importlib import import_module
from pkgutil import iter_modules

import reflex as rx

from pixmania_incidents import pages, tasks
from pixmania_incidents.api import api
from pixmania_incidents.pages.registry import PAGES
from pixmania_incidents.services.demo import refuse_to_start_with_demo_accounts
from pixmania_incidents.state.session import SessionState

for _info in iter_modules(pages.__path__):
    import_module(f"{pages.__name__}.{_info.name}")

app = rx.App(api_transformer=api, html_lang="fr")
app.register_lifespan_task(refuse_to_start_with_demo_accounts)  # first: before the background loops
tasks.register(app)
for spec in PAGES:
    # Every page with roles runs the server-side guard first, whoever wrote the page.
    on_load = [e for e in spec.on_load if e is not SessionState.guard]
    if spec.roles is not None:
        on_load.insert(0, SessionState.guard)
    app.add_page(spec.component, route=spec.route, title=spec.title, on_load=on_load or None)
