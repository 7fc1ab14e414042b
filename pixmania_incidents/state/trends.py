"""/trends: incident trends over a chosen period, with the CSV of the rows behind them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import reflex as rx

from pixmania_incidents.calendar import paris_date
from pixmania_incidents.i18n import norm_locale, tr
from pixmania_incidents.services import analytics
from pixmania_incidents.services.common import now
from pixmania_incidents.state.locale import LocaleState
from pixmania_incidents.state.session import SessionState
from pixmania_incidents.state.supervision import parse_day

DEFAULT_WEEKS = 8


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)} %"


def _hours(value: float | None, locale: str) -> str:
    if value is None:
        return "—"
    text = f"{value:.1f} h"
    return text.replace(".", ",") if locale == "fr" else text


def _figures(group: dict[str, Any], locale: str) -> dict[str, Any]:
    """Chart values stay numbers; labels are formatted for the tables."""
    return {
        **group,
        "key": str(group.get("key", "")),
        "response_p50_label": _hours(group["response_p50"], locale),
        "response_p90_label": _hours(group["response_p90"], locale),
        "resolution_p50_label": _hours(group["resolution_p50"], locale),
        "resolution_p90_label": _hours(group["resolution_p90"], locale),
        "response_breach_label": _percent(group["response_breach_rate"]),
        "resolution_breach_label": _percent(group["resolution_breach_rate"]),
        "on_time_label": _percent(group["resolved_on_time"]),
        "arbitration_label": _percent(group["arbitration_rate"]),
        "rating_label": "—" if group["average_rating"] is None else f"{group['average_rating']:.1f}".replace(
            ".", "," if locale == "fr" else "."),
        "response_breach_pct": round((group["response_breach_rate"] or 0) * 100, 1),
        "resolution_breach_pct": round((group["resolution_breach_rate"] or 0) * 100, 1),
        "response_p50_h": group["response_p50"] or 0,
        "response_p90_h": group["response_p90"] or 0,
    }


class TrendsState(SessionState):
    start: str = ""
    end: str = ""
    error: str = ""

    @rx.event
    def load(self):
        if not self.end:
            today = paris_date(now())
            self.end = today.isoformat()
            self.start = (today - timedelta(weeks=DEFAULT_WEEKS)).isoformat()

    @rx.event
    def set_start(self, value: str):
        self.start = str(value)[:10]

    @rx.event
    def set_end(self, value: str):
        self.end = str(value)[:10]

    @rx.var
    async def data(self) -> dict[str, Any]:
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        start, end = parse_day(self.start), parse_day(self.end)
        if start is None or end is None:
            return {}
        found, error = await self._run(analytics.trends, start, end)
        if found is None:
            return {"error": error}
        by_type = [_figures(g, locale) | {"key": g["label_en"] if locale == "en" else g["label_fr"]} for g in found["by_type"]]
        return {
            "error": "",
            "overall": _figures({"key": "", **found["overall"]}, locale),
            "by_type": by_type,
            "by_shop": [_figures(g, locale) for g in found["by_shop"]],
            "by_week": [_figures(g, locale) for g in found["by_week"]],
            "outcomes": [o | {"label": o["label_en"] if locale == "en" else o["label_fr"]} for o in found["outcomes"]],
            "top_listings": found["top_listings"],
            "root_causes": [c | {"label": tr(f"incidents.root_cause.{c['cause']}", locale)} for c in found["root_causes"]],
        }

    @rx.event
    async def export_csv(self):
        start, end = parse_day(self.start), parse_day(self.end)
        if start is None or end is None:
            self.error = tr("support.error.period", await self._locale())
            return None
        text, self.error = await self._run(analytics.trends_csv, start, end)
        if text is None:
            return None
        return rx.download(data=text, filename=f"tendances-{start}-{end}.csv", mime_type="text/csv")
