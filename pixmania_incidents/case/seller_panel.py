"""The seller's side of the incident page: the type's playbook, obligations, every action
the policy names, and support's guidelines for this type of incident."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.case.header import case_scope, view
from pixmania_incidents.case.seller_state import SellerCaseState
from pixmania_incidents.policy import SOLUTION_LABELS, TYPES
from pixmania_incidents.shell.countdown import countdown
from pixmania_incidents.shell.drafts import draft_keeper, draft_value
from pixmania_incidents.shell.forms import file_picker
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.text import pick, t
from pixmania_incidents.vocabulary import (
    DEFAULT_RETURN_CARRIER,
    FLAG_REASONS,
    FLAG_STATUSES,
    MAX_TEXT,
    ROOT_CAUSES,
    IncidentState,
)

FLAG_SUGGESTED = [code.value for code, p in TYPES.items() if p.flag_suggested]


def _active() -> rx.Var:
    return view.state != IncidentState.closed


def _allowed(action: str) -> rx.Var:
    return view.allowed.contains(action)


def _feedback(form: str) -> rx.Component:
    """The refusal next to the form that caused it (what was typed stays), or a short "saved"."""
    return rx.fragment(
        rx.cond(
            (SellerCaseState.failed == form) & (SellerCaseState.error != ""),
            rx.callout(
                SellerCaseState.error, icon="triangle_alert", color_scheme="red", role="alert", size="1", width="100%"
            ),
        ),
        rx.cond(
            SellerCaseState.done == form,
            rx.hstack(
                rx.icon("check", size=14, color="var(--green-11)"),
                rx.text(t("seller.saved"), size="1", color_scheme="green"),
                spacing="1",
                align="center",
            ),
        ),
    )


def _label(text_key: str, html_for: str) -> rx.Component:
    return rx.el.label(t(text_key), html_for=html_for, style={"fontWeight": "500", "fontSize": "var(--font-size-1)"})


def _field(name: str, text_key: str, form: str, **props: Any) -> rx.Component:
    field_id = f"{form}-{name}"
    return rx.vstack(
        _label(text_key, field_id),
        rx.input(id=field_id, name=name, width="100%", size="2", **props),
        spacing="1",
        width="100%",
    )


def _area(name: str, text_key: str, form: str, **props: Any) -> rx.Component:
    field_id = f"{form}-{name}"
    return rx.vstack(
        _label(text_key, field_id),
        rx.text_area(id=field_id, name=name, width="100%", rows="3", **props),
        spacing="1",
        width="100%",
    )


def _choice(
    name: str, text_key: str, options: list[tuple[str, Any]], default: str, on_change: Any = None
) -> rx.Component:
    return rx.vstack(
        rx.text(t(text_key), size="1", weight="medium"),
        rx.select.root(
            rx.select.trigger(aria_label=t(text_key), width="100%"),
            rx.select.content(*[rx.select.item(label, value=value) for value, label in options]),
            name=name,
            default_value=default,
            on_change=on_change,
        ),
        spacing="1",
        width="100%",
    )


def _form(form: str, handler: Any, *children: rx.Component, submit_key: str, **button: Any) -> rx.Component:
    return rx.form(
        rx.vstack(
            *children,
            _feedback(form),
            rx.button(t(submit_key), type="submit", size="2", **button),
            spacing="2",
            width="100%",
            align="start",
        ),
        id=f"form-{form}",
        on_submit=handler,
        width="100%",
    )


def _section(value: str, title_key: str, *children: rx.Component, badge: rx.Component | None = None) -> rx.Component:
    return rx.accordion.item(
        header=rx.hstack(
            rx.text(t(title_key), size="2", weight="medium"),
            *([badge] if badge is not None else []),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        content=rx.vstack(*children, spacing="3", width="100%", padding_y="0.5em"),
        value=value,
    )


# --- playbook and obligations ---------------------------------------------------------------


def _tick_form(item: rx.Var) -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(rx.button(t("seller.checklist.tick"), size="1", variant="soft")),
        rx.popover.content(
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="item_id", value=item.id.to_string()),
                    rx.text_area(
                        name="note",
                        placeholder=t("seller.checklist.note"),
                        aria_label=t("seller.checklist.note"),
                        rows="2",
                        width="100%",
                    ),
                    rx.popover.close(rx.button(t("seller.checklist.confirm_tick"), type="submit", size="1")),
                    spacing="2",
                    width="16em",
                ),
                on_submit=SellerCaseState.tick,
            ),
        ),
    )


def _step(item: rx.Var) -> rx.Component:
    done = item.done
    return rx.hstack(
        rx.cond(
            done,
            rx.icon("circle-check", size=18, color="var(--green-9)", flex_shrink="0"),
            rx.icon("circle", size=18, color="var(--gray-8)", flex_shrink="0"),
        ),
        rx.vstack(
            rx.text(item.fr, size="2", lang="fr"),
            rx.cond(LocaleState.is_en, rx.text(item.en, size="1", color_scheme="gray")),
            rx.hstack(
                rx.cond(
                    item.mandatory,
                    rx.badge(t("seller.checklist.mandatory"), color_scheme="red", variant="soft", size="1"),
                ),
                rx.cond(
                    done,
                    rx.badge(t("seller.checklist.done"), color_scheme="green", variant="soft", size="1"),
                    rx.cond(_active(), _tick_form(item)),
                ),
                spacing="2",
                align="center",
            ),
            rx.cond(item.note, rx.text(item.note, size="1", color_scheme="gray", font_style="italic")),
            spacing="1",
            align="start",
        ),
        spacing="2",
        align="start",
        data_testid="checklist-item",
    )


def _checklist() -> rx.Component:
    return rx.vstack(
        rx.heading(t("seller.checklist.title"), " — ", view.type_label, size="3", as_="h3"),
        rx.foreach(view.checklist, _step),
        _feedback("tick"),
        spacing="2",
        width="100%",
        data_testid="checklist",
    )


def _obligation(ob: rx.Var) -> rx.Component:
    met, cancelled = ob.met, ob.cancelled
    return rx.hstack(
        rx.cond(
            met,
            rx.icon("circle-check", size=16, color="var(--green-9)"),
            rx.cond(cancelled, rx.icon("circle-x", size=16, color="var(--gray-9)"), rx.icon("clock", size=16)),
        ),
        rx.text(ob.label, size="2", text_decoration=rx.cond(cancelled, "line-through", "none")),
        rx.cond(ob.amount_label, rx.text(ob.amount_label, size="2", weight="bold")),
        rx.cond(
            met,
            rx.text(t("seller.obligations.met"), size="1", color_scheme="green"),
            rx.cond(
                cancelled,
                rx.text(t("seller.obligations.cancelled"), size="1", color_scheme="gray"),
                rx.cond(
                    ob.due_at,
                    rx.text(countdown(ob.due_at), size="1", weight="bold"),
                    rx.text(t("seller.obligations.not_started"), size="1", color_scheme="gray"),
                ),
            ),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
        data_testid="obligation",
        data_cancelled=rx.cond(cancelled, "true", "false"),
    )


def _obligations() -> rx.Component:
    return rx.cond(
        view.obligations.length() > 0,
        rx.vstack(
            rx.heading(t("seller.obligations.title"), size="3", as_="h3"),
            rx.foreach(view.obligations, _obligation),
            spacing="2",
            width="100%",
            data_testid="obligations",
        ),
    )


# --- actions ------------------------------------------------------------------------------------


def _solution_select(codes: tuple[str, ...]) -> rx.Component:
    return _choice(
        "solution",
        "seller.propose.solution",
        [(c, pick(*SOLUTION_LABELS[c])) for c in codes],
        "",
        SellerCaseState.choose_solution,
    )


def _propose() -> rx.Component:
    return _section(
        "propose",
        "seller.propose.title",
        _form(
            "propose",
            SellerCaseState.propose,
            rx.el.input(type="hidden", name="version", value=view.version.to_string()),
            rx.match(
                view.type,
                *[(code.value, _solution_select(tuple(p.solutions))) for code, p in TYPES.items()],
                rx.fragment(),
            ),
            rx.cond(
                SellerCaseState.solution == "refund_partial",
                rx.vstack(
                    _field("amount", "seller.propose.amount", "propose", input_mode="decimal", placeholder="12,50"),
                    rx.text(
                        t("seller.propose.refundable"),
                        " ",
                        rx.text.strong(SellerCaseState.seller.refundable_label),
                        size="1",
                    ),
                    spacing="1",
                    width="100%",
                ),
            ),
            _area("message", "seller.propose.message", "propose", max_length=MAX_TEXT),
            submit_key="seller.propose.submit",
        ),
    )


def _label_row(lb: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("file-text", size=16),
            rx.text(lb.carrier, " · ", lb.tracking_number, size="2", font_family="monospace"),
            rx.link(t("seller.label.download"), href=lb.url, is_external=True, size="2", data_testid="label-download"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(lb.sent_back_when != "", rx.text(t("seller.label.sent_back"), " ", lb.sent_back_when, size="1")),
        rx.cond(
            lb.received,
            rx.badge(t("seller.label.received"), color_scheme="green", variant="soft"),
            rx.cond(
                _active(),
                rx.button(
                    t("seller.label.mark_received"),
                    size="1",
                    variant="soft",
                    on_click=SellerCaseState.mark_received(lb.id),
                ),
            ),
        ),
        spacing="1",
        align="start",
        width="100%",
    )


def _labels() -> rx.Component:
    return _section(
        "label",
        "seller.label.title",
        rx.cond(
            view.return_labels.length() > 0,
            rx.foreach(view.return_labels, _label_row),
            rx.text(t("seller.label.none"), size="1", color_scheme="gray"),
        ),
        _form(
            "label",
            SellerCaseState.issue_label,
            _field("carrier", "seller.label.carrier", "label", default_value=DEFAULT_RETURN_CARRIER),
            submit_key="seller.label.issue",
        ),
    )


def _refund() -> rx.Component:
    return _section(
        "refund",
        "seller.refund.title",
        rx.text(t("seller.propose.refundable"), " ", rx.text.strong(SellerCaseState.seller.refundable_label), size="1"),
        _form(
            "refund",
            SellerCaseState.ask_refund,
            _field("amount", "seller.refund.amount", "refund", input_mode="decimal", placeholder="12,50"),
            _field("refunded_on", "seller.refund.date", "refund", type="date"),
            submit_key="seller.refund.submit",
        ),
    )


def _ship() -> rx.Component:
    return _section(
        "ship",
        "seller.ship.title",
        _form(
            "ship",
            SellerCaseState.ship,
            _choice(
                "kind",
                "seller.ship.kind",
                [("replacement", t("seller.ship.replacement")), ("reship", t("seller.ship.reship"))],
                "replacement",
            ),
            _field("carrier", "seller.ship.carrier", "ship"),
            _field("tracking", "seller.ship.tracking", "ship"),
            submit_key="seller.ship.submit",
        ),
    )


def _inquiry_row(inquiry: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(inquiry.carrier, " · ", inquiry.reference, size="2", weight="medium"),
        rx.cond(
            inquiry.outcome,
            rx.text(t("seller.inquiry.outcome"), " : ", inquiry.outcome, size="2"),
            rx.cond(
                _active(),
                rx.form(
                    rx.vstack(
                        rx.el.input(type="hidden", name="inquiry_id", value=inquiry.id.to_string()),
                        rx.text_area(
                            name="outcome",
                            aria_label=t("seller.inquiry.outcome"),
                            placeholder=t("seller.inquiry.pending"),
                            rows="2",
                            width="100%",
                        ),
                        rx.button(t("seller.inquiry.record_outcome"), type="submit", size="1", variant="soft"),
                        spacing="1",
                        width="100%",
                        align="start",
                    ),
                    on_submit=SellerCaseState.inquiry_outcome,
                    width="100%",
                ),
            ),
        ),
        spacing="1",
        width="100%",
        align="start",
    )


def _inquiry() -> rx.Component:
    return _section(
        "inquiry",
        "seller.inquiry.title",
        rx.foreach(view.carrier_inquiries, _inquiry_row),
        _feedback("outcome"),
        _form(
            "inquiry",
            SellerCaseState.open_inquiry,
            _field("carrier", "seller.inquiry.carrier", "inquiry"),
            _field("reference", "seller.inquiry.reference", "inquiry"),
            submit_key="seller.inquiry.open",
        ),
    )


def _flag_row(flag: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("flag", size=14),
        rx.text(rx.match(flag.reason, *[(r, t(f"flags.reason.{r}")) for r in FLAG_REASONS], flag.reason), size="2"),
        rx.badge(
            rx.match(flag.status, *[(s, t(f"flags.status.{s}")) for s in FLAG_STATUSES], flag.status),
            variant="soft",
            size="1",
        ),
        rx.text(flag.when, size="1", color_scheme="gray"),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _flag() -> rx.Component:
    return _section(
        "flag",
        "seller.flag.title",
        rx.foreach(SellerCaseState.seller.flags, _flag_row),
        _form(
            "flag",
            SellerCaseState.raise_flag,
            _choice("reason", "seller.flag.reason", [(r, t(f"flags.reason.{r}")) for r in FLAG_REASONS], "description"),
            _area("details", "seller.flag.details", "flag", max_length=MAX_TEXT),
            submit_key="seller.flag.submit",
        ),
        badge=rx.cond(
            rx.Var.create(FLAG_SUGGESTED).contains(view.type),
            rx.badge(t("seller.flag.suggested"), color_scheme="amber", variant="soft", size="1"),
        ),
    )


def _outside() -> rx.Component:
    return _section(
        "outside",
        "seller.outside.title",
        _form(
            "outside",
            SellerCaseState.record_outside,
            _choice(
                "channel",
                "seller.outside.channel",
                [("phone", t("seller.outside.phone")), ("email", t("seller.outside.email"))],
                "phone",
            ),
            _field("occurred_at", "seller.outside.when", "outside", type="datetime-local"),
            _field("counterpart", "seller.outside.counterpart", "outside", max_length=120),
            _area("summary", "seller.outside.summary", "outside", max_length=MAX_TEXT),
            submit_key="seller.outside.submit",
        ),
    )


def _help() -> rx.Component:
    return _section(
        "help",
        "seller.help.title",
        _form(
            "help",
            SellerCaseState.request_help,
            _area("message", "seller.help.message", "help", max_length=2000),
            submit_key="seller.help.submit",
            variant="soft",
        ),
    )


def _arbitration() -> rx.Component:
    return _section(
        "arbitration",
        "seller.arbitration.title",
        rx.text(t("seller.arbitration.text"), size="2"),
        _feedback("arbitration"),
        rx.button(
            t("seller.arbitration.title"),
            color_scheme="purple",
            size="2",
            on_click=SellerCaseState.ask("arbitration", view.version),
        ),
    )


def _lesson() -> rx.Component:
    return rx.vstack(
        rx.heading(t("seller.lesson.title"), size="3", as_="h3"),
        rx.text(t("seller.lesson.intro"), size="2", color_scheme="gray"),
        _form(
            "lesson",
            SellerCaseState.add_lesson,
            _choice(
                "root_cause",
                "seller.lesson.root_cause",
                [(c, t(f"incidents.root_cause.{c}")) for c in ROOT_CAUSES],
                "carrier",
            ),
            _area("change", "seller.lesson.change", "lesson", max_length=MAX_TEXT),
            submit_key="seller.lesson.submit",
        ),
        spacing="2",
        width="100%",
        data_testid="lesson",
    )


def _closure() -> rx.Component:
    return rx.vstack(
        rx.heading(t("seller.close.title"), size="3", as_="h3"),
        rx.text(t("seller.close.text"), size="2", color_scheme="gray"),
        _feedback("close"),
        rx.button(t("seller.close.submit"), color_scheme="green", on_click=SellerCaseState.ask("close", view.version)),
        spacing="2",
        width="100%",
    )


def _return_not_sent() -> rx.Component:
    """The customer never sent the item back: the seller may close the case at once (SPEC 8.1)."""
    return rx.vstack(
        rx.heading(t("seller.return_not_sent.title"), size="3", as_="h3"),
        rx.text(t("seller.return_not_sent.text"), size="2", color_scheme="gray"),
        _feedback("close_return_not_sent"),
        rx.button(
            t("seller.return_not_sent.submit"),
            color_scheme="orange",
            on_click=SellerCaseState.ask("close_return_not_sent", view.version),
        ),
        spacing="2",
        width="100%",
        data_testid="return-not-sent",
    )


def _pending() -> rx.Component:
    proposal = view.pending_proposal
    return rx.cond(
        proposal,
        rx.callout.root(
            rx.callout.icon(rx.icon("hourglass", size=16)),
            rx.callout.text(
                rx.text(t("seller.propose.pending"), " ", rx.text.strong(proposal.label), " ", proposal.amount_label),
                rx.text(proposal.message, size="1", color_scheme="gray", white_space="pre-wrap"),
            ),
            color_scheme="amber",
            size="1",
            width="100%",
            data_testid="pending-proposal",
        ),
    )


def _actions() -> rx.Component:
    return rx.vstack(
        rx.heading(t("seller.actions.title"), size="3", as_="h3"),
        rx.accordion.root(
            rx.cond(_allowed("propose"), _propose()),
            _labels(),
            _refund(),
            _ship(),
            _inquiry(),
            _flag(),
            _outside(),
            rx.cond(_allowed("request_help"), _help()),
            rx.cond(_allowed("request_arbitration"), _arbitration()),
            type="multiple",
            collapsible=True,
            variant="ghost",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


# --- confirmations --------------------------------------------------------------------------


def _dialog(name: str, title_key: str, *body: rx.Component, confirm: rx.Component) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(title_key)),
            rx.vstack(*body, spacing="3", width="100%"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("seller.cancel"), variant="soft", color_scheme="gray")),
                confirm,
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
            max_width="480px",
        ),
        open=SellerCaseState.dialog == name,
        on_open_change=SellerCaseState.set_dialog_open,
    )


def _dialogs() -> rx.Component:
    return rx.fragment(
        _dialog(
            "refund",
            "seller.refund.confirm_title",
            rx.text(t("seller.refund.confirm_text"), " ", rx.text.strong(SellerCaseState.pending_refund_label)),
            confirm=rx.button(t("seller.refund.confirm"), color_scheme="red", on_click=SellerCaseState.confirm_refund),
        ),
        _dialog(
            "close_return_not_sent",
            "seller.return_not_sent.title",
            rx.text(t("seller.return_not_sent.confirm_text")),
            confirm=rx.button(
                t("seller.return_not_sent.submit"),
                color_scheme="orange",
                on_click=SellerCaseState.close_return_not_sent,
            ),
        ),
        _dialog(
            "close",
            "seller.close.title",
            rx.text(t("seller.close.confirm_text")),
            confirm=rx.button(t("seller.close.submit"), color_scheme="green", on_click=SellerCaseState.confirm_closure),
        ),
        _dialog(
            "arbitration",
            "seller.arbitration.title",
            rx.text(t("seller.arbitration.text"), size="2"),
            _label("seller.arbitration.reason", "arbitration_reason"),
            rx.text_area(id="arbitration_reason", rows="4", width="100%", max_length=MAX_TEXT),
            draft_keeper("arbitration_reason", case_scope(), "arbitration_files"),
            file_picker("arbitration_files", label=t("seller.arbitration.evidence")),
            rx.checkbox(
                t("seller.arbitration.confirm_label"),
                checked=SellerCaseState.arbitration_confirmed,
                on_change=SellerCaseState.set_arbitration_confirmed,
            ),
            _feedback("arbitration"),
            confirm=rx.button(
                t("seller.arbitration.submit"),
                color_scheme="purple",
                on_click=SellerCaseState.request_arbitration(
                    rx.upload_files(upload_id="arbitration_files"),
                    draft_value("arbitration_reason", "arbitration_files"),
                ),
            ),
        ),
    )


def _guideline(g: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(g.title, weight="bold", size="2"),
        rx.box(rx.html(g.html), font_size="var(--font-size-2)"),
        rx.text(g.author, " · ", g.when, size="1", color_scheme="gray"),
        padding="0.5em 0",
        border_top="1px solid var(--gray-a4)",
        width="100%",
    )


def _guidelines() -> rx.Component:
    return rx.vstack(
        rx.heading(t("seller.guidelines.title"), size="3", as_="h3"),
        rx.cond(
            SellerCaseState.seller.guidelines.length() > 0,
            rx.foreach(SellerCaseState.seller.guidelines, _guideline),
            rx.text(t("seller.guidelines.none"), size="1", color_scheme="gray"),
        ),
        spacing="2",
        width="100%",
        data_testid="guidelines",
    )


def seller_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("seller.case.title"), size="4", as_="h2"),
            rx.cond(
                ~view.responded & _active(),
                rx.callout(t("seller.case.respond_hint"), icon="info", size="1", width="100%"),
            ),
            _pending(),
            _checklist(),
            _obligations(),
            rx.cond(_active(), _actions()),
            rx.cond(_allowed("close_return_not_sent"), _return_not_sent()),
            rx.cond(view.state == IncidentState.resolved, _closure()),
            rx.cond(view.state == IncidentState.closed, _lesson()),
            _guidelines(),
            _dialogs(),
            spacing="4",
            width="100%",
        ),
        width="100%",
        data_testid="seller-panel",
    )
