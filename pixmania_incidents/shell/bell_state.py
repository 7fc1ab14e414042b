"""The notification bell: the viewer's unread count and latest notifications, live.

Why a per-user room: every change that notifies someone moves `user-<id>`'s tick (the
services return who was notified), and the bell re-reads its own rows. The room is linked
from the server-side identity, never from an id sent by the browser.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.formats import short_when
from pixmania_incidents.services import notifications
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState

SHOWN = 15


class BellState(SessionState):
    linked: bool = False
    revision: int = 0

    @rx.event
    async def link(self):
        """On mount of the bell (every logged-in page): follow this user's room."""
        self.linked = await self._join_live() is not None

    # Each var names what it depends on in its own body: that is what Reflex tracks.
    @rx.var
    async def unread(self) -> int:
        room = await self.get_state(live.LiveRoom)
        _ = (room.tick, self.revision, self.linked)
        if not self.linked:
            return 0
        count, _error = await self._read(notifications.unread_count, pending_ok=True)
        return count or 0

    @rx.var
    async def items(self) -> list[dict[str, Any]]:
        room = await self.get_state(live.LiveRoom)
        locale = (await self.get_state(LocaleState)).locale
        _ = (room.tick, self.revision, self.linked)
        if not self.linked:
            return []
        rows, _error = await self._read(notifications.recent, SHOWN, locale, pending_ok=True)
        return [
            {"id": n.id, "text": n.text, "link": n.link, "when": short_when(n.created_at, locale), "unread": n.unread}
            for n in rows or []
        ]

    async def _changed(self) -> None:
        """Other tabs of the same user follow too."""
        self.revision += 1
        identity = await self._identify()
        if identity is not None:
            live.push([live.user_room(identity.actor.id)])

    @rx.event
    async def mark_read(self, notification_id: Any):
        try:
            notification_id = int(notification_id)
        except (TypeError, ValueError):
            return
        _, error = await self._run(notifications.mark_read, notification_id, pending_ok=True)
        if not error:
            await self._changed()

    @rx.event
    async def mark_all_read(self):
        _, error = await self._run(notifications.mark_all_read, pending_ok=True)
        if not error:
            await self._changed()
