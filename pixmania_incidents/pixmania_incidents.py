"""The app: pages, API routes and background tasks. Nothing else lives here."""

from importlib import import_module
from pkgutil import iter_modules

import reflex as rx
from reflex_base.event.processor import BaseStateEventProcessor

from pixmania_incidents import live, metrics, startup, tasks
from pixmania_incidents.api import api
from pixmania_incidents.shell.connection import overlay
from pixmania_incidents.shell.failure import FailureState, on_backend_error
from pixmania_incidents.shell.gate import SessionGate
from pixmania_incidents.shell.registry import PAGES
from pixmania_incidents.shell.session import SessionState

#: One folder per area of the desk; each of their modules may declare pages (`shell.registry.page`).
AREAS = ("public", "account", "customer", "seller", "desk", "arbitration", "product", "admin", "case")

for _area in AREAS:
    _package = import_module(f"{__package__}.{_area}")
    for _info in iter_modules(_package.__path__):
        import_module(f"{_package.__name__}.{_info.name}")

# One handler for every unexpected error (logged with a reference, told to the tab in its
# language), and our own connection banner in place of Reflex's English toast.
app = rx.App(api_transformer=api, html_lang="fr", backend_exception_handler=on_backend_error, stylesheets=["/desk.css"])
app.app_wraps[(5, "Overlay")] = lambda stateful: overlay() if stateful else None
app.add_middleware(SessionGate(), index=0)  # every event checks its tab's login session first
app.register_lifespan_task(startup.refuse_to_start_on_problems)  # first: before the background loops
tasks.register(app)
metrics.instrument(app, BaseStateEventProcessor, live)  # event and push latency, open tabs (`/metrics`)
for spec in PAGES:
    # Every page with roles runs the server-side guard first, whoever wrote the page.
    on_load = [SessionState.guard, *spec.on_load] if spec.roles is not None else list(spec.on_load)
    # A failure while an earlier page loaded is not this one's (`shell.failure.loading`).
    on_load = [FailureState.page_opened, *on_load] if on_load else []
    app.add_page(spec.component, route=spec.route, title=spec.title, on_load=on_load or None)
