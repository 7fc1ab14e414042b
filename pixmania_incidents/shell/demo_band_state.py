"""Whether this server carries the demo accounts (their password is published): read once per tab."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.services import demo
from pixmania_incidents.shell.session import SessionState


class DemoBandState(SessionState):
    shown: bool = False
    checked: bool = False

    @rx.event
    async def check(self):
        """On mount of the band (every page): the database is asked once, at the tab's first page."""
        if self.checked:
            return
        present, _ = await self._run(demo.demo_data_present, login=False)
        self.shown, self.checked = bool(present), True
