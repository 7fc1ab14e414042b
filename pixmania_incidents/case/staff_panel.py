"""Customer service's side of the incident page (support, arbitrators, admins): internal
notes, an assisting message to both parties, a listing flag, and the arbitration status
with take/release (the full case file and the decision are on /arbitration/<id>)."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.header import view
from pixmania_incidents.case.staff_state import IncidentStaffState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import FLAG_REASONS, MAX_TEXT, IncidentState, Role


def _feedback(form: str) -> rx.Component:
    return rx.fragment(
        rx.cond(
            (IncidentStaffState.failed == form) & (IncidentStaffState.error != ""),
            rx.callout(IncidentStaffState.error, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
        ),
        rx.cond(
            IncidentStaffState.done == form,
            rx.callout(t("support.panel.saved"), icon="check", color_scheme="green", width="100%"),
        ),
    )


def _text_form(form: str, handler, label_key: str, submit_key: str, hint_key: str, **button) -> rx.Component:
    field_id = f"staff-{form}-body"
    return rx.form(
        rx.vstack(
            rx.el.label(t(label_key), html_for=field_id, style={"fontWeight": "500", "fontSize": "var(--font-size-2)"}),
            rx.text(t(hint_key), size="1", color_scheme="gray"),
            rx.text_area(id=field_id, name="body", rows="3", width="100%", max_length=MAX_TEXT),
            _feedback(form),
            rx.button(t(submit_key), type="submit", size="2", **button),
            spacing="2",
            width="100%",
            align="start",
        ),
        id=f"form-staff-{form}",
        on_submit=handler,
        width="100%",
    )


def _note(note: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(note["author"], " · ", note["created_at"], size="1", color_scheme="gray"),
        rx.text(note["body"], size="2", white_space="pre-wrap"),
        padding="0.4em 0.6em",
        border_left="3px solid var(--amber-9)",
        background="var(--amber-a2)",
        width="100%",
    )


def _flag_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.el.label(
                t("support.panel.flag_reason"),
                html_for="staff-flag-reason",
                style={"fontWeight": "500", "fontSize": "var(--font-size-2)"},
            ),
            rx.el.select(
                *[rx.el.option(t(f"flags.reason.{r}"), value=r) for r in FLAG_REASONS],
                id="staff-flag-reason",
                name="reason",
                style={
                    "padding": "0.35em",
                    "borderRadius": "var(--radius-2)",
                    "border": "1px solid var(--gray-a7)",
                    "width": "100%",
                },
            ),
            rx.el.label(
                t("support.panel.flag_details"),
                html_for="staff-flag-details",
                style={"fontWeight": "500", "fontSize": "var(--font-size-2)"},
            ),
            rx.text_area(id="staff-flag-details", name="details", rows="3", width="100%", max_length=MAX_TEXT),
            _feedback("flag"),
            rx.button(t("support.panel.flag_submit"), type="submit", size="2", variant="soft", color_scheme="amber"),
            spacing="2",
            width="100%",
            align="start",
        ),
        id="form-staff-flag",
        on_submit=IncidentStaffState.raise_flag,
        width="100%",
    )


def _arbitration() -> rx.Component:
    arb = view.arbitration
    in_arbitration = view.state == IncidentState.in_arbitration
    is_arbitrator = SessionState.user_role == Role.arbitrator
    return rx.cond(
        in_arbitration,
        rx.card(
            rx.vstack(
                rx.heading(t("support.panel.arbitration"), size="3", as_="h2"),
                rx.text(rx.cond(arb.taken, t("support.panel.taken"), t("ball.waiting_arbitrator")), size="2"),
                _feedback("arbitration"),
                rx.cond(
                    is_arbitrator,
                    rx.hstack(
                        rx.cond(
                            ~arb.taken, rx.button(t("support.take"), on_click=IncidentStaffState.take_case, size="2")
                        ),
                        rx.cond(
                            arb.taken,
                            rx.button(
                                t("support.release"), on_click=IncidentStaffState.release_case, size="2", variant="soft"
                            ),
                        ),
                        rx.link(t("support.open_file"), href="/arbitration/" + view.id.to_string(), size="2"),
                        spacing="3",
                        align="center",
                        wrap="wrap",
                    ),
                ),
                spacing="2",
                align="start",
                width="100%",
            ),
            width="100%",
            data_testid="staff-arbitration",
        ),
    )


def staff_panel() -> rx.Component:
    writer = SessionState.user_role != Role.admin
    return rx.vstack(
        _arbitration(),
        rx.card(
            rx.vstack(
                rx.heading(t("support.panel.notes"), size="3", as_="h2"),
                rx.foreach(IncidentStaffState.notes, _note),
                rx.cond(
                    IncidentStaffState.notes.length() == 0,
                    rx.text(t("support.panel.no_notes"), size="2", color_scheme="gray"),
                ),
                _text_form(
                    "note",
                    IncidentStaffState.add_note,
                    "support.panel.note_label",
                    "support.panel.note_submit",
                    "support.panel.note_hint",
                    variant="soft",
                    color_scheme="amber",
                ),
                spacing="2",
                align="start",
                width="100%",
            ),
            width="100%",
        ),
        rx.cond(
            writer,
            rx.card(
                _text_form(
                    "assist",
                    IncidentStaffState.assist,
                    "support.panel.assist_label",
                    "support.panel.assist_submit",
                    "support.panel.assist_hint",
                ),
                width="100%",
            ),
        ),
        rx.cond(
            writer,
            rx.card(
                rx.vstack(
                    rx.heading(t("support.panel.flag"), size="3", as_="h2"),
                    _flag_form(),
                    spacing="2",
                    align="start",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )
