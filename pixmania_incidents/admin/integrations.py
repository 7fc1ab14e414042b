"""/admin/integrations: every API key (the operator's, and any shop's for one of its sellers) and
the operator's webhooks."""

import reflex as rx

from pixmania_incidents.shell.integrations import integrations_body
from pixmania_incidents.shell.integrations_state import IntegrationsState
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.vocabulary import Role


@page("/admin/integrations", "Pixmania · Intégrations", roles=[Role.admin], on_load=[IntegrationsState.load])
def admin_integrations_page() -> rx.Component:
    return app_shell(integrations_body())
