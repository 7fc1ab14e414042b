"""Who works the case, on its page: a seller assigns it to a colleague of the shop, a
customer service agent takes or releases it. The services refuse anyone else."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.services import assignment
from pixmania_incidents.vocabulary import Role


class HandlingState(IncidentPageState):
    @rx.var
    async def colleagues(self) -> list[assignment.Colleague]:
        """The shop's sellers a case can go to (read for sellers only)."""
        if self.user_role != Role.seller or not self.case_id:
            return []
        found, _error = await self._read(assignment.colleagues)
        return found or []

    @rx.event
    async def assign(self, value: str):
        """`none` gives the case back to nobody; anything but a number reaches the service as nobody known."""
        value = str(value or "")
        assignee = None if value in ("", "none") else int(value) if value.isdigit() else -1
        await self._act(assignment.assign, self.case_id, assignee)

    @rx.event
    async def take(self):
        await self._act(assignment.take, self.case_id)

    @rx.event
    async def release(self):
        await self._act(assignment.release, self.case_id)
