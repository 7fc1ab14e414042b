"""/insights: the shop's own figures over a period, and what customer service recommends."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.seller.insights_state import InsightsState
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.period import chart_card, kpi
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role

_LISTING_COLUMNS = (
    ("seller.insights.count", "count"),
    ("seller.insights.response_p50", "response_p50_label"),
    ("seller.insights.answered_24h", "answered_24h_label"),
    ("seller.insights.on_time", "on_time_label"),
    ("seller.insights.rating", "rating_label"),
)


def _period() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.el.label(t("seller.insights.from"), html_for="insights-from"),
            rx.input(type="date", id="insights-from", value=InsightsState.start, on_change=InsightsState.set_start),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label(t("seller.insights.to"), html_for="insights-to"),
            rx.input(type="date", id="insights-to", value=InsightsState.end, on_change=InsightsState.set_end),
            spacing="1",
        ),
        rx.hstack(
            *[
                rx.button(t(key), variant="soft", size="2", on_click=InsightsState.last_days(days))
                for key, days in (
                    ("seller.insights.last_30", 30),
                    ("seller.insights.last_90", 90),
                    ("seller.insights.last_365", 365),
                )
            ],
            spacing="2",
            wrap="wrap",
        ),
        gap="0.75em",
        wrap="wrap",
        align="end",
    )


def _type_bars(data: rx.Var, *series: tuple[str, str, str]) -> rx.Component:
    """Horizontal bars per incident type: the long French labels need room and a small font."""
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", horizontal=False),
        *[
            rx.recharts.bar(data_key=key, name=t(label), fill=colour, radius=[0, 4, 4, 0])
            for key, label, colour in series
        ],
        rx.recharts.x_axis(type_="number", allow_decimals=False),
        rx.recharts.y_axis(data_key="key", type_="category", width=120, interval=0, tick={"fontSize": 11}),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        data=data,
        layout="vertical",
        bar_category_gap="20%",
        width="100%",
        height=380,
    )


def _listings(rows: rx.Var) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("seller.insights.listing")),
                    *[rx.table.column_header_cell(t(k)) for k, _ in _LISTING_COLUMNS],
                )
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda g: rx.table.row(
                        rx.table.row_header_cell(g["key"]), *[rx.table.cell(g[f]) for _, f in _LISTING_COLUMNS]
                    ),
                )
            ),
            size="1",
        ),
        overflow_x="auto",
        width="100%",
    )


def _counted(rows: rx.Var, label: str, *extra) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            rows,
            lambda r: rx.hstack(
                rx.text(r[label], size="2"),
                *[fn(r) for fn in extra],
                rx.spacer(),
                rx.badge(r["count"]),
                width="100%",
                align="center",
            ),
        ),
        rx.cond(rows.length() == 0, rx.text(t("seller.insights.none"), size="2", color_scheme="gray")),
        width="100%",
    )


def _recurring(cause: rx.Var) -> rx.Component:
    return rx.cond(
        cause["recurring"].to(bool), rx.badge(t("seller.insights.recurring"), color_scheme="red", variant="soft")
    )


def _guideline(g: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(g["title"], weight="bold"),
            rx.cond(g["type"], rx.badge(g["type"], variant="soft")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.box(rx.html(g["html"].to(str)), font_size="var(--font-size-2)"),
        rx.text(g["author"], " · ", g["when"], size="1", color_scheme="gray"),
        padding="0.75em 0",
        border_top="1px solid var(--gray-a4)",
        width="100%",
    )


def _content() -> rx.Component:
    d = InsightsState.data
    overall = d["overall"].to(dict[str, Any])
    by_type = d["by_type"].to(list[dict])
    return rx.vstack(
        rx.grid(
            kpi("seller.insights.count", overall["count"]),
            kpi("seller.insights.response_p50", overall["response_p50_label"]),
            kpi("seller.insights.response_p90", overall["response_p90_label"]),
            kpi("seller.insights.answered_24h", overall["answered_24h_label"]),
            kpi("seller.insights.answered_48h", overall["answered_48h_label"]),
            kpi("seller.insights.on_time", overall["on_time_label"]),
            kpi("seller.insights.arbitration", overall["arbitration_label"]),
            kpi("seller.insights.rating", overall["rating_label"]),
            columns=rx.breakpoints(initial="2", md="4"),
            gap="0.5em",
            width="100%",
            data_testid="insights-kpis",
        ),
        rx.grid(
            chart_card(
                "seller.insights.by_type", _type_bars(by_type, ("count", "seller.insights.count", "var(--indigo-9)"))
            ),
            chart_card(
                "seller.insights.shares_by_type",
                _type_bars(
                    by_type,
                    ("answered_24h_pct", "seller.insights.answered_24h", "var(--teal-9)"),
                    ("on_time_pct", "seller.insights.on_time", "var(--indigo-9)"),
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="0.75em",
            width="100%",
        ),
        chart_card("seller.insights.by_listing", _listings(d["by_listing"].to(list[dict]))),
        rx.grid(
            chart_card("seller.insights.outcomes", _counted(d["outcomes"].to(list[dict]), "label")),
            chart_card("seller.insights.root_causes", _counted(d["root_causes"].to(list[dict]), "label", _recurring)),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="0.75em",
            width="100%",
        ),
        chart_card(
            "seller.insights.guidelines",
            rx.vstack(
                rx.foreach(d["guidelines"].to(list[dict]), _guideline),
                rx.cond(
                    d["guidelines"].to(list).length() == 0,
                    rx.text(t("seller.guidelines.none"), size="2", color_scheme="gray"),
                ),
                width="100%",
            ),
        ),
        rx.text(t("seller.insights.definitions"), size="1", color_scheme="gray"),
        spacing="3",
        width="100%",
    )


@page("/insights", "Pixmania · Statistiques de la boutique", roles=[Role.seller], on_load=[InsightsState.load])
def insights_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("seller.insights.title"), size="6", as_="h1"),
            rx.text(t("seller.insights.intro"), color_scheme="gray", size="2"),
            _period(),
            rx.cond(
                InsightsState.data["error"],
                rx.callout(InsightsState.data["error"].to(str), color_scheme="red", icon="triangle_alert"),
            ),
            rx.cond(InsightsState.data["overall"], _content()),
            spacing="4",
            width="100%",
        )
    )
