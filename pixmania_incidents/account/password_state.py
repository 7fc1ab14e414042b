"""`/password/forgot` and `/password/reset/[token]`: password reset by e-mail.

Asking for a link always answers the same sentence; the token comes from the URL path and
is checked by the service, which stores only its hash.
"""

from __future__ import annotations

import re

import reflex as rx

from pixmania_incidents.i18n import tr
from pixmania_incidents.services import password_reset
from pixmania_incidents.shell.registry import route_text
from pixmania_incidents.shell.session import SessionState, client_address

ROUTE = "/password/reset/[token]"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


class PasswordResetState(SessionState):
    """Visitors' pages: the services are called without an actor (`_run(..., login=False)`)."""

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
        await self._run(password_reset.request_reset, email, ip=client_address(self), login=False)
        self.sent = True

    @rx.event
    async def check_link(self):
        token = route_text(self.router.url.path or "", ROUTE)
        self._token = token if _TOKEN.fullmatch(token) else ""
        self.done, self.error = False, ""
        valid, _ = (
            await self._run(password_reset.link_is_valid, self._token, login=False) if self._token else (False, "")
        )
        self.valid, self.checked = bool(valid), True

    @rx.event
    async def set_password(self, form: dict):
        """The typed passwords are kept on refusal (the form is not reset)."""
        form = form if isinstance(form, dict) else {}
        new, confirm = str(form.get("new") or ""), str(form.get("confirm") or "")
        if new != confirm:
            self.error = tr("password.mismatch", await self._locale())
            return
        _, self.error = await self._run(password_reset.reset_password, self._token, new, login=False)
        if self.error:
            valid, _ = await self._run(password_reset.link_is_valid, self._token, login=False)
            self.valid = bool(valid)
            return
        self.done, self.valid = True, False
