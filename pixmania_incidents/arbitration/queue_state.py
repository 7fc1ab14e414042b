"""/arbitration: the arbitrators' queue, live through each arbitrator's room."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.i18n import norm_locale
from pixmania_incidents.services import arbitration, views
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import Role


class ArbitrationQueueState(SessionState):
    error: str = ""
    _linked: bool = False

    @rx.event
    async def load(self):
        self.error = ""
        self._linked = await self._join_live({Role.arbitrator}, desk=True) is not None

    @rx.var
    async def rows(self) -> list[dict[str, Any]]:
        """Oldest request first, re-read on every change at the desk."""
        room = await self.get_state(live.LiveRoom)
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        _ = room.tick
        if not self._linked:
            return []
        found, _error = await self._read(views.arbitration_queue, locale)
        return found or []

    @rx.event
    async def take(self, incident_id: int):
        """The service decides who wins; the loser sees why."""
        result, self.error = await self._run(arbitration.take_case, int(incident_id))
        if result is not None:
            live.push_result(result)
            return rx.redirect(f"/arbitration/{result.incident_id}")
        return None
