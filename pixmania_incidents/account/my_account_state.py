"""/account: changing one's own password, including the forced change of a temporary one."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.i18n import tr
from pixmania_incidents.services import auth
from pixmania_incidents.shell.session import SessionState, client_address


class AccountState(SessionState):
    """Changing one's own password, including the forced change of a temporary one."""

    error: str = ""
    done: bool = False

    @rx.event
    async def change_password(self, form: dict):
        self.done = False
        if not isinstance(form, dict):
            return
        current, new, confirm = (str(form.get(k) or "") for k in ("current", "new", "confirm"))
        if new != confirm:
            self.error = tr("auth.error.password_mismatch", await self._locale())
            return
        _, self.error = await self._run(
            auth.change_password,
            current,
            new,
            keep_token=self._session_token(),
            ip=client_address(self),
            pending_ok=True,
        )
        if not self.error:
            self.done = True
            self._remember(await self._identify())
