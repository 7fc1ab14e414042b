"""The desk's words as every screen shows them: one colour per deadline state and per case
state, and whose move it is."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import ClosedOutcome, IncidentState

DEADLINE_COLOURS = {
    "on_track": "green",
    "at_risk": "orange",
    "breached": "red",
    "met": "gray",
    "met_late": "amber",
    "escalated": "purple",
    "cancelled": "gray",
}

STATE_COLOURS = {
    IncidentState.open: "blue",
    IncidentState.in_progress: "cyan",
    IncidentState.awaiting_customer: "amber",
    IncidentState.in_arbitration: "purple",
    IncidentState.resolved: "green",
    IncidentState.closed: "gray",
}


def deadline_badge(state: rx.Var[str]) -> rx.Component:
    return rx.match(
        state,
        *[
            (name, rx.badge(t(f"deadline.{name}"), color_scheme=colour, variant="soft"))
            for name, colour in DEADLINE_COLOURS.items()
        ],
        rx.fragment(),
    )


def ball_label(holder: rx.Var[str]) -> rx.Component:
    return rx.match(
        holder,
        *[(h, t(f"ball.{h}")) for h in ("seller", "customer", "arbitrator", "waiting_arbitrator")],
        t("ball.none"),
    )


def state_badge(state: rx.Var, size: str = "2") -> rx.Component:
    """A case's state in its colour (the case, the customer's lists)."""
    return rx.match(
        state,
        *[
            (
                s.value,
                rx.badge(
                    t(f"state.{s.value}"), color_scheme=c, size=size, variant="solid" if s == "resolved" else "soft"
                ),
            )
            for s, c in STATE_COLOURS.items()
        ],
        rx.badge(state, size=size),
    )


def state_outline(state: rx.Var) -> rx.Component:
    """A case's state, outlined (customer service's lists)."""
    return rx.badge(
        rx.match(state, *[(s.value, t(f"state.{s.value}")) for s in IncidentState], state), variant="outline"
    )


def outcome_text(outcome: rx.Var) -> rx.Component:
    """How a closed case ended (agreed, decided, withdrawn, no reply, item not sent back)."""
    return rx.match(outcome, *[(o.value, t(f"outcome.{o.value}")) for o in ClosedOutcome], "")


def outcome_note(outcome: rx.Var) -> rx.Component:
    """The outcome in brackets beside a closed case's state, in every list."""
    return rx.cond(
        outcome,  # "" or null while the case is not closed
        rx.text("(", outcome_text(outcome), ")", size="1", color_scheme="gray", data_testid="case-outcome"),
    )
