"""`/flags`: the product team's live inbox of listing-correction flags.

Why this shape: the inbox links the viewer's live room once the service agreed the viewer
may read flags; every raise or answer moves its tick and each open inbox re-reads its own
view (filter, grouping, language stay private).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.case.flags_state import FlagActionsState, flag_row
from pixmania_incidents.services import flags
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState

FILTERS = ("open", "fixed", "rejected", "all")


class FlagInboxState(SessionState):
    """`/flags`: open flags oldest first (or a status), optionally grouped by listing."""

    view_status: str = "open"
    grouped: bool = False
    allowed: bool = False

    @rx.event
    async def load(self):
        _, refusal = await self._run(flags.inbox, "open")
        self.allowed = not refusal
        if self.allowed:
            await self._join_live()

    async def _views(self) -> list[flags.FlagView]:
        if not self.allowed:
            return []
        rows, _error = await self._run(flags.inbox, self.view_status if self.view_status in FILTERS else "open")
        return rows or []

    # Each var names what it depends on in its own body: that is what Reflex tracks.
    @rx.var
    async def rows(self) -> list[dict[str, Any]]:
        room = await self.get_state(live.LiveRoom)
        answers = await self.get_state(FlagActionsState)
        locale = (await self.get_state(LocaleState)).locale
        _ = (room.tick, answers.revision, self.allowed, self.view_status)
        return [flag_row(f, locale) for f in await self._views()]

    @rx.var
    async def groups(self) -> list[dict[str, Any]]:
        room = await self.get_state(live.LiveRoom)
        answers = await self.get_state(FlagActionsState)
        locale = (await self.get_state(LocaleState)).locale
        _ = (room.tick, answers.revision, self.allowed, self.view_status)
        if not self.grouped:
            return []
        return [
            {
                "listing_id": g.listing_id,
                "listing_title": g.listing_title,
                "listing_href": f"/listings/{g.listing_id}",
                "sku": g.sku,
                "shop_name": g.shop_name,
                "open_count": g.open_count,
                "count": len(g.flags),
                "flags": [flag_row(f, locale) for f in g.flags],
            }
            for g in flags.group_by_listing(await self._views())
        ]

    @rx.event
    def set_view_status(self, value: str | list[str]):
        self.view_status = value if isinstance(value, str) and value in FILTERS else "open"

    @rx.event
    def set_grouped(self, value: bool):
        self.grouped = bool(value)
