"""A period chosen on the analytics pages (trends, insights), how their figures read and show."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import reflex as rx

from pixmania_incidents.calendar import paris_date
from pixmania_incidents.formats import decimal, hours, parse_day, percent
from pixmania_incidents.services.common import now
from pixmania_incidents.shell.text import t


def figures(group: dict[str, Any], locale: str) -> dict[str, Any]:
    """Chart values stay numbers; labels are formatted for the tables."""
    return {
        **group,
        "key": str(group.get("key", "")),
        "response_p50_label": hours(group["response_p50"], locale),
        "response_p90_label": hours(group["response_p90"], locale),
        "resolution_p50_label": hours(group["resolution_p50"], locale),
        "resolution_p90_label": hours(group["resolution_p90"], locale),
        "response_breach_label": percent(group["response_breach_rate"]),
        "resolution_breach_label": percent(group["resolution_breach_rate"]),
        "on_time_label": percent(group["resolved_on_time"]),
        "arbitration_label": percent(group["arbitration_rate"]),
        "rating_label": "—" if group["average_rating"] is None else decimal(group["average_rating"], 1, locale),
        "response_breach_pct": round((group["response_breach_rate"] or 0) * 100, 1),
        "resolution_breach_pct": round((group["resolution_breach_rate"] or 0) * 100, 1),
        "response_p50_h": group["response_p50"] or 0,
        "response_p90_h": group["response_p90"] or 0,
    }


class PeriodState(rx.State, mixin=True):
    """Start and end days (Paris) typed by the viewer; a page's default span until then."""

    start: str = ""
    end: str = ""

    def _default_span(self) -> timedelta:
        return timedelta(weeks=8)

    def _period(self) -> tuple[date | None, date | None]:
        return parse_day(self.start), parse_day(self.end)

    @rx.event
    def load(self):
        if not self.end:
            today = paris_date(now())
            self.end = today.isoformat()
            self.start = (today - self._default_span()).isoformat()

    @rx.event
    def set_start(self, value: str):
        self.start = str(value)[:10]

    @rx.event
    def set_end(self, value: str):
        self.end = str(value)[:10]


def kpi(label_key: str, value: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(rx.text(t(label_key), size="1", color_scheme="gray"), rx.heading(value, size="6"), spacing="1"),
        min_width="9em",
        flex="1",
    )


def chart_card(title_key: str, chart: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(t(title_key), size="3", as_="h2"), chart, spacing="2", width="100%"), width="100%"
    )
