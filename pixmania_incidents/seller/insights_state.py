"""/insights: the seller's own shop over a chosen period (policy step 5: learn and improve).

The figures come from `analytics.seller_insights`, which restricts them to the shop of the
session's seller; this state only chooses the period and formats for the viewer's language.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import reflex as rx

from pixmania_incidents.calendar import paris_date
from pixmania_incidents.formats import percent, short_when
from pixmania_incidents.i18n import norm_locale, tr
from pixmania_incidents.services import analytics
from pixmania_incidents.services.common import now
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.period import PeriodState, figures
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import MAX_PERIOD_DAYS

DEFAULT_DAYS = 90


def _shares(group: dict[str, Any], locale: str) -> dict[str, Any]:
    """The trends' figures plus the answered-within shares the seller is judged on."""
    return {
        **figures(group, locale),
        "answered_24h_label": percent(group["answered_24h"]),
        "answered_48h_label": percent(group["answered_48h"]),
        "answered_24h_pct": round((group["answered_24h"] or 0) * 100, 1),
        "answered_48h_pct": round((group["answered_48h"] or 0) * 100, 1),
        "on_time_pct": round((group["resolved_on_time"] or 0) * 100, 1),
    }


class InsightsState(PeriodState, SessionState):
    def _default_span(self) -> timedelta:
        return timedelta(days=DEFAULT_DAYS)

    @rx.event
    def last_days(self, days: int):
        today = paris_date(now())
        self.end = today.isoformat()
        self.start = (today - timedelta(days=max(1, min(int(days), MAX_PERIOD_DAYS)))).isoformat()

    @rx.var
    async def data(self) -> dict[str, Any]:
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        start, end = self._period()
        if start is None or end is None:
            return {}
        found, error = await self._read(analytics.seller_insights, start, end)
        if found is None:
            return {"error": error}
        label = "label_en" if locale == "en" else "label_fr"
        return {
            "error": "",
            "overall": _shares({"key": "", **found["overall"]}, locale),
            "by_type": [_shares(g, locale) | {"key": g[label]} for g in found["by_type"]],
            "by_listing": [_shares(g, locale) | {"key": g["listing"]} for g in found["by_listing"]],
            "outcomes": [o | {"label": o[label]} for o in found["outcomes"]],
            "root_causes": [
                c | {"label": tr(f"incidents.root_cause.{c['cause']}", locale)} for c in found["root_causes"]
            ],
            "guidelines": [
                {
                    "id": g["id"],
                    "title": g["title"],
                    "html": g["html"],
                    "author": g["author"],
                    "type": g["type_en" if locale == "en" else "type_fr"],
                    "when": short_when(g["created_at"], locale),
                }
                for g in found["guidelines"]
            ],
        }
