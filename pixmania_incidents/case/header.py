"""The top of the incident page: what the case is, where it stands, who must move, by when.

Every countdown ticks in the browser from the ISO instant in the view (no server event per
tick); the label and the long date come formatted from the server in the viewer's language.
"""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.shell.badges import ball_label, deadline_badge, outcome_text, state_badge
from pixmania_incidents.shell.countdown import countdown
from pixmania_incidents.shell.drafts import draft_scope
from pixmania_incidents.shell.text import t

#: The case as this viewer reads it (`services.views.CaseView`).
view = IncidentPageState.view


def case_scope() -> rx.Var:
    """Drafts typed on a case belong to it (and to the user typing them)."""
    return draft_scope("case", IncidentPageState.case_id)


def _deadline(deadline: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(deadline.label, size="2", weight="medium"),
        rx.cond(
            deadline.paused,
            rx.badge(t("case.paused"), color_scheme="gray", variant="soft"),
            rx.text(countdown(deadline.due_at, label=deadline.label, when=deadline.when), size="2"),
        ),
        deadline_badge(deadline.state),
        align="center",
        spacing="2",
        wrap="wrap",
        data_testid="deadline",
    )


def _ball() -> rx.Component:
    ball = view.ball
    return rx.callout.root(
        rx.callout.icon(rx.icon("hand", size=18)),
        rx.callout.text(
            rx.hstack(
                rx.text(ball_label(ball.holder), weight="bold"),
                rx.cond(ball.due_at, rx.text(countdown(ball.due_at, label=ball_label(ball.holder), when=ball.when))),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
        ),
        color_scheme=rx.match(
            ball.holder,
            ("customer", "amber"),
            ("seller", "blue"),
            ("arbitrator", "purple"),
            ("waiting_arbitrator", "purple"),
            "gray",
        ),
        width="100%",
        data_testid="ball",
    )


def case_header() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(view.reference, size="6", as_="h1", data_testid="case-reference"),
            rx.box(state_badge(view.state, size="3"), data_testid="case-state"),
            rx.cond(view.outcome, rx.text("(", outcome_text(view.outcome), ")", color_scheme="gray")),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.text(rx.text.strong(view.type_label), " · ", view.listing_title, " · ", view.shop_name, size="2"),
        rx.text(
            t("case.order"),
            " ",
            view.order_reference,
            " · ",
            view.line_total_label,
            " · ",
            t("case.opened_on"),
            " ",
            view.opened_when,
            size="2",
            color_scheme="gray",
        ),
        _ball(),
        rx.cond(
            view.deadlines.length() > 0,
            rx.vstack(rx.foreach(view.deadlines, _deadline), spacing="1", width="100%"),
        ),
        spacing="2",
        width="100%",
        align="start",
    )
