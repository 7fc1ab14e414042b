"""The top of the incident page: what the case is, where it stands, who must move, by when.

Every countdown ticks in the browser from the ISO instant in the view (no server event per
tick); the label and the long date come formatted from the server in the viewer's language.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.components.countdown import countdown
from pixmania_incidents.components.deadline import ball_label, deadline_badge
from pixmania_incidents.components.text import t
from pixmania_incidents.models import IncidentState
from pixmania_incidents.state.incident import IncidentPageState

STATE_COLOURS = {
    IncidentState.open: "blue",
    IncidentState.in_progress: "cyan",
    IncidentState.awaiting_customer: "amber",
    IncidentState.in_arbitration: "purple",
    IncidentState.resolved: "green",
    IncidentState.closed: "gray",
}

V = IncidentPageState.view


def as_list(var: rx.Var) -> rx.Var:
    """A list inside the view dict, typed so `rx.foreach` can walk it."""
    return var.to(list[dict[str, Any]])


def state_badge(state: rx.Var, size: str = "2") -> rx.Component:
    return rx.match(
        state,
        *[(s.value, rx.badge(t(f"state.{s.value}"), color_scheme=c, size=size, variant="solid" if s == "resolved" else "soft"))
          for s, c in STATE_COLOURS.items()],
        rx.badge(state, size=size),
    )


def outcome_text(outcome: rx.Var) -> rx.Component:
    return rx.match(outcome, *[(o, t(f"outcome.{o}")) for o in ("agreed", "decided", "withdrawn", "no_customer_reply")], "")


def _clock(clock: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(clock["label"], size="2", weight="medium"),
        rx.cond(clock["paused"].to(bool), rx.badge(t("case.paused"), color_scheme="gray", variant="soft"),
                rx.text(countdown(clock["due_at"].to(str)), size="2", weight="bold")),
        deadline_badge(clock["state"].to(str)),
        rx.text(t("ball.until"), " ", clock["when"], size="1", color_scheme="gray"),
        align="center",
        spacing="2",
        wrap="wrap",
        data_testid="clock",
    )


def _ball() -> rx.Component:
    ball = V["ball"].to(dict)
    return rx.callout.root(
        rx.callout.icon(rx.icon("hand", size=18)),
        rx.callout.text(
            rx.hstack(
                rx.text(ball_label(ball["holder"].to(str)), weight="bold"),
                rx.cond(
                    ball["due_at"],
                    rx.hstack(
                        rx.text(countdown(ball["due_at"].to(str)), weight="bold"),
                        rx.text("(", t("ball.until"), " ", ball["when"], ")", size="2"),
                        spacing="2", align="center", wrap="wrap",
                    ),
                ),
                spacing="3", align="center", wrap="wrap",
            ),
        ),
        color_scheme=rx.match(ball["holder"].to(str), ("customer", "amber"), ("seller", "blue"), ("arbitrator", "purple"),
                              ("waiting_arbitrator", "purple"), "gray"),
        width="100%",
        data_testid="ball",
    )


def case_header() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(V["reference"], size="6", as_="h1", data_testid="case-reference"),
            rx.box(state_badge(V["state"].to(str), size="3"), data_testid="case-state"),
            rx.cond(V["outcome"], rx.text("(", outcome_text(V["outcome"].to(str)), ")", color_scheme="gray")),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.text(
            rx.text.strong(V["type_label"]), " · ", V["listing"].to(dict)["title"], " · ", V["shop"].to(dict)["name"],
            size="2",
        ),
        rx.text(t("case.order"), " ", V["order_reference"], " · ", V["line_total_label"], " · ",
                t("case.opened_on"), " ", V["opened_when"], size="2", color_scheme="gray"),
        _ball(),
        rx.cond(
            as_list(V["clocks"]).length() > 0,
            rx.vstack(rx.foreach(as_list(V["clocks"]), _clock), spacing="1", width="100%"),
        ),
        spacing="2",
        width="100%",
        align="start",
    )
