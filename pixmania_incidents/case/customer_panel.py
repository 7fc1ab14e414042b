"""The customer's side of the incident page: answer a proposal, send the item back, call
customer service, request arbitration, withdraw, rate. (The page itself shows a decision
and, to the customer, the right to a consumer mediator.)

Each button appears exactly when the view's `allowed` list (the lifecycle's verdict for
this customer now) contains its action; the service re-checks everything anyway.
"""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.customer_state import CustomerCaseState
from pixmania_incidents.case.header import case_scope, view
from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.shell.drafts import draft_keeper, draft_value
from pixmania_incidents.shell.forms import file_picker
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import MAX_TEXT, ClosedOutcome, IncidentState


def _allowed(action: str) -> rx.Var:
    return view.allowed.contains(action)


def _error() -> rx.Component:
    return rx.cond(
        IncidentPageState.error != "",
        rx.callout(IncidentPageState.error, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def _buttons(*children: rx.Component) -> rx.Component:
    return rx.hstack(*children, justify="end", spacing="3", margin_top="1em", wrap="wrap", width="100%")


def _cancel() -> rx.Component:
    return rx.dialog.close(rx.button(t("customer.cancel"), variant="soft", color_scheme="gray", type="button"))


def _proposal() -> rx.Component:
    p = view.pending_proposal
    return rx.cond(
        p & _allowed("accept"),
        rx.card(
            rx.vstack(
                rx.heading(t("customer.proposal_title"), size="3", as_="h2"),
                rx.hstack(
                    rx.badge(p.label, size="2", color_scheme="green"),
                    rx.cond(p.amount_label != "", rx.text(p.amount_label, weight="bold")),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(p.message, size="2", white_space="pre-wrap"),
                rx.text(t("customer.proposed_on"), " ", p.when, size="1", color_scheme="gray"),
                rx.hstack(
                    rx.button(
                        rx.icon("check", size=16),
                        t("customer.accept"),
                        color_scheme="green",
                        on_click=CustomerCaseState.ask("accept", view.version),
                    ),
                    rx.button(
                        rx.icon("x", size=16),
                        t("customer.refuse"),
                        color_scheme="red",
                        variant="soft",
                        on_click=CustomerCaseState.ask("refuse", view.version),
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
                spacing="2",
                align="start",
            ),
            width="100%",
            data_testid="pending-proposal",
        ),
    )


def _return_label(label: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("download", size=16), t("customer.download_label"), spacing="2", align="center"),
            href=label.url,
            is_external=True,
            weight="medium",
        ),
        rx.text(label.carrier, " · ", label.tracking_number, " · ", label.when, size="1", color_scheme="gray"),
        rx.cond(
            label.sent_back_when != "",
            rx.text(rx.icon("truck", size=14), " ", t("customer.sent_back_on"), " ", label.sent_back_when, size="2"),
            rx.cond(
                view.state != IncidentState.closed,
                rx.vstack(
                    rx.text(t("customer.send_back_hint"), size="2"),
                    file_picker("proof_files", label=t("customer.proof_label")),
                    rx.button(
                        rx.icon("truck", size=16),
                        t("customer.on_its_way_back"),
                        on_click=CustomerCaseState.send_back(rx.upload_files(upload_id="proof_files"), label.id),
                    ),
                    spacing="2",
                    align="start",
                    width="100%",
                ),
            ),
        ),
        spacing="1",
        align="start",
        width="100%",
    )


def _return_labels() -> rx.Component:
    return rx.cond(
        view.return_labels.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading(t("customer.return_title"), size="3", as_="h2"),
                rx.foreach(view.return_labels, _return_label),
                _error(),
                spacing="3",
                align="start",
            ),
            width="100%",
        ),
    )


def _rating() -> rx.Component:
    rating = view.rating
    return rx.cond(
        (view.state == IncidentState.closed) & (view.outcome != ClosedOutcome.withdrawn.value),
        rx.card(
            rx.cond(
                rating,
                rx.vstack(
                    rx.heading(t("customer.rating_thanks"), size="3", as_="h2"),
                    rx.text(rating.score.to_string(), " / 5", weight="bold"),
                    rx.cond(rating.comment != "", rx.text(rating.comment, size="2")),
                    spacing="1",
                ),
                rx.form(
                    rx.vstack(
                        rx.heading(t("customer.rating_title"), size="3", as_="h2"),
                        rx.radio_group.root(
                            rx.hstack(
                                *[
                                    rx.el.label(
                                        rx.radio_group.item(value=str(n)),
                                        str(n),
                                        style={"display": "flex", "gap": "0.3em", "alignItems": "center"},
                                    )
                                    for n in range(1, 6)
                                ],
                                spacing="4",
                                wrap="wrap",
                            ),
                            value=CustomerCaseState.score,
                            on_change=CustomerCaseState.set_score,
                            aria_label="note",
                        ),
                        rx.el.label(
                            t("customer.rating_comment"),
                            html_for="rating_comment",
                            style={"fontSize": "var(--font-size-2)"},
                        ),
                        rx.text_area(id="rating_comment", name="comment", max_length=2000, rows="3", width="100%"),
                        _error(),
                        rx.button(t("customer.rating_send"), type="submit"),
                        spacing="2",
                        align="start",
                        width="100%",
                    ),
                    on_submit=CustomerCaseState.rate,
                ),
            ),
            width="100%",
            data_testid="rating",
        ),
    )


def _actions() -> rx.Component:
    version = view.version
    return rx.vstack(
        rx.cond(
            view.help_requested,
            rx.text(rx.icon("life-buoy", size=14), " ", t("customer.help_requested"), size="2", color_scheme="gray"),
        ),
        rx.cond(
            _allowed("request_help"),
            rx.button(
                rx.icon("life-buoy", size=16),
                t("customer.ask_help"),
                variant="soft",
                width="100%",
                on_click=CustomerCaseState.ask("help", version),
            ),
        ),
        rx.cond(
            _allowed("request_arbitration"),
            rx.button(
                rx.icon("scale", size=16),
                t("customer.ask_arbitration"),
                variant="soft",
                color_scheme="purple",
                width="100%",
                on_click=CustomerCaseState.ask("arbitration", version),
            ),
        ),
        rx.cond(
            _allowed("withdraw_arbitration"),
            rx.button(
                rx.icon("undo-2", size=16),
                t("customer.withdraw_arbitration"),
                variant="outline",
                color_scheme="purple",
                width="100%",
                on_click=CustomerCaseState.ask("withdraw_arbitration", version),
            ),
        ),
        rx.cond(
            _allowed("withdraw"),
            rx.button(
                rx.icon("undo-2", size=16),
                t("customer.withdraw"),
                variant="outline",
                color_scheme="gray",
                width="100%",
                on_click=CustomerCaseState.ask("withdraw", version),
            ),
        ),
        spacing="2",
        width="100%",
    )


#: The irreversible moves confirmed in one dialog: name -> (text keys' prefix, colour, handler).
_CONFIRMED = {
    "accept": ("customer.accept", "green", CustomerCaseState.accept),
    "withdraw": ("customer.withdraw", "red", CustomerCaseState.withdraw),
    "withdraw_arbitration": ("customer.withdraw_arbitration", "purple", CustomerCaseState.withdraw_arbitration),
}


def _confirmed(part: str) -> rx.Var:
    texts = [(name, t(f"{keys}_{part}")) for name, (keys, _colour, _handler) in _CONFIRMED.items()]
    return rx.match(CustomerCaseState.dialog, *texts, "")


def _confirm_dialog() -> rx.Component:
    """Accept, withdraw, withdraw the arbitration request: irreversible, so confirmed."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(_confirmed("title")),
            rx.alert_dialog.description(_confirmed("text")),
            _error(),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("customer.cancel"), variant="soft", color_scheme="gray")),
                *[
                    rx.cond(
                        CustomerCaseState.dialog == name,
                        rx.button(t(f"{keys}_confirm"), color_scheme=colour, on_click=handler),
                    )
                    for name, (keys, colour, handler) in _CONFIRMED.items()
                ],
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=rx.Var.create(list(_CONFIRMED)).contains(CustomerCaseState.dialog),
        on_open_change=CustomerCaseState.set_dialog_open,
    )


def _form_dialog(name: str, title: str, body: rx.Component) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(rx.dialog.title(t(title)), body, max_width="34em"),
        open=CustomerCaseState.dialog == name,
        on_open_change=CustomerCaseState.set_dialog_open,
    )


def _refuse_dialog() -> rx.Component:
    return _form_dialog(
        "refuse",
        "customer.refuse_title",
        rx.form(
            rx.vstack(
                rx.el.label(
                    t("customer.refuse_reason"), html_for="refuse_reason", style={"fontSize": "var(--font-size-2)"}
                ),
                rx.text_area(id="refuse_reason", name="reason", required=True, max_length=2000, rows="4", width="100%"),
                draft_keeper("refuse_reason", case_scope()),
                _error(),
                _buttons(_cancel(), rx.button(t("customer.refuse_confirm"), color_scheme="red", type="submit")),
                spacing="2",
                width="100%",
            ),
            on_submit=CustomerCaseState.refuse,
        ),
    )


def _help_dialog() -> rx.Component:
    return _form_dialog(
        "help",
        "customer.help_title",
        rx.form(
            rx.vstack(
                rx.text(t("customer.help_text"), size="2"),
                rx.el.label(
                    t("customer.help_message"), html_for="help_message", style={"fontSize": "var(--font-size-2)"}
                ),
                rx.text_area(id="help_message", name="message", max_length=2000, rows="3", width="100%"),
                _error(),
                _buttons(_cancel(), rx.button(t("customer.help_confirm"), type="submit")),
                spacing="2",
                width="100%",
            ),
            on_submit=CustomerCaseState.request_help,
        ),
    )


def _arbitration_dialog() -> rx.Component:
    return _form_dialog(
        "arbitration",
        "customer.arbitration_title",
        rx.vstack(
            rx.callout(t("customer.arbitration_binding"), icon="scale", color_scheme="purple", size="1"),
            rx.cond(
                view.pending_proposal,
                rx.callout(t("customer.arbitration_pending_refused"), icon="info", color_scheme="orange", size="1"),
            ),
            rx.el.label(
                t("customer.arbitration_reason"),
                html_for="arbitration_reason",
                style={"fontSize": "var(--font-size-2)"},
            ),
            rx.text_area(id="arbitration_reason", max_length=MAX_TEXT, rows="4", width="100%"),
            draft_keeper("arbitration_reason", case_scope(), "arbitration_files"),
            file_picker("arbitration_files", label=t("customer.arbitration_evidence")),
            rx.el.label(
                rx.checkbox(
                    checked=CustomerCaseState.arbitration_confirmed,
                    on_change=CustomerCaseState.set_arbitration_confirmed,
                ),
                rx.text(t("customer.arbitration_confirm_box"), size="2"),
                style={"display": "flex", "gap": "0.5em", "alignItems": "start"},
            ),
            _error(),
            _buttons(
                _cancel(),
                rx.button(
                    t("customer.arbitration_confirm"),
                    color_scheme="purple",
                    disabled=~CustomerCaseState.arbitration_confirmed,
                    on_click=CustomerCaseState.request_arbitration(
                        rx.upload_files(upload_id="arbitration_files"),
                        draft_value("arbitration_reason", "arbitration_files"),
                    ),
                ),
            ),
            spacing="2",
            width="100%",
        ),
    )


def customer_panel() -> rx.Component:
    return rx.vstack(
        # Always on the page, so a proposal arriving live is announced, politely.
        rx.box(_proposal(), aria_live="polite", width="100%", data_testid="proposal-region"),
        _return_labels(),
        _rating(),
        _actions(),
        _confirm_dialog(),
        _refuse_dialog(),
        _help_dialog(),
        _arbitration_dialog(),
        spacing="4",
        width="100%",
        data_testid="customer-panel",
    )
