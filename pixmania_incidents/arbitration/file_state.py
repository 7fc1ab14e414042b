"""Arbitration mode: one case file with the decision form (/arbitration/[incident_id]).

Why the form lives here and not in the browser: every field the arbitrator typed is kept
in this state, so a refusal (amount above what is left, missing rationale, stale case) is
shown next to the form without losing anything; the decision is only sent after the
confirmation dialog, and the service judges it against the version the arbitrator saw.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.formats import parse_cents, parse_paris, when
from pixmania_incidents.i18n import norm_locale, tr
from pixmania_incidents.policy import DecisionOutcome
from pixmania_incidents.services import arbitration, views
from pixmania_incidents.services.incidents import Result
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.registry import route_id
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import RATIONALE_MAX, Role

ROUTE = "/arbitration/[incident_id]"


class ArbitrationCaseState(SessionState):
    case_id: int = 0
    missing: bool = False
    revision: int = 0
    error: str = ""
    notice: str = ""
    # the decision form, kept as typed
    outcome: str = ""
    amount: str = ""
    rationale: str = ""
    dues: dict[str, str] = {}
    confirm_open: bool = False
    reassign_to: str = ""
    _seen_version: int | None = None

    @rx.event
    async def load(self):
        self.case_id, self.missing, self.error, self.notice = 0, False, "", ""
        self.outcome, self.amount, self.rationale, self.dues, self.confirm_open = "", "", "", {}, False
        case_id = route_id(self.router.url.path or "", ROUTE)
        found, _ = await self._run(arbitration.case_file, case_id) if case_id else (None, "")
        if found is None or self.user_role != Role.arbitrator:
            self.missing = True
            return
        self.case_id = case_id
        await self._join_live(desk=True)

    @rx.var
    async def file(self) -> dict[str, Any]:
        """The whole case file, re-read whenever anyone changes the case."""
        room = await self.get_state(live.LiveRoom)
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        _ = (room.tick, self.revision)
        if not self.case_id:
            return {}
        found, _error = await self._read(views.arbitration_file, self.case_id, locale)
        return found or {}

    @rx.var
    async def arbitrator_choices(self) -> list[dict[str, str]]:
        _ = self.revision
        if not self.case_id:
            return []
        found, _error = await self._read(arbitration.arbitrators, self.case_id)
        return [{"id": str(a["id"]), "name": a["name"]} for a in found or []]

    @rx.var
    async def drafts(self) -> list[dict[str, Any]]:
        """The obligations the chosen outcome creates, with their default deadlines."""
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        if not self.case_id or self.outcome not in DecisionOutcome.__members__:
            return []
        form, _error = await self._read(arbitration.decision_form, self.case_id, self.outcome)
        if form is None:
            return []
        return [
            {
                "kind": d.kind,
                "holder": d.holder,
                "label": d.label_en if locale == "en" else d.label_fr,
                "default": when(d.due_at, locale) if d.due_at else tr(d.waits_for, locale),
                "value": self.dues.get(d.kind, ""),
            }
            for d in form["obligations"]
        ]

    async def _act(self, fn: Any, *args: Any) -> Result | None:
        result, error = await self._run(fn, self.case_id, *args)
        self.revision += 1
        self.error = error
        if result is not None:
            live.push_result(result)
        return result

    @rx.event
    async def take(self):
        await self._act(arbitration.take_case)

    @rx.event
    async def release(self):
        await self._act(arbitration.release_case)

    @rx.event
    def set_reassign_to(self, value: str):
        self.reassign_to = str(value)[:12]

    @rx.event
    async def reassign(self):
        if not self.reassign_to.isdigit():
            self.error = tr("support.error.not_an_arbitrator", (await self._locale()))
            return
        await self._act(arbitration.reassign_case, int(self.reassign_to))

    # --- the decision form ------------------------------------------------------------

    @rx.event
    def set_outcome(self, value: str):
        self.outcome = value if value in DecisionOutcome.__members__ else ""
        self.dues, self.error = {}, ""

    @rx.event
    def set_amount(self, value: str):
        self.amount = str(value)[:20]

    @rx.event
    def set_rationale(self, value: str):
        self.rationale = str(value)[:RATIONALE_MAX]

    @rx.event
    def set_due(self, kind: str, value: str):
        self.dues = {**self.dues, str(kind)[:24]: str(value)[:16]}

    @rx.event
    async def ask_confirmation(self, version: int):
        """Check what can be checked here, then open the dialog; the service judges the rest."""
        locale = await self._locale()
        self.error = ""
        if self.outcome not in DecisionOutcome.__members__:
            self.error = tr("support.error.outcome", locale)
        elif self.outcome == DecisionOutcome.refund_partial and parse_cents(self.amount) is None:
            self.error = tr("support.error.amount_format", locale)
        elif not self.rationale.strip():
            self.error = tr("support.error.rationale_required", locale)
        elif any(v and parse_paris(v) is None for v in self.dues.values()):
            self.error = tr("support.error.obligation_due", locale)
        try:
            self._seen_version = int(version)
        except (TypeError, ValueError):
            self._seen_version = None
        self.confirm_open = not self.error

    @rx.event
    def cancel_confirmation(self):
        self.confirm_open = False

    @rx.event
    async def decide(self):
        self.confirm_open = False
        amount = parse_cents(self.amount) if self.outcome == DecisionOutcome.refund_partial else None
        dues = {kind: parse_paris(value) for kind, value in self.dues.items() if value}
        result = await self._act(arbitration.decide, self._seen_version, self.outcome, amount, self.rationale, dues)
        if result is not None:
            self.outcome, self.amount, self.rationale, self.dues = "", "", "", {}
            self.notice = tr("support.decision.done", await self._locale())
