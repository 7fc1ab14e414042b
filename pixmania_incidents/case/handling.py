"""Who works the case: the seller's assignment within the shop, customer service's "je m'en occupe"."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.handling_state import HandlingState
from pixmania_incidents.case.header import view
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t

SELECT_STYLE = {
    "width": "100%",
    "minHeight": "2.25em",
    "padding": "0 0.5em",
    "borderRadius": "var(--radius-2)",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-surface)",
    "color": "var(--gray-12)",
}


def _seller() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("case.handling.assignee"), html_for="case-assignee", style={"fontWeight": "500"}),
        rx.el.select(
            rx.el.option(t("case.handling.nobody"), value="none"),
            rx.foreach(HandlingState.colleagues, lambda c: rx.el.option(c.name, value=c.id.to_string())),
            id="case-assignee",
            value=rx.cond(view.assignee_id != 0, view.assignee_id.to_string(), "none"),
            on_change=HandlingState.assign,
            data_testid="case-assignee",
            style=SELECT_STYLE,
        ),
        spacing="1",
        width="100%",
    )


def _staff() -> rx.Component:
    return rx.vstack(
        rx.text(
            rx.text.strong(t("case.handling.agent")),
            " ",
            rx.cond(view.agent_name != "", view.agent_name, t("case.handling.no_agent")),
            size="2",
            data_testid="case-agent",
        ),
        rx.cond(
            view.assignee_name != "",
            rx.text(rx.text.strong(t("case.handling.assignee")), " ", view.assignee_name, size="2"),
        ),
        rx.cond(
            SessionState.user_role == "support",
            rx.cond(
                view.agent_is_me,
                rx.button(
                    t("case.handling.release"),
                    size="2",
                    variant="soft",
                    color_scheme="gray",
                    on_click=HandlingState.release,
                ),
                rx.button(rx.icon("hand", size=16), t("case.handling.take"), size="2", on_click=HandlingState.take),
            ),
        ),
        spacing="2",
        align="start",
        width="100%",
    )


def handling_section() -> rx.Component:
    return rx.match(
        SessionState.user_role,
        ("seller", rx.card(_seller(), width="100%", data_testid="case-handling")),
        ("support", "arbitrator", "admin", rx.card(_staff(), width="100%", data_testid="case-handling")),
        rx.fragment(),
    )
