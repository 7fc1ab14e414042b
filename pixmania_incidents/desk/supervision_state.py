"""/supervision: every incident for customer service, live through each viewer's own room.

Why this shape: a change to any incident moves the tick of every staff member's room;
each viewer's filters and page stay in this private state and the list is re-queried on
the server (filtered, ordered by the nearest deadline, 25 a page) when the tick moves.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.formats import iso, parse_day, short_when
from pixmania_incidents.i18n import norm_locale
from pixmania_incidents.live import LiveRoom
from pixmania_incidents.services import supervision
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import STAFF, SUPERVISION_QUEUES

_TEXT_FILTERS = ("queue", "state", "type", "shop_id", "deadline_state", "opened_from", "opened_to", "text")


def _filters(raw: dict[str, str]) -> supervision.Filters:
    shop = raw.get("shop_id", "")
    return supervision.Filters(
        queue=raw.get("queue") or "all",
        state=raw.get("state", ""),
        type=raw.get("type", ""),
        shop_id=int(shop) if shop.isdigit() else None,
        deadline_state=raw.get("deadline_state", ""),
        opened_from=parse_day(raw.get("opened_from", "")),
        opened_to=parse_day(raw.get("opened_to", "")),
        text=raw.get("text", ""),
    )


def _capped(count: int) -> str:
    """A count as shown: "1000+" once the service stopped counting."""
    return f"{count}+" if count >= supervision.COUNT_CAP else str(count)


class SupervisionState(SessionState):
    queue: str = "all"
    page: int = 1
    revision: int = 0
    shops: list[dict[str, str]] = []
    _filters: dict[str, str] = {}

    @rx.event
    async def load(self):
        """Follow the viewer's room once the server-side session says this is staff."""
        if await self._join_live(STAFF, desk=True) is None:
            return
        shops, _ = await self._run(supervision.shops)
        self.shops = [{"id": str(s["id"]), "name": s["name"]} for s in shops or []]

    @rx.var
    async def result(self) -> dict[str, Any]:
        """The current page, re-read whenever any incident changes (the desk's tick)."""
        room = await self.get_state(LiveRoom)
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        _ = (room.tick, self.revision)
        if not self.shops:
            return {"rows": [], "total": 0, "total_label": "0", "page": 1, "pages": 1, "counts": {}, "error": ""}
        found, error = await self._read(supervision.supervise, _filters(self._filters), self.page)
        if found is None:
            return {"rows": [], "total": 0, "total_label": "0", "page": 1, "pages": 1, "counts": {}, "error": error}
        return {
            "rows": [
                {
                    **r,
                    "next_due_at": iso(r["next_due_at"]),
                    "opened_when": short_when(r["opened_at"], locale),
                    "opened_at": iso(r["opened_at"]),
                }
                for r in found.rows
            ],
            "total": found.total,
            "total_label": _capped(found.total),
            "page": found.page,
            "pages": found.pages,
            "counts": {q: _capped(n) for q, n in found.queue_counts.items()},
            "error": "",
        }

    def _set(self, name: str, value: Any) -> None:
        if name not in _TEXT_FILTERS:
            return
        value = str(value or "")[:100]
        self._filters = {**self._filters, name: "" if value == "all" else value}
        self.page = 1
        self.revision += 1

    @rx.event
    def set_queue(self, value: str):
        self.queue = value if value in SUPERVISION_QUEUES else "all"
        self._set("queue", self.queue)

    @rx.event
    def set_filter(self, name: str, value: str):
        self._set(str(name), value)

    @rx.event
    def set_text(self, value: str):
        self._set("text", value)

    @rx.event
    def go_to(self, page: int):
        try:
            self.page = max(1, int(page))
        except (TypeError, ValueError):
            self.page = 1
        self.revision += 1
