"""A binding arbitration decision, read-only, for any page or panel (SPEC section 6: after a
decision the customer is told about their right to a consumer mediator)."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role


def decision_card(
    label: rx.Var, amount_label: rx.Var, rationale: rx.Var, when: rx.Var, mediator: rx.Var | bool
) -> rx.Component:
    """The outcome, amount, rationale and date; `mediator` adds the consumer-mediator notice."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("gavel", size=18),
                rx.heading(t("support.decision.title"), size="4", as_="h2"),
                rx.badge(t("support.decision.binding"), color_scheme="purple"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.hstack(
                rx.text(label, weight="bold", data_testid="decision-outcome"),
                rx.cond(amount_label != "", rx.text(amount_label, weight="bold", data_testid="decision-amount")),
                spacing="2",
                wrap="wrap",
            ),
            rx.text(t("support.decision.rationale"), size="1", color_scheme="gray"),
            rx.text(rationale, white_space="pre-wrap", data_testid="decision-rationale"),
            rx.text(t("support.decision.issued"), " ", when, size="1", color_scheme="gray"),
            rx.cond(
                mediator,
                rx.callout(
                    t("support.mediator_notice"),
                    icon="info",
                    color_scheme="blue",
                    size="1",
                    data_testid="mediator-notice",
                ),
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="decision",
    )


def decision_section() -> rx.Component:
    """The decision of the case on the incident page (the customer also sees the mediator
    notice), or that the customer withdrew their arbitration request."""
    arbitration = IncidentPageState.view.arbitration
    decision = arbitration.decision
    return rx.cond(
        arbitration,
        rx.cond(
            decision,
            decision_card(
                decision.label,
                decision.amount_label,
                decision.rationale,
                decision.when,
                SessionState.user_role == Role.customer,
            ),
            rx.cond(
                arbitration.withdrawn_when != "",
                rx.callout(
                    rx.text(t("case.arbitration_withdrawn"), " ", arbitration.withdrawn_when),
                    icon="undo-2",
                    color_scheme="purple",
                    width="100%",
                    data_testid="arbitration-withdrawn",
                ),
            ),
        ),
    )
