"""The seller's board: the user's live room carries the change signal, each viewer re-queries.

Why this split: filters and "show more" differ per seller, so they stay in this private
state (backend vars, so the browser can only ask for them through the handlers below); the
room only moves a tick, pushed to every seller of the shop whenever any seller, customer
or the sweep changes one of the shop's incidents, and each board re-queries its columns.
"""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.live import LiveRoom
from pixmania_incidents.services import board
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import IncidentState, Role


class BoardState(SessionState):
    show_closed: bool = False
    # The one column a phone shows (wider screens show them all).
    current: str = IncidentState.open.value
    _filters: dict[str, str] = {}
    _limits: dict[str, int] = {}
    _shop_id: int | None = None

    @rx.event
    async def load(self):
        """Follow the seller's room; the shop comes from the server-side session, never the page."""
        actor = await self._join_live({Role.seller})
        self._shop_id = actor.shop_id if actor is not None else None

    @rx.var
    async def columns(self) -> list[board.Column]:
        room = await self.get_state(LiveRoom)
        _ = room.tick
        if self._shop_id is None:
            return []
        result, _error = await self._read(
            board.board, board.BoardFilters.of(self._filters), dict(self._limits), await self._locale()
        )
        return result or []

    def _set_filter(self, name: str, value: str) -> None:
        self._filters = {**self._filters, name: str(value)[:100]}
        self._limits = {}

    @rx.event
    def filter_type(self, value: str):
        self._set_filter("type", value)

    @rx.event
    def filter_deadline(self, value: str):
        self._set_filter("deadline_state", value)

    @rx.event
    def filter_text(self, value: str):
        self._set_filter("text", value)

    @rx.event
    def filter_mine(self, checked: bool):
        self._set_filter("mine", "1" if checked is True else "")

    @rx.event
    async def export_csv(self):
        """The cases as filtered and sorted on screen, for a spreadsheet."""
        text, _error = await self._run(board.board_csv, board.BoardFilters.of(self._filters), await self._locale())
        if text is None:
            return None
        return rx.download(data=text, filename="tableau-incidents.csv", mime_type="text/csv")

    @rx.event
    def sort_by(self, value: str):
        self._set_filter("sort", value)

    @rx.event
    def show_column(self, state: str):
        if state in IncidentState.__members__:
            self.current = state

    @rx.event
    def show_more(self, state: str):
        if state in IncidentState.__members__:
            self._limits = {**self._limits, state: board.limit_for(self._limits, state) + board.PAGE}

    @rx.event
    def toggle_closed(self):
        self.show_closed = not self.show_closed
