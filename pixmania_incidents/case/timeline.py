"""The status timeline, newest first, built from the incident's append-only event log."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.header import view
from pixmania_incidents.shell.text import t


def _event(event: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="0.6em",
            height="0.6em",
            border_radius="50%",
            background="var(--accent-9)",
            margin_top="0.45em",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.text(rx.text.strong(event.label), " · ", event.who, size="2"),
            rx.cond(event.detail != "", rx.text(event.detail, size="1")),
            rx.text(event.when, size="1", color_scheme="gray"),
            spacing="0",
            align="start",
        ),
        spacing="2",
        align="start",
        width="100%",
    )


def timeline() -> rx.Component:
    return rx.card(
        rx.heading(t("case.timeline"), size="3", as_="h2", margin_bottom="0.5em"),
        rx.scroll_area(
            rx.vstack(rx.foreach(view.timeline, _event), spacing="3", width="100%"),
            type="auto",
            scrollbars="vertical",
            style={"maxHeight": "28em"},
        ),
        width="100%",
        data_testid="timeline",
    )
