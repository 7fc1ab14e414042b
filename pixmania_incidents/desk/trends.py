"""/trends: counts, response and resolution times, breaches, arbitration, ratings, listings
and root causes over a period, by type, shop and ISO week; CSV of the rows behind them."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.desk.trends_state import TrendsState
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.period import chart_card, kpi
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import STAFF

_COLUMNS = (
    ("support.trends.col.count", "count"),
    ("support.trends.col.response_p50", "response_p50_label"),
    ("support.trends.col.response_p90", "response_p90_label"),
    ("support.trends.col.resolution_p50", "resolution_p50_label"),
    ("support.trends.col.resolution_p90", "resolution_p90_label"),
    ("support.trends.col.response_breach", "response_breach_label"),
    ("support.trends.col.resolution_breach", "resolution_breach_label"),
    ("support.trends.col.on_time", "on_time_label"),
    ("support.trends.col.arbitration", "arbitration_label"),
    ("support.trends.col.rating", "rating_label"),
)


def bars(data: rx.Var, *series: tuple[str, str, str], layout: str = "horizontal") -> rx.Component:
    """A bar chart of `data` (one bar per series: key, catalogue label, colour)."""
    vertical = layout == "vertical"
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
        *[rx.recharts.bar(data_key=key, name=t(label), fill=colour) for key, label, colour in series],
        rx.recharts.x_axis(**({"type_": "number"} if vertical else {"data_key": "key"})),
        rx.recharts.y_axis(**({"data_key": "key", "type_": "category", "width": 150} if vertical else {})),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        data=data,
        layout=layout,
        width="100%",
        height=260,
    )


def table(rows: rx.Var) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(rx.table.column_header_cell(""), *[rx.table.column_header_cell(t(k)) for k, _ in _COLUMNS])
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda g: rx.table.row(
                        rx.table.row_header_cell(g["key"]), *[rx.table.cell(g[field]) for _, field in _COLUMNS]
                    ),
                )
            ),
            size="1",
        ),
        overflow_x="auto",
        width="100%",
    )


def period() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.el.label(t("support.trends.from"), html_for="trends-from"),
            rx.input(type="date", id="trends-from", value=TrendsState.start, on_change=TrendsState.set_start),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label(t("support.trends.to"), html_for="trends-to"),
            rx.input(type="date", id="trends-to", value=TrendsState.end, on_change=TrendsState.set_end),
            spacing="1",
        ),
        rx.button(
            rx.icon("download", size=16), t("support.trends.export"), on_click=TrendsState.export_csv, variant="soft"
        ),
        gap="0.75em",
        wrap="wrap",
        align="end",
    )


def content() -> rx.Component:
    d = TrendsState.data
    overall = d["overall"].to(dict)
    return rx.vstack(
        rx.flex(
            kpi("support.trends.col.count", overall["count"]),
            kpi("support.trends.col.response_p50", overall["response_p50_label"]),
            kpi("support.trends.col.response_p90", overall["response_p90_label"]),
            kpi("support.trends.col.resolution_p90", overall["resolution_p90_label"]),
            kpi("support.trends.col.response_breach", overall["response_breach_label"]),
            kpi("support.trends.col.arbitration", overall["arbitration_label"]),
            kpi("support.trends.col.rating", overall["rating_label"]),
            gap="0.5em",
            wrap="wrap",
            width="100%",
        ),
        rx.grid(
            chart_card(
                "support.trends.by_week",
                bars(d["by_week"].to(list[dict]), ("count", "support.trends.series.count", "var(--indigo-9)")),
            ),
            chart_card(
                "support.trends.response_by_week",
                bars(
                    d["by_week"].to(list[dict]),
                    ("response_p50_h", "support.trends.series.p50", "var(--teal-9)"),
                    ("response_p90_h", "support.trends.series.p90", "var(--orange-9)"),
                ),
            ),
            chart_card(
                "support.trends.by_type",
                bars(
                    d["by_type"].to(list[dict]),
                    ("count", "support.trends.series.count", "var(--indigo-9)"),
                    layout="vertical",
                ),
            ),
            chart_card(
                "support.trends.breaches_by_shop",
                bars(
                    d["by_shop"].to(list[dict]),
                    ("response_breach_pct", "support.trends.series.response_breach", "var(--red-9)"),
                    ("resolution_breach_pct", "support.trends.series.resolution_breach", "var(--amber-9)"),
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="0.75em",
            width="100%",
        ),
        chart_card("support.trends.table_type", table(d["by_type"].to(list[dict]))),
        chart_card("support.trends.table_shop", table(d["by_shop"].to(list[dict]))),
        chart_card("support.trends.table_week", table(d["by_week"].to(list[dict]))),
        rx.grid(
            chart_card(
                "support.trends.outcomes",
                rx.vstack(
                    rx.foreach(
                        d["outcomes"].to(list[dict]),
                        lambda o: rx.hstack(rx.text(o["label"]), rx.spacer(), rx.badge(o["count"]), width="100%"),
                    ),
                    rx.cond(d["outcomes"].to(list).length() == 0, rx.text("—")),
                    width="100%",
                ),
            ),
            chart_card(
                "support.trends.listings",
                rx.vstack(
                    rx.foreach(
                        d["top_listings"].to(list[dict]),
                        lambda x: rx.hstack(
                            rx.text(x["listing"], " (", x["sku"], ") · ", x["shop"], size="2"),
                            rx.spacer(),
                            rx.badge(x["count"]),
                            width="100%",
                        ),
                    ),
                    rx.cond(d["top_listings"].to(list).length() == 0, rx.text("—")),
                    width="100%",
                ),
            ),
            chart_card(
                "support.trends.root_causes",
                rx.vstack(
                    rx.foreach(
                        d["root_causes"].to(list[dict]),
                        lambda c: rx.hstack(
                            rx.text(c["label"]),
                            rx.cond(c["recurring"].to(bool), rx.badge(t("support.recurring"), color_scheme="red")),
                            rx.spacer(),
                            rx.badge(c["count"]),
                            width="100%",
                        ),
                    ),
                    rx.cond(d["root_causes"].to(list).length() == 0, rx.text("—")),
                    width="100%",
                ),
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            gap="0.75em",
            width="100%",
        ),
        rx.text(t("support.trends.definitions"), size="1", color_scheme="gray"),
        spacing="3",
        width="100%",
    )


@page("/trends", "Pixmania · Tendances", roles=STAFF, on_load=[TrendsState.load])
def trends_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("support.trends.title"), size="7", as_="h1"),
            period(),
            rx.cond(TrendsState.error != "", rx.callout(TrendsState.error, color_scheme="red", icon="triangle_alert")),
            rx.cond(
                TrendsState.data["error"],
                rx.callout(TrendsState.data["error"].to(str), color_scheme="red", icon="triangle_alert"),
            ),
            rx.cond(TrendsState.data["overall"], content()),
            spacing="4",
            width="100%",
        )
    )
