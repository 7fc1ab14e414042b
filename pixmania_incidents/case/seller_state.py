"""The seller's side of the incident page: playbook, solutions, fulfilment, escalation.

Handlers stay thin: every id the browser sends (checklist item, label, inquiry) is only
looked up by the service inside this case, which it authorizes for the seller's own shop;
lifecycle moves carry the version the seller had on screen; each change is pushed to the
case's rooms (its page, the shop's board, supervision, the bells it rang).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.calendar import PARIS, paris_date
from pixmania_incidents.formats import money
from pixmania_incidents.i18n import tr
from pixmania_incidents.models import Role
from pixmania_incidents.services import flags, fulfilment, guidelines, incidents
from pixmania_incidents.services.common import Actor, authorize, load_incident, now
from pixmania_incidents.state.incident import IncidentPageState, read_uploads, short_iso
from pixmania_incidents.state.locale import LocaleState

_AMOUNT = re.compile(r"^\d{1,7}([.,]\d{1,2})?$")


@dataclass
class SellerExtras:
    """What the seller's panel shows beside the shared case view."""

    refundable_cents: int = 0
    refundable_label: str = ""
    guidelines: list[dict[str, str]] = field(default_factory=list)
    flags: list[dict[str, str]] = field(default_factory=list)


def _extras(session, actor: Actor, incident_id: int, locale: str) -> SellerExtras:
    incident = load_incident(session, actor, incident_id)
    authorize(actor, "incident.seller_act", incident)
    left = incidents.refundable_cents(session, incident)
    return SellerExtras(
        refundable_cents=left,
        refundable_label=money(left, locale),
        guidelines=[
            {"id": str(g["id"]), "kind": g["kind"], "title": g["title"], "html": g["html"], "author": g["author"],
             "when": short_iso(g["created_at"].isoformat(), locale)}
            for g in guidelines.guidelines_for(session, actor, incident.type)
        ],
        flags=[
            {"id": str(f.id), "reason": f.reason, "status": f.status, "details": f.details,
             "when": short_iso(f.created_at.isoformat(), locale)}
            for f in flags.flags_for_incident(session, actor, incident_id)
        ],
    )


def cents(text: Any) -> int | None:
    """`12,50` or `12.50` euros as integer cents; None when it is not an amount."""
    raw = str(text or "").strip().replace("\u202f", "").replace(" ", "").removesuffix("€")
    if not _AMOUNT.match(raw):
        return None
    try:
        return int(Decimal(raw.replace(",", ".")) * 100)
    except InvalidOperation:
        return None


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
    async def seller(self) -> SellerExtras:
        room = await self.get_state(live.IncidentRoom)
        locale = (await self.get_state(LocaleState)).locale
        _ = (room.tick, self.revision)
        if not self.case_id or self.user_role != Role.seller:
            return SellerExtras()
        extras, _error = await self._run(_extras, self.case_id, locale)
        return extras or SellerExtras()

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

    @staticmethod
    def _reset(form_id: str):
        return rx.call_script(f"document.getElementById('{form_id}')?.reset()")

    # --- confirmations ---------------------------------------------------------------

    @rx.event
    def ask(self, dialog: str, version: int):
        if dialog in ("arbitration", "close"):
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
            amount = cents(form.get("amount"))
            if amount is None:
                await self._refuse("propose", "seller.error.amount")
                return None
        result = await self._do("propose", incidents.propose, _int(form.get("version")), solution, amount,
                                str(form.get("message") or ""))
        return self._reset("form-propose") if result is not None else None

    @rx.event
    async def request_help(self, form: dict):
        result = await self._do("help", incidents.request_help, str((form or {}).get("message") or ""))
        return self._reset("form-help") if result is not None else None

    @rx.event
    async def request_arbitration(self, files: list[rx.UploadFile], reason: str):
        if not self.arbitration_confirmed:
            await self._refuse("arbitration", "seller.error.confirm_binding")
            return None
        result = await self._do("arbitration", incidents.request_arbitration, self._seen_version, str(reason or ""),
                                await read_uploads(files))
        if result is not None or self.notice:
            self.dialog = ""
        return rx.clear_selected_files("arbitration_files") if result is not None else None

    @rx.event
    async def confirm_closure(self):
        await self._do("close", incidents.confirm_closure, self._seen_version)
        self.dialog = ""

    @rx.event
    async def add_lesson(self, form: dict):
        form = form if isinstance(form, dict) else {}
        result = await self._do("lesson", incidents.add_lesson, str(form.get("root_cause") or ""),
                                str(form.get("change") or ""))
        return self._reset("form-lesson") if result is not None else None

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
        carrier = str((form or {}).get("carrier") or fulfilment.DEFAULT_RETURN_CARRIER)
        await self._do("label", fulfilment.issue_return_label, carrier)

    @rx.event
    async def mark_received(self, label_id: int):
        if (label := _int(label_id)) is not None:
            await self._do("label", fulfilment.mark_return_received, label)

    @rx.event
    async def ask_refund(self, form: dict):
        """A refund cannot be taken back: check the amount, then ask for confirmation."""
        form = form if isinstance(form, dict) else {}
        amount = cents(form.get("amount"))
        if amount is None or amount <= 0:
            await self._refuse("refund", "seller.error.amount")
            return
        raw_day = str(form.get("refunded_on") or "")
        try:
            day = date.fromisoformat(raw_day) if raw_day else paris_date(now())
        except ValueError:
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
        return self._reset("form-refund") if result is not None else None

    @rx.event
    async def ship(self, form: dict):
        form = form if isinstance(form, dict) else {}
        result = await self._do("ship", fulfilment.ship_replacement, str(form.get("carrier") or ""),
                                str(form.get("tracking") or ""), str(form.get("kind") or "replacement"))
        return self._reset("form-ship") if result is not None else None

    @rx.event
    async def open_inquiry(self, form: dict):
        form = form if isinstance(form, dict) else {}
        result = await self._do("inquiry", fulfilment.open_carrier_inquiry, str(form.get("carrier") or ""),
                                str(form.get("reference") or ""))
        return self._reset("form-inquiry") if result is not None else None

    @rx.event
    async def inquiry_outcome(self, form: dict):
        form = form if isinstance(form, dict) else {}
        if (inquiry := _int(form.get("inquiry_id"))) is not None:
            await self._do("outcome", fulfilment.record_inquiry_outcome, inquiry, str(form.get("outcome") or ""))

    @rx.event
    async def record_outside(self, form: dict):
        form = form if isinstance(form, dict) else {}
        try:
            occurred = datetime.fromisoformat(str(form.get("occurred_at") or "")).replace(tzinfo=PARIS)
        except ValueError:
            await self._refuse("outside", "incidents.error.occurred_at")
            return None
        result = await self._do("outside", incidents.record_outside_exchange, str(form.get("channel") or ""), occurred,
                                str(form.get("counterpart") or ""), str(form.get("summary") or ""))
        return self._reset("form-outside") if result is not None else None

    @rx.event
    async def raise_flag(self, form: dict):
        """The product team's inbox moves too (`_act` pushes a flag change to it)."""
        form = form if isinstance(form, dict) else {}
        change = await self._do("flag", flags.raise_flag, str(form.get("reason") or ""), str(form.get("details") or ""))
        return self._reset("form-flag") if change is not None else None
