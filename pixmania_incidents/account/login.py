"""Public login page: a plain form posted to /auth/login, which sets the session cookie."""

import reflex as rx

from pixmania_incidents.account.login_state import AuthPageState
from pixmania_incidents.i18n import CATALOGUE
from pixmania_incidents.shell.forms import form_field, native_form
from pixmania_incidents.shell.layout import public_page
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t


def throttled_message() -> rx.Var:
    fr, en = CATALOGUE["auth.error.throttled"]
    minutes = AuthPageState.wait_minutes
    return rx.cond(LocaleState.is_en, en.format(minutes=minutes), fr.format(minutes=minutes))


def error_callout(*codes: str) -> rx.Component:
    """The refusal the login route sent back as `?error=`, in the viewer's language."""
    messages = [(code, throttled_message() if code == "throttled" else t(f"auth.error.{code}")) for code in codes]
    return rx.match(
        AuthPageState.error,
        *[
            (code, rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"))
            for code, message in messages
        ],
        rx.fragment(),
    )


def auth_card(*children: rx.Component) -> rx.Component:
    return public_page(
        rx.center(rx.card(rx.vstack(*children, spacing="4", width="100%"), width="100%", max_width="420px"))
    )


@page("/login", "Pixmania · Connexion", on_load=[AuthPageState.read_query])
def login_page() -> rx.Component:
    return auth_card(
        rx.heading(t("auth.login_title"), size="6", as_="h1"),
        error_callout("invalid_credentials", "throttled"),
        native_form(
            rx.vstack(
                rx.el.input(type="hidden", name="next", value=AuthPageState.next_path, read_only=True),
                form_field("email", t("auth.email"), type="email", required=True, auto_complete="username"),
                form_field(
                    "password", t("auth.password"), type="password", required=True, auto_complete="current-password"
                ),
                rx.button(t("auth.submit_login"), type="submit", width="100%", size="3"),
                spacing="3",
                width="100%",
            ),
            action="/auth/login",
            method="post",
            width="100%",
        ),
        rx.link(t("password.forgot_link"), href="/password/forgot", size="2"),
        rx.text(t("auth.no_account"), " ", rx.link(t("auth.register_link"), href="/register"), size="2"),
    )
