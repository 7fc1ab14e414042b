"""`/orders`: the customer's orders, their lines, and what may be reported on each line."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.formats import money, short_when
from pixmania_incidents.i18n import norm_locale
from pixmania_incidents.services import views
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import case_path


def incident_row(incident: dict[str, Any], locale: str) -> dict[str, Any]:
    return {
        **incident,
        "type_label": incident["type_label_en" if locale == "en" else "type_label_fr"],
        "url": case_path(incident["reference"]),
        "updated_when": short_when(incident.get("updated_at"), locale),
    }


def _why_not(shipment: dict[str, Any] | None, line: dict[str, Any]) -> str:
    """Why "Signaler un problème" is disabled on a line, as a catalogue key ("" when it is not)."""
    if shipment is None or shipment["state"] not in ("shipped", "delivered"):
        return "customer.orders.not_shipped"
    return "" if line["can_open"] else "customer.orders.nothing_to_open"


def order_row(order: dict[str, Any], locale: str) -> dict[str, Any]:
    shipment = order["shipment"]
    return {
        **order,
        "placed_when": short_when(order["placed_at"], locale),
        "shipment_state": shipment["state"] if shipment else "pending",
        "carrier": shipment["carrier"] if shipment else "",
        "tracking_number": shipment["tracking_number"] if shipment else "",
        "shipped_when": short_when(shipment["shipped_at"], locale) if shipment else "",
        "delivered_when": short_when(shipment["delivered_at"], locale) if shipment else "",
        "lines": [
            {
                **line,
                "total_label": money(line["total_cents"], locale),
                "blocked": _why_not(shipment, line),
                "report_url": f"/orders/{line['id']}/report",
                "incidents": [incident_row(i, locale) for i in line["incidents"] + line["closed_incidents"]],
            }
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
        data, _ = await self._read(views.customer_orders)
        return [order_row(o, locale) for o in data or []]
