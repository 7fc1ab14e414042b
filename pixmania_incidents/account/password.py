"""`/password/forgot` and `/password/reset/[token]`: password reset by e-mail.

The state lives here because these two public pages are its only users. Asking for a link
always answers the same sentence; the token comes from the URL path and is checked by the
service, which stores only its hash.
"""

from __future__ import annotations

import asyncio
import re

import reflex as rx

from pixmania_incidents.components.shell import form_field
from pixmania_incidents.components.text import t
from pixmania_incidents.db import session_scope
from pixmania_incidents.i18n import tr
from pixmania_incidents.pages.login import auth_card
from pixmania_incidents.pages.registry import page
from pixmania_incidents.services import password_reset
from pixmania_incidents.services.common import ServiceError
from pixmania_incidents.state.locale import LocaleState

_TOKEN = re.compile(r"/password/reset/([A-Za-z0-9_-]{20,100})/?$")


def _in_transaction(fn, *args):  # noqa: ANN001, ANN202
    with session_scope() as session:
        return fn(session, *args)


class PasswordResetState(rx.State):
    sent: bool = False
    valid: bool = False
    checked: bool = False
    done: bool = False
    error: str = ""
    _token: str = ""

    @rx.event
    def clear(self):
        self.sent, self.error = False, ""

    @rx.event
    async def request_link(self, form: dict):
        email = str((form or {}).get("email") or "")[:254] if isinstance(form, dict) else ""
        await asyncio.to_thread(_in_transaction, password_reset.request_reset, email)
        self.sent = True

    @rx.event
    async def check_link(self):
        match = _TOKEN.search(self.router.url.path or "")
        self._token = match.group(1) if match else ""
        self.done, self.error = False, ""
        self.valid = bool(self._token) and await asyncio.to_thread(_in_transaction, password_reset.link_is_valid, self._token)
        self.checked = True

    @rx.event
    async def set_password(self, form: dict):
        """The typed passwords are kept on refusal (the form is not reset)."""
        form = form if isinstance(form, dict) else {}
        new, confirm = str(form.get("new") or ""), str(form.get("confirm") or "")
        locale = (await self.get_state(LocaleState)).locale
        if new != confirm:
            self.error = tr("password.mismatch", locale)
            return
        try:
            await asyncio.to_thread(_in_transaction, password_reset.reset_password, self._token, new)
        except ServiceError as exc:
            self.error = tr(exc.code, locale, **exc.params)
            self.valid = exc.code != "password.error.invalid_link"
            return
        self.error, self.done, self.valid = "", True, False


def _error() -> rx.Component:
    return rx.cond(PasswordResetState.error != "",
                   rx.callout(PasswordResetState.error, icon="triangle_alert", color_scheme="red", role="alert", width="100%"))


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


@page("/password/reset/[token]", "Pixmania · Nouveau mot de passe", on_load=[PasswordResetState.check_link])
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
                        form_field("new", t("auth.new_password"), type="password", required=True, min_length=12,
                                   max_length=1024, auto_complete="new-password",
                                   hint=rx.text(t("auth.password_rule"), size="1", color_scheme="gray")),
                        form_field("confirm", t("auth.confirm_password"), type="password", required=True,
                                   auto_complete="new-password"),
                        _error(),
                        rx.button(t("password.reset_submit"), type="submit", width="100%", size="3"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=PasswordResetState.set_password,
                    width="100%",
                ),
                rx.cond(PasswordResetState.checked,
                        rx.vstack(rx.callout(t("password.error.invalid_link"), icon="triangle_alert",
                                             color_scheme="amber", width="100%"),
                                  rx.link(t("password.forgot_link"), href="/password/forgot"), width="100%")),
            ),
        ),
        _back(),
    )
