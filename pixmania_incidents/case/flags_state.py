"""Listing flags as every page prints them, and what the product team does with one
(acknowledge, fix, reject) from its inbox, a listing's page or the case they came from.

Answers name who raised the flag and the rooms to push, so the raiser's bell, the inbox and
the case page move too.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.formats import short_when
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import flags
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import OPEN_FLAG_STATUSES, case_path


def flag_row(f: flags.FlagView, locale: str) -> dict[str, Any]:
    """A flag as the pages print it: labels and dates already in the viewer's language."""
    return {
        "id": f.id,
        "status": f.status,
        "status_label": tr(f"flags.status.{f.status}", locale),
        "is_open": f.status in OPEN_FLAG_STATUSES,
        "is_raised": f.status == "raised",
        "reason_label": tr(f"flags.reason.{f.reason}", locale),
        "details": f.details,
        "listing_id": f.listing_id,
        "listing_title": f.listing_title,
        "listing_href": f"/listings/{f.listing_id}",
        "sku": f.sku,
        "shop_name": f.shop_name,
        "incident_reference": f.incident_reference,
        "incident_href": case_path(f.incident_reference) if f.incident_id else "",
        "raised_by": f.raised_by,
        "raised_by_role": tr(f"role.{f.raised_by_role}", locale) if f.raised_by_role else "",
        "when": short_when(f.created_at, locale),
        "handled_by": f.handled_by,
        "note": f.resolution_note,
    }


class FlagActionsState(SessionState):
    """The product team's answers to a flag; `revision` makes the lists showing flags re-read."""

    revision: int = 0
    #: The confirmation dialog: "fix" or "reject", for which flag, and its refusal.
    dialog: str = ""
    dialog_flag_id: int = 0
    dialog_title: str = ""
    error: str = ""
    #: A refused acknowledgement, shown above the list.
    list_error: str = ""

    @rx.event
    def reset_answers(self):
        self.dialog, self.error, self.list_error = "", "", ""

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
