"""The product panel of a flagged case: the flags raised from it, live with the case."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.case.flags_state import FlagActionsState, flag_row
from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.services import flags
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.vocabulary import Role


class ProductCaseState(IncidentPageState):
    """The product panel of a flagged case: the flags raised from it, live with the case."""

    @rx.var
    async def case_flags(self) -> list[dict[str, Any]]:
        room = await self.get_state(live.IncidentRoom)
        answers = await self.get_state(FlagActionsState)
        _ = (room.tick, self.revision, answers.revision)
        if not self.case_id or self.user_role != Role.product:
            return []
        rows, _error = await self._read(flags.flags_for_incident, self.case_id)
        locale = (await self.get_state(LocaleState)).locale
        return [flag_row(f, locale) for f in rows or []]
