"""/trends: incident trends over a chosen period, with the CSV of the rows behind them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import reflex as rx

from pixmania_incidents.i18n import norm_locale, tr
from pixmania_incidents.services import analytics
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.period import PeriodState, figures
from pixmania_incidents.shell.session import SessionState

DEFAULT_WEEKS = 8


class TrendsState(PeriodState, SessionState):
    error: str = ""

    def _default_span(self) -> timedelta:
        return timedelta(weeks=DEFAULT_WEEKS)

    @rx.var
    async def data(self) -> dict[str, Any]:
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        start, end = self._period()
        if start is None or end is None:
            return {}
        found, error = await self._read(analytics.trends, start, end)
        if found is None:
            return {"error": error}
        by_type = [
            figures(g, locale) | {"key": g["label_en"] if locale == "en" else g["label_fr"]} for g in found["by_type"]
        ]
        return {
            "error": "",
            "overall": figures({"key": "", **found["overall"]}, locale),
            "by_type": by_type,
            "by_shop": [figures(g, locale) for g in found["by_shop"]],
            "by_week": [figures(g, locale) for g in found["by_week"]],
            "outcomes": [o | {"label": o["label_en"] if locale == "en" else o["label_fr"]} for o in found["outcomes"]],
            "top_listings": found["top_listings"],
            "root_causes": [
                c | {"label": tr(f"incidents.root_cause.{c['cause']}", locale)} for c in found["root_causes"]
            ],
        }

    @rx.event
    async def export_csv(self):
        start, end = self._period()
        if start is None or end is None:
            self.error = tr("support.error.period", await self._locale())
            return None
        path, self.error = await self._run(analytics.csv_export_path, start, end)
        if path is None:
            return None
        # The browser fetches it over HTTP, streamed (`api_files.trends_csv_route`): never one string here.
        return rx.download(url=path, filename=f"tendances-{start}-{end}.csv")
