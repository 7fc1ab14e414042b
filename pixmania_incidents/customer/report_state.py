"""`/orders/[line_id]/report`: reporting a problem on one of the customer's own order lines."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.customer.orders_state import order_row
from pixmania_incidents.i18n import norm_locale, tr
from pixmania_incidents.policy import TYPES
from pixmania_incidents.services import incidents, views
from pixmania_incidents.shell.drafts import draft_sent
from pixmania_incidents.shell.failure import busy_flags
from pixmania_incidents.shell.forms import clear_files, read_uploads
from pixmania_incidents.shell.registry import route_id
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import IncidentState, case_path

ROUTE = "/orders/[line_id]/report"
#: Refusals about the attached files (the evidence a type needs, a file refused): shown under the picker.
_FILE_REFUSALS = ("evidence.", "incidents.error.photo_required", "incidents.error.document_required")


@busy_flags("submitting")
class OpenIncidentState(SessionState):
    """`/orders/[line_id]/report`: the line must be one of the customer's own."""

    line_id: int = 0
    missing: bool = False
    chosen_type: str = ""
    #: What the customer asks for, among the chosen type's solutions ("" for no preference).
    wanted: str = ""
    report_error: str = ""
    files_error: str = ""
    existing_url: str = ""
    submitting: bool = False
    line: dict[str, Any] = {}
    #: type -> the incident that blocks a new one of that type on this line.
    blocked: dict[str, dict[str, str]] = {}

    @rx.event
    async def load(self):
        self.line_id, self.missing, self.chosen_type, self.report_error, self.existing_url = 0, False, "", "", ""
        self.wanted = ""
        self.files_error, self.submitting = "", False
        self.line, self.blocked = {}, {}
        line_id = route_id(self.router.url.path or "", ROUTE)
        orders, _ = await self._run(views.customer_orders) if line_id else (None, "")
        locale = norm_locale(await self._locale())
        for order in orders or []:
            for line in order["lines"]:
                if line["id"] == line_id:
                    self._show(order_row(order, locale), line, locale)
                    return
        self.missing = True

    def _show(self, order: dict[str, Any], line: dict[str, Any], locale: str) -> None:
        self.line_id = line["id"]
        shown = next(item for item in order["lines"] if item["id"] == line["id"])
        self.line = {
            "title": line["title"],
            "order": order["reference"],
            "shop": order["shop"],
            "total": shown["total_label"],
            "blocked": shown["blocked"],
        }
        for code in TYPES:
            if code.value in line["openable_types"]:
                continue
            previous = [i for i in line["incidents"] + line["closed_incidents"] if i["type"] == code.value]
            if previous:
                last = previous[-1]
                self.blocked[code.value] = {
                    "reference": last["reference"],
                    "url": case_path(last["reference"]),
                    "open": "1" if last["state"] != IncidentState.closed else "",
                }

    @rx.event
    def choose(self, code: str):
        if code in {t.value for t in TYPES}:
            self.chosen_type, self.report_error, self.files_error, self.existing_url = code, "", "", ""
            self.wanted = ""

    @rx.event
    def want(self, code: str):
        """The service checks the choice against the type's solutions; "none" is no preference."""
        self.wanted = "" if code == "none" else str(code or "")[:20]

    @rx.event
    async def submit(self, files: list[rx.UploadFile], description: str):
        """Open the incident. The service decides (the photos a type needs included); its
        refusal shows next to the field it is about, and what was typed and attached stays."""
        self.report_error, self.files_error, self.existing_url = "", "", ""
        locale = await self._locale()
        if not self.chosen_type:
            self.report_error = tr("customer.report.choose_type", locale)
            return
        self.submitting = True
        yield
        text = str(description or "")
        result, refusal = await self._call(
            incidents.open_incident,
            self.line_id,
            self.chosen_type,
            text,
            await read_uploads(files),
            self.wanted or None,
        )
        self.submitting = False
        if refusal is not None:
            message = tr(refusal.code, locale, **refusal.params)
            if refusal.code.startswith(_FILE_REFUSALS):
                self.files_error = message
            else:
                self.report_error = message
                self.existing_url = self.blocked.get(self.chosen_type, {}).get("url", "")
            return
        live.push_result(result)
        yield [
            draft_sent("report_description", text),
            clear_files("report_files"),
            rx.redirect(case_path(result.reference)),
        ]
