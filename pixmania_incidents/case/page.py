"""`/incidents/[incident_id]`: one page for every role; each role's panel sits beside the case.

Whether the viewer may see the case is the service's answer alone: someone else's incident
reads "introuvable", exactly like one that does not exist.
"""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.customer_panel import customer_panel
from pixmania_incidents.case.decision import decision_section
from pixmania_incidents.case.handling import handling_section
from pixmania_incidents.case.header import case_header, view
from pixmania_incidents.case.page_state import ROUTE, IncidentPageState
from pixmania_incidents.case.parcel import parcel_section
from pixmania_incidents.case.product_panel import product_panel
from pixmania_incidents.case.seller_panel import seller_panel
from pixmania_incidents.case.staff_panel import staff_panel
from pixmania_incidents.case.statement import statement_section
from pixmania_incidents.case.templates import templates_section
from pixmania_incidents.case.thread import thread
from pixmania_incidents.case.timeline import timeline
from pixmania_incidents.shell.failure import loaded, loading
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role

#: What each role sees and does beside the shared case view.
PANELS = {
    Role.customer: customer_panel,
    Role.seller: seller_panel,
    Role.support: staff_panel,
    Role.arbitrator: staff_panel,
    Role.admin: staff_panel,
    Role.product: product_panel,
}


def _panel() -> rx.Component:
    return rx.match(SessionState.user_role, *[(role.value, render()) for role, render in PANELS.items()], rx.fragment())


def _notice() -> rx.Component:
    return rx.cond(
        IncidentPageState.notice != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("refresh-cw", size=18)),
            rx.callout.text(
                rx.hstack(
                    rx.text(IncidentPageState.notice),
                    rx.spacer(),
                    rx.button(t("case.understood"), size="1", variant="soft", on_click=IncidentPageState.dismiss),
                    align="center",
                    wrap="wrap",
                    width="100%",
                )
            ),
            color_scheme="orange",
            role="alert",
            width="100%",
            data_testid="stale-notice",
        ),
    )


def _not_found() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("error.not_found"), size="5", as_="h1"),
            rx.text(t("case.not_found_text")),
            rx.link(t("case.back_home"), href=SessionState.home_path),
            spacing="3",
        ),
        data_testid="not-found",
    )


def _wish() -> rx.Component:
    """What the customer asked for when opening, for everyone on the case to see."""
    return rx.cond(
        view.wanted_label != "",
        rx.callout(
            rx.text(
                rx.text.strong(
                    rx.cond(SessionState.user_role == Role.customer.value, t("case.wanted_mine"), t("case.wanted"))
                ),
                " ",
                view.wanted_label,
            ),
            icon="hand-helping",
            color_scheme="gray",
            size="1",
            width="100%",
            data_testid="case-wanted",
        ),
    )


def _case() -> rx.Component:
    return rx.vstack(
        _notice(),
        case_header(),
        rx.flex(
            rx.box(thread(), flex="2", min_width="0", width="100%"),
            rx.vstack(
                decision_section(),
                statement_section(),
                _wish(),
                # Checking delivery is the first step of "non reçu": the parcel comes before the tools.
                parcel_section(),
                handling_section(),
                templates_section(),
                _panel(),
                timeline(),
                spacing="4",
                flex="1",
                min_width="0",
                width="100%",
            ),
            direction={"initial": "column", "md": "row"},
            spacing="4",
            align="start",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


@page(ROUTE, "Pixmania · Incident", roles=[r.value for r in Role], on_load=[IncidentPageState.load])
def incident_page() -> rx.Component:
    return app_shell(
        rx.cond(
            IncidentPageState.missing,
            _not_found(),
            rx.cond(loaded(view), _case(), loading()),
        ),
        # Every case tab is told apart by the reference people quote, and the kind of case.
        title=rx.cond(loaded(view), view.reference.to(str) + " · " + view.type_label.to(str), ""),
    )
