"""The customer's pages: orders, reporting a problem, my incidents, and the customer's
actions on the incident page.

Handlers stay thin: the identity comes from the session cookie, every id the browser sends
is only looked up through a service that checks it belongs to this customer, and every
change is pushed to the rooms of the incident it touched.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.formats import money
from pixmania_incidents.i18n import norm_locale, tr
from pixmania_incidents.models import IncidentState
from pixmania_incidents.policy import TYPES
from pixmania_incidents.services import fulfilment, incidents, views
from pixmania_incidents.services.evidence import sniff
from pixmania_incidents.state.incident import IncidentPageState, read_uploads, short_iso, when_iso
from pixmania_incidents.state.locale import LocaleState
from pixmania_incidents.state.session import SessionState

_REPORT_ROUTE = re.compile(r"/orders/(\d+)/report/?$")


class CustomerCaseState(IncidentPageState):
    """The customer's panel on the incident page. Confirmations remember the version the
    customer had on screen when they opened, so a change made meanwhile is refused."""

    dialog: str = ""
    arbitration_confirmed: bool = False
    score: str = ""

    @rx.event
    def ask(self, dialog: str, version: int):
        if dialog in ("accept", "refuse", "withdraw", "help", "arbitration"):
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

    async def _decide(self, fn, *args: Any) -> None:
        """A confirmed lifecycle action: closes its dialog unless refused for another reason."""
        result = await self._act(fn, self.case_id, self._seen_version, *args)
        if result is not None or self.notice:
            self.dialog = ""

    @rx.event
    async def accept(self):
        await self._decide(incidents.accept)

    @rx.event
    async def refuse(self, form: dict):
        await self._decide(incidents.refuse, str((form or {}).get("reason") or ""))

    @rx.event
    async def withdraw(self):
        await self._decide(incidents.withdraw)

    @rx.event
    async def request_help(self, form: dict):
        result = await self._act(incidents.request_help, self.case_id, str((form or {}).get("message") or ""))
        if result is not None:
            self.dialog = ""

    @rx.event
    async def request_arbitration(self, files: list[rx.UploadFile], reason: str):
        if not self.arbitration_confirmed:
            self.error = tr("customer.error.confirm_binding", await self._locale())
            return
        await self._decide(incidents.request_arbitration, str(reason or ""), await read_uploads(files))

    @rx.event
    async def send_back(self, files: list[rx.UploadFile], label_id: int):
        note = tr("customer.sent_back_message", await self._locale())
        try:
            label = int(label_id)
        except (TypeError, ValueError):
            return None
        result = await self._act(fulfilment.send_back_with_proof, self.case_id, label, await read_uploads(files), note)
        if result is not None:
            return rx.clear_selected_files("proof_files")
        return None

    @rx.event
    async def rate(self, form: dict):
        if not self.score:
            self.error = tr("incidents.error.score", await self._locale())
            return
        await self._act(incidents.rate, self.case_id, int(self.score), str((form or {}).get("comment") or ""))


# --- orders -----------------------------------------------------------------------------


def _summary(incident: dict[str, Any], locale: str) -> dict[str, Any]:
    return {**incident, "type_label": incident["type_label_en" if locale == "en" else "type_label_fr"],
            "url": f"/incidents/{incident['id']}", "updated_when": short_iso(incident.get("updated_at"), locale)}


def _why_not(shipment: dict[str, Any] | None, line: dict[str, Any]) -> str:
    """Why "Signaler un problème" is disabled on a line, as a catalogue key ("" when it is not)."""
    if shipment is None or shipment["state"] not in ("shipped", "delivered"):
        return "customer.orders.not_shipped"
    return "" if line["can_open"] else "customer.orders.nothing_to_open"


def _order(order: dict[str, Any], locale: str) -> dict[str, Any]:
    shipment = order["shipment"]
    return {
        **order,
        "placed_when": short_iso(order["placed_at"], locale),
        "shipment_state": shipment["state"] if shipment else "pending",
        "carrier": shipment["carrier"] if shipment else "",
        "tracking_number": shipment["tracking_number"] if shipment else "",
        "shipped_when": short_iso(shipment["shipped_at"], locale) if shipment else "",
        "delivered_when": short_iso(shipment["delivered_at"], locale) if shipment else "",
        "lines": [
            {**line, "total_label": money(line["total_cents"], locale), "blocked": _why_not(shipment, line),
             "report_url": f"/orders/{line['id']}/report",
             "incidents": [_summary(i, locale) for i in line["incidents"] + line["closed_incidents"]]}
            for line in order["lines"]
        ],
    }


class OrdersState(SessionState):
    loaded: int = 0
    orders_error: str = ""

    @rx.event
    def load(self):
        self.loaded += 1

    @rx.var
    async def orders(self) -> list[dict[str, Any]]:
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        if not self.loaded:
            return []
        data, _ = await self._run(views.customer_orders)
        return [_order(o, locale) for o in data or []]


# --- reporting a problem ----------------------------------------------------------------


class OpenIncidentState(SessionState):
    """`/orders/[line_id]/report`: the line must be one of the customer's own."""

    line_id: int = 0
    missing: bool = False
    chosen_type: str = ""
    report_error: str = ""
    existing_url: str = ""
    submitting: bool = False
    line: dict[str, Any] = {}
    #: type -> the incident that blocks a new one of that type on this line.
    blocked: dict[str, dict[str, str]] = {}

    @rx.event
    async def load(self):
        self.line_id, self.missing, self.chosen_type, self.report_error, self.existing_url = 0, False, "", "", ""
        self.line, self.blocked = {}, {}
        match = _REPORT_ROUTE.search(self.router.url.path or "")
        orders, _ = await self._run(views.customer_orders) if match else (None, "")
        locale = norm_locale(await self._locale())
        for order in orders or []:
            for line in order["lines"]:
                if match and line["id"] == int(match.group(1)):
                    self._show(_order(order, locale), line, locale)
                    return
        self.missing = True

    def _show(self, order: dict[str, Any], line: dict[str, Any], locale: str) -> None:
        self.line_id = line["id"]
        shown = next(item for item in order["lines"] if item["id"] == line["id"])
        self.line = {"title": line["title"], "order": order["reference"], "shop": order["shop"],
                     "total": shown["total_label"], "blocked": shown["blocked"]}
        for code in TYPES:
            if code.value in line["openable_types"]:
                continue
            previous = [i for i in line["incidents"] + line["closed_incidents"] if i["type"] == code.value]
            if previous:
                last = previous[-1]
                self.blocked[code.value] = {"reference": last["reference"], "url": f"/incidents/{last['id']}",
                                            "open": "1" if last["state"] != IncidentState.closed else ""}

    @rx.event
    def choose(self, code: str):
        if code in {t.value for t in TYPES}:
            self.chosen_type, self.report_error, self.existing_url = code, "", ""

    @rx.event
    async def submit(self, files: list[rx.UploadFile], description: str):
        """Open the incident; on refusal the text and the files stay where they are."""
        self.report_error, self.existing_url = "", ""
        locale = await self._locale()
        if not self.chosen_type:
            self.report_error = tr("customer.report.choose_type", locale)
            return
        uploads = await read_uploads(files)
        if TYPES[self.chosen_type].photos_required and not any(sniff(u.data) not in (None, "pdf") for u in uploads):
            self.report_error = tr("customer.report.photos_required", locale)
            return
        self.submitting = True
        yield
        result, self.report_error = await self._run(incidents.open_incident, self.line_id, self.chosen_type,
                                                    str(description or ""), uploads)
        self.submitting = False
        if result is None:
            self.existing_url = self.blocked.get(self.chosen_type, {}).get("url", "")
            return
        live.push_result(result)
        yield rx.redirect(f"/incidents/{result.incident_id}")


# --- my incidents -----------------------------------------------------------------------


class MyIncidentsState(SessionState):
    """Live: the customer's own room (`user-<id>`) moves whenever one of their cases changes."""

    loaded: int = 0

    @rx.event
    async def load(self):
        identity = await asyncio.to_thread(self._identity)
        if identity is None:
            return
        await self._join_live()
        self.loaded += 1

    @rx.var
    async def rows(self) -> list[dict[str, Any]]:
        room = await self.get_state(live.LiveRoom)
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        _ = room.tick
        if not self.loaded:
            return []
        data, _ = await self._run(views.customer_incidents)
        return [_summary(i, locale) | {"next_due_when": when_iso(i["next_due_at"], locale)} for i in data or []]
