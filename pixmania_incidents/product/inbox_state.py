"""The product team's live inbox, the listing pages, and the product panel of a case.

Why these shapes: the inbox links the shared `flags` room once the service agreed the
viewer may read flags; every raise or answer moves its tick and each open inbox re-reads
its own view (filter, grouping, language stay private). Answers name who raised the flag
and the rooms to push, so the raiser's bell and the case page move too.
"""

from __future__ import annotations

import re
from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.formats import money, short_when
from pixmania_incidents.i18n import tr
from pixmania_incidents.models import Role
from pixmania_incidents.services import flags
from pixmania_incidents.state.incident import IncidentPageState
from pixmania_incidents.state.locale import LocaleState
from pixmania_incidents.state.session import SessionState

_LISTING_ROUTE = re.compile(r"/listings/(\d+)/?$")
FILTERS = ("open", "fixed", "rejected", "all")


def flag_row(f: flags.FlagView, locale: str) -> dict[str, Any]:
    """A flag as the pages print it: labels and dates already in the viewer's language."""
    return {
        "id": f.id,
        "status": f.status,
        "status_label": tr(f"flags.status.{f.status}", locale),
        "is_open": f.status in flags.OPEN,
        "is_raised": f.status == "raised",
        "reason_label": tr(f"flags.reason.{f.reason}", locale),
        "details": f.details,
        "listing_id": f.listing_id,
        "listing_title": f.listing_title,
        "listing_href": f"/listings/{f.listing_id}",
        "sku": f.sku,
        "shop_name": f.shop_name,
        "incident_reference": f.incident_reference,
        "incident_href": f"/incidents/{f.incident_id}" if f.incident_id else "",
        "raised_by": f.raised_by,
        "raised_by_role": tr(f"role.{f.raised_by_role}", locale) if f.raised_by_role else "",
        "when": short_when(f.created_at, locale),
        "handled_by": f.handled_by,
        "note": f.resolution_note,
    }


class FlagInboxState(SessionState):
    """`/flags`: open flags oldest first (or a status), optionally grouped by listing."""

    view_status: str = "open"
    grouped: bool = False
    allowed: bool = False
    revision: int = 0
    #: The confirmation dialog: "fix" or "reject", for which flag, and its refusal.
    dialog: str = ""
    dialog_flag_id: int = 0
    dialog_title: str = ""
    error: str = ""
    list_error: str = ""

    @rx.event
    async def load(self):
        self.dialog, self.error, self.list_error = "", "", ""
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
        locale = (await self.get_state(LocaleState)).locale
        _ = (room.tick, self.revision, self.allowed, self.view_status)
        return [flag_row(f, locale) for f in await self._views()]

    @rx.var
    async def groups(self) -> list[dict[str, Any]]:
        room = await self.get_state(live.LiveRoom)
        locale = (await self.get_state(LocaleState)).locale
        _ = (room.tick, self.revision, self.allowed, self.view_status)
        if not self.grouped:
            return []
        return [
            {"listing_id": g.listing_id, "listing_title": g.listing_title, "listing_href": f"/listings/{g.listing_id}",
             "sku": g.sku, "shop_name": g.shop_name, "open_count": g.open_count, "count": len(g.flags),
             "flags": [flag_row(f, locale) for f in g.flags]}
            for g in flags.group_by_listing(await self._views())
        ]

    @rx.event
    def set_view_status(self, value: str | list[str]):
        self.view_status = value if isinstance(value, str) and value in FILTERS else "open"

    @rx.event
    def set_grouped(self, value: bool):
        self.grouped = bool(value)

    @rx.event
    async def acknowledge(self, flag_id: Any):
        try:
            flag_id = int(flag_id)
        except (TypeError, ValueError):
            return
        change, self.list_error = await self._run(flags.acknowledge, flag_id)
        self.revision += 1
        if change is not None:
            live.push_flag(change)

    @rx.event
    def open_dialog(self, kind: str, flag_id: Any, title: str):
        if kind not in ("fix", "reject"):
            return
        try:
            self.dialog_flag_id = int(flag_id)
        except (TypeError, ValueError):
            return
        self.dialog, self.dialog_title, self.error = kind, str(title)[:200], ""

    @rx.event
    def close_dialog(self, _open: bool = False):
        self.dialog, self.error = "", ""

    @rx.event
    async def confirm(self, form: dict):
        """Fix (what changed) or reject (why): the dialog stays open with the text on refusal."""
        note = str((form or {}).get("note") or "") if isinstance(form, dict) else ""
        action = {"fix": flags.mark_fixed, "reject": flags.reject}.get(self.dialog)
        if action is None:
            return
        change, self.error = await self._run(action, self.dialog_flag_id, note)
        self.revision += 1
        if change is not None:
            self.dialog = ""
            live.push_flag(change)


class ListingPageState(SessionState):
    """`/listings/[listing_id]`: a listing, its flags and the cases they point at (read-only)."""

    #: Not `listing_id`: the route's own parameter already has that name.
    shown_id: int = 0
    missing: bool = False

    @rx.event
    async def load(self):
        match = _LISTING_ROUTE.search(self.router.url.path or "")
        listing_id = int(match.group(1)) if match else 0
        page, refusal = await self._run(flags.listing_page, listing_id) if listing_id else (None, "")
        self.missing = page is None
        self.shown_id = 0 if page is None else listing_id
        if page is not None:
            await self._join_live()

    @rx.var
    async def listing(self) -> dict[str, Any]:
        room = await self.get_state(live.LiveRoom)
        _ = room.tick
        if not self.shown_id:
            return {}
        page, _error = await self._run(flags.listing_page, self.shown_id)
        if page is None:
            return {}
        locale = (await self.get_state(LocaleState)).locale
        return {
            "id": page.id, "title": page.title, "sku": page.sku, "description": page.description,
            "price_label": money(page.price_cents, locale), "shop_name": page.shop_name,
            "flags": [flag_row(f, locale) for f in page.flags],
            "incidents": [
                {"id": c.id, "href": f"/incidents/{c.id}", "reference": c.reference,
                 "type_label": c.type_en if locale == "en" else c.type_fr,
                 "state": c.state, "state_label": tr(f"state.{c.state}", locale),
                 "when": short_when(c.opened_at, locale), "description": c.description}
                for c in page.incidents
            ],
        }


class ProductCaseState(IncidentPageState):
    """The product panel of a flagged case: the flags raised from it, live with the case."""

    @rx.var
    async def case_flags(self) -> list[dict[str, Any]]:
        room = await self.get_state(live.IncidentRoom)
        _ = (room.tick, self.revision)
        if not self.case_id or self.user_role != Role.product:
            return []
        rows, _error = await self._run(flags.flags_for_incident, self.case_id)
        locale = (await self.get_state(LocaleState)).locale
        return [flag_row(f, locale) for f in rows or []]
