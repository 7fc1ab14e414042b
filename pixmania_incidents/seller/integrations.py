"""/integrations: the shop's API keys and webhooks, for its back office."""

import reflex as rx

from pixmania_incidents.shell.integrations import integrations_body
from pixmania_incidents.shell.integrations_state import IntegrationsState
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.vocabulary import Role


@page("/integrations", "Pixmania · Intégrations", roles=[Role.seller], on_load=[IntegrationsState.load])
def integrations_page() -> rx.Component:
    return app_shell(integrations_body())
