"""The message thread: who wrote what, with their files; and the composer under it.

Images preview inline and PDFs are links, both through the evidence route, which checks
the session and the viewer's right to the case. Assisting messages from customer service,
internal notes and exchanges held outside the desk each look different, so nobody takes a
note for a message the customer can read. Internal notes are in the view only for staff.
"""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.header import case_scope, view
from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.shell.drafts import draft_keeper, draft_value
from pixmania_incidents.shell.forms import file_picker
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import MAX_TEXT, THREAD_WRITERS, IncidentState


def role_badge(role: rx.Var) -> rx.Component:
    colours = {
        "customer": "amber",
        "seller": "blue",
        "support": "violet",
        "arbitrator": "purple",
        "admin": "gray",
        "system": "gray",
    }
    return rx.match(
        role,
        *[(r, rx.badge(t(f"role.{r}"), color_scheme=c, variant="soft", size="1")) for r, c in colours.items()],
        rx.badge(role, size="1"),
    )


def evidence_item(f: rx.Var) -> rx.Component:
    return rx.cond(
        f.is_image,
        rx.link(
            rx.image(
                src=f.url,
                alt=f.filename,
                max_height="10em",
                max_width="100%",
                border_radius="var(--radius-2)",
                border="1px solid var(--gray-a6)",
                loading="lazy",
            ),
            href=f.url,
            is_external=True,
        ),
        rx.link(
            rx.hstack(
                rx.icon("file-text", size=16),
                rx.text(f.filename, " (", f.size_label, ")", size="2"),
                spacing="1",
                align="center",
            ),
            href=f.url,
            is_external=True,
        ),
    )


def evidence_list(files: rx.Var) -> rx.Component:
    return rx.cond(
        files.length() > 0, rx.hstack(rx.foreach(files, evidence_item), spacing="2", wrap="wrap", margin_top="0.4em")
    )


def _kind_badge(kind: rx.Var) -> rx.Component:
    return rx.match(
        kind,
        ("assist", rx.badge(t("case.kind.assist"), color_scheme="violet", size="1")),
        ("internal", rx.badge(rx.icon("lock", size=12), t("case.kind.internal"), color_scheme="yellow", size="1")),
        ("outside_exchange", rx.badge(t("case.kind.outside_exchange"), color_scheme="gray", size="1")),
        ("arbitration_request", rx.badge(t("case.kind.arbitration_request"), color_scheme="purple", size="1")),
        ("statement", rx.badge(t("case.kind.statement"), color_scheme="purple", size="1")),
        rx.fragment(),
    )


def _message(m: rx.Var) -> rx.Component:
    kind = m.kind
    mine = m.author_role == SessionState.user_role
    return rx.box(
        rx.hstack(
            rx.text(m.author, weight="bold", size="2"),
            role_badge(m.author_role),
            _kind_badge(kind),
            rx.spacer(),
            rx.text(m.when, size="1", color_scheme="gray"),
            align="center",
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(m.counterpart, rx.text(t("case.outside_with"), " ", m.counterpart, size="1", color_scheme="gray")),
        rx.text(m.body, size="2", white_space="pre-wrap", margin_top="0.3em"),
        evidence_list(m.files),
        padding="0.75em",
        border_radius="var(--radius-3)",
        background=rx.match(
            kind,
            ("assist", "var(--violet-a3)"),
            ("internal", "var(--yellow-a3)"),
            ("outside_exchange", "var(--gray-a3)"),
            rx.cond(mine, "var(--accent-a3)", "var(--gray-a2)"),
        ),
        border=rx.match(
            kind,
            ("internal", "1px dashed var(--yellow-a8)"),
            ("assist", "1px solid var(--violet-a6)"),
            "1px solid var(--gray-a4)",
        ),
        width="100%",
        data_testid="message",
        data_kind=kind,
    )


def _opening() -> rx.Component:
    """The customer's description and the evidence sent with it open the thread."""
    return rx.box(
        rx.hstack(
            rx.text(view.customer_name, weight="bold", size="2"),
            role_badge("customer"),
            rx.badge(t("case.kind.opening"), size="1", variant="outline"),
            rx.spacer(),
            rx.text(view.opened_short, size="1", color_scheme="gray"),
            align="center",
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        rx.text(view.description, size="2", white_space="pre-wrap", margin_top="0.3em"),
        evidence_list(view.opening_files),
        padding="0.75em",
        border_radius="var(--radius-3)",
        background="var(--gray-a2)",
        border="1px solid var(--gray-a4)",
        width="100%",
    )


def composer() -> rx.Component:
    return rx.cond(
        rx.Var.create(list(THREAD_WRITERS)).contains(SessionState.user_role) & (view.state != IncidentState.closed),
        rx.vstack(
            rx.el.label(
                t("case.your_message"),
                html_for="thread_body",
                style={"fontWeight": "500", "fontSize": "var(--font-size-2)"},
            ),
            rx.text_area(
                id="thread_body", max_length=MAX_TEXT, rows="3", width="100%", placeholder=t("case.message_placeholder")
            ),
            draft_keeper("thread_body", case_scope(), "thread_files"),
            file_picker("thread_files"),
            rx.cond(
                IncidentPageState.thread_error != "",
                rx.callout(
                    IncidentPageState.thread_error,
                    icon="triangle_alert",
                    color_scheme="red",
                    role="alert",
                    width="100%",
                ),
            ),
            # Files go up by HTTP with the message; a text alone takes the websocket, several
            # times faster (most messages have no file).
            rx.cond(
                rx.selected_files("thread_files").length() > 0,
                _send_button(with_files=True),
                _send_button(with_files=False),
            ),
            spacing="2",
            width="100%",
            align="start",
        ),
    )


def _send_button(with_files: bool) -> rx.Component:
    files = rx.upload_files(upload_id="thread_files") if with_files else []
    return rx.button(
        rx.icon("send", size=16),
        t("case.send"),
        on_click=IncidentPageState.send_message(files, draft_value("thread_body", "thread_files"), "public"),
        loading=IncidentPageState.is_sending,
    )


def thread() -> rx.Component:
    return rx.card(
        rx.heading(t("case.thread"), size="3", as_="h2", margin_bottom="0.5em", id="thread-heading"),
        rx.vstack(
            rx.cond(
                IncidentPageState.thread.length() >= IncidentPageState.message_limit,
                rx.button(t("case.earlier"), variant="ghost", size="1", on_click=IncidentPageState.show_earlier),
                _opening(),
            ),
            # A log: screen readers read each message as it arrives, without interrupting.
            rx.vstack(
                rx.foreach(IncidentPageState.thread, _message),
                role="log",
                aria_live="polite",
                aria_relevant="additions",
                aria_labelledby="thread-heading",
                spacing="3",
                width="100%",
                data_testid="thread-log",
            ),
            composer(),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="thread",
    )
