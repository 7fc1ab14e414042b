"""The customer's actions on the incident page.

Handlers stay thin: the identity comes from the session cookie, every id the browser sends
is only looked up through a service that checks it belongs to this customer, and every
change is pushed to the rooms of the incident it touched.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import fulfilment, incidents
from pixmania_incidents.shell.drafts import draft_sent
from pixmania_incidents.shell.forms import clear_files, read_uploads


class CustomerCaseState(IncidentPageState):
    """The customer's panel on the incident page. Confirmations remember the version the
    customer had on screen when they opened, so a change made meanwhile is refused."""

    dialog: str = ""
    arbitration_confirmed: bool = False
    score: str = ""

    @rx.event
    def ask(self, dialog: str, version: int):
        if dialog in ("accept", "refuse", "withdraw", "withdraw_arbitration", "help", "arbitration"):
            self.dialog, self.arbitration_confirmed = dialog, False
            self._remember_version(version)

    @rx.event
    def set_dialog_open(self, is_open: bool):
        if not is_open:
            self.dialog, self.error = "", ""

    @rx.event
    def set_arbitration_confirmed(self, value: bool):
        self.arbitration_confirmed = bool(value)

    @rx.event
    def set_score(self, value: str):
        self.score = str(value) if str(value) in {"1", "2", "3", "4", "5"} else ""

    async def _decide(self, fn, *args: Any) -> Any:
        """A confirmed lifecycle action: closes its dialog unless refused for another reason."""
        result = await self._act(fn, self.case_id, self._seen_version, *args)
        if result is not None or self.notice:
            self.dialog = ""
        return result

    @rx.event
    async def accept(self):
        await self._decide(incidents.accept)

    @rx.event
    async def refuse(self, form: dict):
        reason = str((form or {}).get("reason") or "")
        if await self._decide(incidents.refuse, reason) is not None:
            return draft_sent("refuse_reason", reason)
        return None

    @rx.event
    async def withdraw(self):
        await self._decide(incidents.withdraw)

    @rx.event
    async def withdraw_arbitration(self):
        """Only an arbitration asked for after the resolution (SPEC 8.5): back to resolved."""
        await self._decide(incidents.withdraw_arbitration)

    @rx.event
    async def request_help(self, form: dict):
        result = await self._act(incidents.request_help, self.case_id, str((form or {}).get("message") or ""))
        if result is not None:
            self.dialog = ""

    @rx.event
    async def request_arbitration(self, files: list[rx.UploadFile], reason: str):
        if not self.arbitration_confirmed:
            self.error = tr("customer.error.confirm_binding", await self._locale())
            return None
        text = str(reason or "")
        if await self._decide(incidents.request_arbitration, text, await read_uploads(files)) is not None:
            return [draft_sent("arbitration_reason", text), clear_files("arbitration_files")]
        return None

    @rx.event
    async def send_back(self, files: list[rx.UploadFile], label_id: int):
        note = tr("customer.sent_back_message", await self._locale())
        try:
            label = int(label_id)
        except (TypeError, ValueError):
            return None
        result = await self._act(fulfilment.send_back_with_proof, self.case_id, label, await read_uploads(files), note)
        if result is not None:
            return clear_files("proof_files")
        return None

    @rx.event
    async def rate(self, form: dict):
        if not self.score:
            self.error = tr("incidents.error.score", await self._locale())
            return
        await self._act(incidents.rate, self.case_id, int(self.score), str((form or {}).get("comment") or ""))
