"""The other party's statement in an arbitration: whoever did not ask may add theirs, once."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.header import case_scope, view
from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.shell.drafts import draft_keeper, draft_value
from pixmania_incidents.shell.forms import file_picker
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import MAX_TEXT, IncidentState, Role


def statement_section() -> rx.Component:
    arbitration = view.arbitration
    role = SessionState.user_role
    may_state = (
        (view.state == IncidentState.in_arbitration)
        & arbitration
        & ((role == Role.customer) | (role == Role.seller))
        & (arbitration.requester_role != role)
        & ~arbitration.statement.to(bool)
    )
    return rx.cond(
        may_state,
        rx.card(
            rx.vstack(
                rx.heading(t("case.statement_title"), size="3", as_="h2"),
                rx.text(t("case.statement_hint"), size="2"),
                rx.text_area(id="statement_body", max_length=MAX_TEXT, rows="4", width="100%"),
                draft_keeper("statement_body", case_scope(), "statement_files"),
                file_picker("statement_files"),
                rx.cond(
                    IncidentPageState.error != "",
                    rx.callout(IncidentPageState.error, icon="triangle_alert", color_scheme="red", role="alert"),
                ),
                rx.button(
                    t("case.statement_send"),
                    on_click=IncidentPageState.add_statement(
                        rx.upload_files(upload_id="statement_files"), draft_value("statement_body", "statement_files")
                    ),
                ),
                spacing="2",
                align="start",
                width="100%",
            ),
            width="100%",
            data_testid="statement",
        ),
    )
