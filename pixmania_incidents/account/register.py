"""Customer self-registration: the password rule is shown before submitting; the server logs the new customer in."""

import reflex as rx

from pixmania_incidents.account.login import WAITS, auth_card, error_callout
from pixmania_incidents.account.login_state import AuthPageState
from pixmania_incidents.shell.forms import form_field, native_form
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t


def _inline(*codes: str) -> rx.Component:
    return rx.box(error_callout(*codes), width="100%")


@page("/register", "Pixmania · Créer un compte", on_load=[AuthPageState.read_query])
def register_page() -> rx.Component:
    return auth_card(
        rx.heading(t("auth.register_title"), size="6", as_="h1"),
        _inline(*WAITS),
        native_form(
            rx.vstack(
                form_field(
                    "name",
                    t("auth.name"),
                    required=True,
                    max_length=120,
                    auto_complete="name",
                    default_value=AuthPageState.prefill_name,
                    key=AuthPageState.prefill_name,
                    error=_inline("name_required"),
                ),
                form_field(
                    "email",
                    t("auth.email"),
                    type="email",
                    required=True,
                    auto_complete="email",
                    default_value=AuthPageState.prefill_email,
                    key=AuthPageState.prefill_email,
                    error=_inline("email_invalid", "email_international"),
                ),
                form_field(
                    "password",
                    t("auth.password"),
                    type="password",
                    required=True,
                    min_length=12,
                    max_length=1024,
                    auto_complete="new-password",
                    aria_describedby="password-rule",
                    hint=rx.text(t("auth.password_rule"), id="password-rule", size="1", color_scheme="gray"),
                    error=_inline("weak_password", "password_too_long"),
                ),
                rx.button(t("auth.submit_register"), type="submit", width="100%", size="3"),
                spacing="3",
                width="100%",
            ),
            action="/auth/register",
            method="post",
            width="100%",
        ),
        rx.text(t("auth.have_account"), " ", rx.link(t("auth.login_title"), href="/login"), size="2"),
    )
