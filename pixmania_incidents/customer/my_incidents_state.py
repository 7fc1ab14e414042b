"""`/incidents`: the customer's own incidents, live."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.customer.orders_state import incident_row
from pixmania_incidents.formats import when
from pixmania_incidents.i18n import norm_locale
from pixmania_incidents.services import views
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState


class MyIncidentsState(SessionState):
    """Live: the customer's own room (`user-<id>`) moves whenever one of their cases changes."""

    loaded: int = 0

    @rx.event
    async def load(self):
        if await self._join_live() is not None:
            self.loaded += 1

    @rx.var
    async def rows(self) -> list[dict[str, Any]]:
        room = await self.get_state(live.LiveRoom)
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        _ = room.tick
        if not self.loaded:
            return []
        data, _ = await self._read(views.customer_incidents)
        return [incident_row(i, locale) | {"next_due_when": when(i["next_due_at"], locale)} for i in data or []]
