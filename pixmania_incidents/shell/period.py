"""A period chosen on the analytics pages (trends, insights), and how their figures read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import reflex as rx

from pixmania_incidents.calendar import paris_date
from pixmania_incidents.services.common import now
from pixmania_incidents.state.supervision import parse_day


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)} %"


def hours(value: float | None, locale: str) -> str:
    if value is None:
        return "—"
    text = f"{value:.1f} h"
    return text.replace(".", ",") if locale == "fr" else text


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
        "rating_label": "—" if group["average_rating"] is None else f"{group['average_rating']:.1f}".replace(
            ".", "," if locale == "fr" else "."),
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
