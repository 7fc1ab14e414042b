"""The seller's side of the incident page: playbook, solutions, fulfilment, escalation.

Handlers stay thin: every id the browser sends (checklist item, label, inquiry) is only
looked up by the service inside this case, which it authorizes for the seller's own shop;
lifecycle moves carry the version the seller had on screen; each change is pushed to the
case's rooms (its page, the shop's board, supervision, the bells it rang).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.calendar import paris_date
from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.formats import money, parse_cents, parse_day, parse_paris
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import flags, fulfilment, incidents, views
from pixmania_incidents.services.common import now
from pixmania_incidents.shell.drafts import draft_sent
from pixmania_incidents.shell.forms import clear_files, read_uploads, reset_form
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.vocabulary import DEFAULT_RETURN_CARRIER, Role


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SellerCaseState(IncidentPageState):
    """`dialog` is the open confirmation; `failed`/`done` name the form that was refused or
    went through, so the refusal shows next to that form and what was typed stays there."""

    dialog: str = ""
    failed: str = ""
    done: str = ""
    solution: str = ""
    arbitration_confirmed: bool = False
    pending_refund_label: str = ""
    _pending_refund: dict[str, Any] = {}

    @rx.var
    async def seller(self) -> views.SellerPanel:
        room = await self.get_state(live.IncidentRoom)
        locale = (await self.get_state(LocaleState)).locale
        _ = (room.tick, self.revision)
        if not self.case_id or self.user_role != Role.seller:
            return views.SellerPanel()
        panel, _error = await self._read(views.seller_panel, self.case_id, locale)
        return panel or views.SellerPanel()

    async def _do(self, form_name: str, fn, *args: Any) -> Any:
        """Run an action of one form; remember which form it was for the message."""
        self.done = ""
        result = await self._act(fn, self.case_id, *args)
        self.failed = "" if result is not None else form_name
        if result is not None:
            self.done = form_name
        return result

    async def _refuse(self, form_name: str, key: str) -> None:
        self.failed, self.done = form_name, ""
        self.error = tr(key, await self._locale())

    # --- confirmations ---------------------------------------------------------------

    @rx.event
    def ask(self, dialog: str, version: int):
        if dialog in ("arbitration", "close", "close_return_not_sent"):
            self.dialog, self.arbitration_confirmed = dialog, False
            self.failed = ""
            self._remember_version(version)

    @rx.event
    def set_dialog_open(self, is_open: bool):
        if not is_open:
            self.dialog = ""
            self._pending_refund = {}

    @rx.event
    def set_arbitration_confirmed(self, value: bool):
        self.arbitration_confirmed = bool(value)

    @rx.event
    def choose_solution(self, value: str):
        self.solution = str(value)[:24]

    # --- the lifecycle -------------------------------------------------------------------

    @rx.event
    async def propose(self, form: dict):
        form = form if isinstance(form, dict) else {}
        solution = str(form.get("solution") or self.solution)
        amount = None
        if solution == "refund_partial":
            amount = parse_cents(form.get("amount"))
            if amount is None:
                await self._refuse("propose", "seller.error.amount")
                return None
        result = await self._do(
            "propose", incidents.propose, _int(form.get("version")), solution, amount, str(form.get("message") or "")
        )
        return reset_form("form-propose") if result is not None else None

    @rx.event
    async def request_help(self, form: dict):
        result = await self._do("help", incidents.request_help, str((form or {}).get("message") or ""))
        return reset_form("form-help") if result is not None else None

    @rx.event
    async def request_arbitration(self, files: list[rx.UploadFile], reason: str):
        if not self.arbitration_confirmed:
            await self._refuse("arbitration", "seller.error.confirm_binding")
            return None
        text = str(reason or "")
        result = await self._do(
            "arbitration", incidents.request_arbitration, self._seen_version, text, await read_uploads(files)
        )
        if result is not None or self.notice:
            self.dialog = ""
        if result is None:
            return None
        return [draft_sent("arbitration_reason", text), clear_files("arbitration_files")]

    @rx.event
    async def confirm_closure(self):
        await self._do("close", incidents.confirm_closure, self._seen_version)
        self.dialog = ""

    @rx.event
    async def close_return_not_sent(self):
        """The item never came back (SPEC 8.1): closed at once rather than 7 days later."""
        await self._do("close_return_not_sent", incidents.close_return_not_sent, self._seen_version)
        self.dialog = ""

    @rx.event
    async def add_lesson(self, form: dict):
        form = form if isinstance(form, dict) else {}
        result = await self._do(
            "lesson", incidents.add_lesson, str(form.get("root_cause") or ""), str(form.get("change") or "")
        )
        return reset_form("form-lesson") if result is not None else None

    # --- the playbook and fulfilment ------------------------------------------------------

    @rx.event
    async def tick(self, form: dict):
        form = form if isinstance(form, dict) else {}
        item = _int(form.get("item_id"))
        if item is None:
            return
        await self._do("tick", fulfilment.tick_checklist, item, str(form.get("note") or ""))

    @rx.event
    async def issue_label(self, form: dict):
        carrier = str((form or {}).get("carrier") or DEFAULT_RETURN_CARRIER)
        await self._do("label", fulfilment.issue_return_label, carrier)

    @rx.event
    async def mark_received(self, label_id: int):
        if (label := _int(label_id)) is not None:
            await self._do("label", fulfilment.mark_return_received, label)

    @rx.event
    async def ask_refund(self, form: dict):
        """A refund cannot be taken back: check the amount, then ask for confirmation."""
        form = form if isinstance(form, dict) else {}
        amount = parse_cents(form.get("amount"))
        if amount is None or amount <= 0:
            await self._refuse("refund", "seller.error.amount")
            return
        raw_day = str(form.get("refunded_on") or "")
        day = parse_day(raw_day) if raw_day else paris_date(now())
        if day is None:
            await self._refuse("refund", "seller.error.date")
            return
        self._pending_refund = {"amount": amount, "day": day}
        self.pending_refund_label = money(amount, await self._locale())
        self.failed, self.dialog = "", "refund"

    @rx.event
    async def confirm_refund(self):
        pending, self._pending_refund = self._pending_refund, {}
        self.dialog = ""
        if not pending:
            return None
        result = await self._do("refund", fulfilment.record_refund, pending["amount"], pending["day"])
        return reset_form("form-refund") if result is not None else None

    @rx.event
    async def ship(self, form: dict):
        form = form if isinstance(form, dict) else {}
        result = await self._do(
            "ship",
            fulfilment.ship_replacement,
            str(form.get("carrier") or ""),
            str(form.get("tracking") or ""),
            str(form.get("kind") or "replacement"),
        )
        return reset_form("form-ship") if result is not None else None

    @rx.event
    async def open_inquiry(self, form: dict):
        form = form if isinstance(form, dict) else {}
        result = await self._do(
            "inquiry", fulfilment.open_carrier_inquiry, str(form.get("carrier") or ""), str(form.get("reference") or "")
        )
        return reset_form("form-inquiry") if result is not None else None

    @rx.event
    async def inquiry_outcome(self, form: dict):
        form = form if isinstance(form, dict) else {}
        if (inquiry := _int(form.get("inquiry_id"))) is not None:
            await self._do("outcome", fulfilment.record_inquiry_outcome, inquiry, str(form.get("outcome") or ""))

    @rx.event
    async def record_outside(self, form: dict):
        form = form if isinstance(form, dict) else {}
        occurred = parse_paris(str(form.get("occurred_at") or ""))
        if occurred is None:
            await self._refuse("outside", "incidents.error.occurred_at")
            return None
        result = await self._do(
            "outside",
            incidents.record_outside_exchange,
            str(form.get("channel") or ""),
            occurred,
            str(form.get("counterpart") or ""),
            str(form.get("summary") or ""),
        )
        return reset_form("form-outside") if result is not None else None

    @rx.event
    async def raise_flag(self, form: dict):
        """The product team's inbox moves too (`_act` pushes a flag change to it)."""
        form = form if isinstance(form, dict) else {}
        change = await self._do("flag", flags.raise_flag, str(form.get("reason") or ""), str(form.get("details") or ""))
        return reset_form("form-flag") if change is not None else None
