"""Public login page: a plain form posted to /auth/login, which sets the session cookie."""

import reflex as rx

from pixmania_incidents.account.login_state import AuthPageState
from pixmania_incidents.i18n import CATALOGUE
from pixmania_incidents.shell.forms import form_field, native_form
from pixmania_incidents.shell.layout import public_page
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t

#: The codes that mean "wait": the route's `throttled` and a service's `retry_in` refusal.
WAITS = ("throttled", "retry_in")


def retry_message() -> rx.Var:
    """The wait the route's link names, as "Réessayez dans N secondes"."""
    fr, en = CATALOGUE["auth.error.retry_in"]
    seconds = AuthPageState.wait_seconds
    return rx.cond(LocaleState.is_en, en.format(seconds=seconds), fr.format(seconds=seconds))


def _callout(code: str) -> rx.Component:
    if code == "session_ended":  # not a refusal: why this tab is back on the login page
        return rx.callout(t("auth.session_ended"), icon="info", color_scheme="blue", role="status", width="100%")
    message = retry_message() if code in WAITS else t(f"auth.error.{code}")
    return rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%")


def error_callout(*codes: str) -> rx.Component:
    """What the login route (or the session gate) sent back as `?error=`, in the viewer's language."""
    return rx.match(AuthPageState.error, *[(code, _callout(code)) for code in codes], rx.fragment())


def auth_card(*children: rx.Component) -> rx.Component:
    return public_page(
        rx.center(rx.card(rx.vstack(*children, spacing="4", width="100%"), width="100%", max_width="420px"))
    )


@page("/login", "Pixmania · Connexion", on_load=[AuthPageState.read_query])
def login_page() -> rx.Component:
    return auth_card(
        rx.heading(t("auth.login_title"), size="6", as_="h1"),
        error_callout("invalid_credentials", *WAITS, "session_ended"),
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
