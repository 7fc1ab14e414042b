"""Deadline badges and chips: one colour per deadline state, everywhere."""

import reflex as rx

from pixmania_incidents.components.countdown import countdown
from pixmania_incidents.components.text import t

STATE_COLOURS = {
    "on_track": "green",
    "at_risk": "orange",
    "breached": "red",
    "met": "gray",
    "met_late": "amber",
    "escalated": "purple",
    "cancelled": "gray",
}


def deadline_badge(state: rx.Var[str]) -> rx.Component:
    return rx.match(
        state,
        *[(name, rx.badge(t(f"deadline.{name}"), color_scheme=colour, variant="soft")) for name, colour in STATE_COLOURS.items()],
        rx.fragment(),
    )


def clock_label(kind: rx.Var[str]) -> rx.Component:
    return rx.match(
        kind,
        *[(k, t(f"clock.{k}")) for k in ("response", "resolution", "customer_answer", "arbitration_decision", "statement")],
        t("clock.obligation"),
    )


def ball_label(holder: rx.Var[str]) -> rx.Component:
    return rx.match(
        holder,
        *[(h, t(f"ball.{h}")) for h in ("seller", "customer", "arbitrator", "waiting_arbitrator")],
        t("ball.none"),
    )


def deadline_chip(kind: rx.Var[str], due_at: rx.Var[str], state: rx.Var[str]) -> rx.Component:
    """Label, live countdown and state badge of one clock."""
    return rx.hstack(
        rx.text(clock_label(kind), size="2", weight="medium"),
        rx.cond(state.to(str).contains("met") | (state == "escalated") | (state == "cancelled"), rx.fragment(), countdown(due_at)),
        deadline_badge(state),
        align="center",
        spacing="2",
        wrap="wrap",
    )
