"""`/password/forgot` and `/password/reset/[token]`: asking for a link, choosing a new password."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.account.login import auth_card
from pixmania_incidents.account.password_state import ROUTE, PasswordResetState
from pixmania_incidents.shell.forms import form_field
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t


def _error() -> rx.Component:
    return rx.cond(
        PasswordResetState.error != "",
        rx.callout(PasswordResetState.error, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def _back() -> rx.Component:
    return rx.link(t("password.back_to_login"), href="/login", size="2")


@page("/password/forgot", "Pixmania · Mot de passe oublié", on_load=[PasswordResetState.clear])
def forgot_page() -> rx.Component:
    return auth_card(
        rx.heading(t("password.forgot_title"), size="6", as_="h1"),
        rx.cond(
            PasswordResetState.sent,
            rx.callout(t("password.link_sent"), icon="mail", color_scheme="green", role="status", width="100%"),
            rx.form(
                rx.vstack(
                    rx.text(t("password.forgot_intro"), size="2"),
                    form_field("email", t("auth.email"), type="email", required=True, auto_complete="username"),
                    rx.button(t("password.send_link"), type="submit", width="100%", size="3"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=PasswordResetState.request_link,
                width="100%",
            ),
        ),
        _back(),
    )


@page(ROUTE, "Pixmania · Nouveau mot de passe", on_load=[PasswordResetState.check_link])
def reset_page() -> rx.Component:
    return auth_card(
        rx.heading(t("password.reset_title"), size="6", as_="h1"),
        rx.cond(
            PasswordResetState.done,
            rx.callout(t("password.reset_done"), icon="check", color_scheme="green", role="status", width="100%"),
            rx.cond(
                PasswordResetState.valid,
                rx.form(
                    rx.vstack(
                        form_field(
                            "new",
                            t("auth.new_password"),
                            type="password",
                            required=True,
                            min_length=12,
                            max_length=1024,
                            auto_complete="new-password",
                            hint=rx.text(t("auth.password_rule"), size="1", color_scheme="gray"),
                        ),
                        form_field(
                            "confirm",
                            t("auth.confirm_password"),
                            type="password",
                            required=True,
                            auto_complete="new-password",
                        ),
                        _error(),
                        rx.button(t("password.reset_submit"), type="submit", width="100%", size="3"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=PasswordResetState.set_password,
                    width="100%",
                ),
                rx.cond(
                    PasswordResetState.checked,
                    rx.vstack(
                        rx.callout(
                            t("password.error.invalid_link"), icon="triangle_alert", color_scheme="amber", width="100%"
                        ),
                        rx.link(t("password.forgot_link"), href="/password/forgot"),
                        width="100%",
                    ),
                ),
            ),
        ),
        _back(),
    )
