"""Customer service on the incident page: internal notes, assisting messages, listing flags,
and for arbitrators taking or releasing the case (the decision is on its case file).

Subclasses `IncidentPageState`, so it acts on the case the page shows; every handler goes
through a service that authorizes the server-side actor, whatever the browser sent.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.formats import short_when
from pixmania_incidents.i18n import norm_locale
from pixmania_incidents.services import arbitration, flags, supervision
from pixmania_incidents.shell.forms import reset_form
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.vocabulary import STAFF


class IncidentStaffState(IncidentPageState):
    #: Which staff form the last refusal or success belongs to.
    failed: str = ""
    done: str = ""

    @rx.var
    async def notes(self) -> list[dict[str, Any]]:
        room = await self.get_state(live.IncidentRoom)
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        _ = (room.tick, self.revision)
        if not self.case_id or self.user_role not in STAFF:
            return []
        found, _error = await self._read(supervision.internal_notes, self.case_id)
        return [n | {"created_at": short_when(n["created_at"], locale)} for n in found or []]

    async def _staff(self, form: str, fn: Any, *args: Any) -> Any:
        self.done, self.failed = "", ""
        result = await self._act(fn, self.case_id, *args)
        self.failed = "" if result is not None else form
        self.done = form if result is not None else ""
        return result

    @rx.event
    async def add_note(self, form: dict):
        body = str((form or {}).get("body") or "") if isinstance(form, dict) else ""
        result = await self._staff("note", supervision.add_internal_note, body)
        return reset_form("form-staff-note") if result is not None else None

    @rx.event
    async def assist(self, form: dict):
        body = str((form or {}).get("body") or "") if isinstance(form, dict) else ""
        result = await self._staff("assist", supervision.assist, body)
        return reset_form("form-staff-assist") if result is not None else None

    @rx.event
    async def raise_flag(self, form: dict):
        """The product team's inbox moves too (`_act` pushes a flag change to it)."""
        form = form if isinstance(form, dict) else {}
        change = await self._staff(
            "flag", flags.raise_flag, str(form.get("reason") or ""), str(form.get("details") or "")
        )
        return reset_form("form-staff-flag") if change is not None else None

    @rx.event
    async def take_case(self):
        await self._staff("arbitration", arbitration.take_case)

    @rx.event
    async def release_case(self):
        await self._staff("arbitration", arbitration.release_case)
