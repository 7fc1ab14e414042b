"""/arbitration/[incident_id]: the whole case file on one screen, and the decision."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.arbitration.file_state import ROUTE, ArbitrationCaseState
from pixmania_incidents.arbitration.queue import ARBITRATOR, role_text, statement_window
from pixmania_incidents.case.decision import decision_card
from pixmania_incidents.case.flags import status_badge
from pixmania_incidents.policy import OBLIGATION_LABELS, SOLUTION_LABELS, DecisionOutcome
from pixmania_incidents.shell.badges import deadline_badge, state_outline
from pixmania_incidents.shell.failure import loading
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import pick, t
from pixmania_incidents.vocabulary import case_path

_PROPOSAL_STATUSES = ("pending", "accepted", "refused", "cancelled")
#: The deadlines that are not an obligation (those have their own labels).
_DEADLINES = ("response", "resolution", "customer_answer", "arbitration_decision", "statement")


def deadline_name(kind: rx.Var) -> rx.Component:
    return rx.match(
        kind,
        *[(k, t(f"clock.{k}")) for k in _DEADLINES],
        *[(k.value, pick(*pair)) for k, pair in OBLIGATION_LABELS.items()],
        kind,
    )


def solution_text(code: rx.Var) -> rx.Component:
    return rx.match(code, *[(k.value, pick(*pair)) for k, pair in SOLUTION_LABELS.items()], code)


def section(title_key: str, *children: rx.Component, **props) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(t(title_key), size="4", as_="h2"), *children, spacing="2", align="start", width="100%"),
        width="100%",
        **props,
    )


def fact(label_key: str, value: rx.Var | rx.Component) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(t(label_key)), rx.data_list.value(value))


def facts(*items: rx.Component) -> rx.Component:
    return rx.data_list.root(*items, orientation=rx.breakpoints(initial="vertical", sm="horizontal"), size="2")


def _file_link(f: rx.Var) -> rx.Component:
    return rx.link(
        rx.cond(
            f["is_image"].to(bool),
            rx.image(
                src=f["url"].to(str),
                alt=f["filename"].to(str),
                max_height="120px",
                max_width="160px",
                border_radius="var(--radius-2)",
                loading="lazy",
            ),
            rx.hstack(rx.icon("file-text", size=16), rx.text(f["filename"], size="1"), spacing="1"),
        ),
        href=f["url"].to(str),
        is_external=True,
    )


def _piece(f: rx.Var) -> rx.Component:
    """One piece of evidence with who gave it, when, and at which step (the opening or the exchanges)."""
    return rx.vstack(
        _file_link(f),
        rx.text(
            t("support.file.given_by"),
            " ",
            f["given_by"],
            " (",
            role_text(f["given_by_role"].to(str)),
            ")",
            size="1",
        ),
        rx.text(
            f["given_at"],
            " · ",
            rx.cond(f["purpose"] == "opening", t("support.file.purpose.opening"), t("support.file.purpose.other")),
            size="1",
            color_scheme="gray",
        ),
        spacing="1",
        max_width="180px",
        data_testid="file-evidence",
    )


def _evidence(pieces: rx.Var) -> rx.Component:
    return section(
        "support.file.evidence",
        rx.cond(
            pieces.length() > 0,
            rx.flex(rx.foreach(pieces, _piece), gap="1em", wrap="wrap"),
            rx.text(t("support.file.evidence_none"), size="2", color_scheme="gray"),
        ),
    )


def _message(m: rx.Var) -> rx.Component:
    internal = m["visibility"] == "internal"
    return rx.box(
        rx.hstack(
            rx.text(m["author"], weight="medium", size="2"),
            rx.text(role_text(m["author_role"].to(str)), size="1", color_scheme="gray"),
            rx.cond(internal, rx.badge(t("support.note.internal"), color_scheme="amber")),
            rx.cond(m["kind"] == "assist", rx.badge(t("support.assist.badge"), color_scheme="blue")),
            rx.cond(m["channel"], rx.badge(m["channel"].to(str), color_scheme="gray")),
            rx.spacer(),
            rx.text(m["created_at"], size="1", color_scheme="gray"),
            width="100%",
            wrap="wrap",
            spacing="2",
        ),
        rx.text(m["body"], white_space="pre-wrap", size="2"),
        rx.flex(rx.foreach(m["files"].to(list[dict]), _file_link), gap="0.5em", wrap="wrap"),
        padding="0.5em 0.75em",
        border_left=rx.cond(internal, "3px solid var(--amber-9)", "3px solid var(--gray-a6)"),
        background=rx.cond(internal, "var(--amber-a2)", "transparent"),
        width="100%",
    )


def _deadline_row(d: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(deadline_name(d["kind"].to(str))),
        rx.table.cell(role_text(d["holder"].to(str))),
        rx.table.cell(d["due_at"]),
        rx.table.cell(rx.cond(d["met_at"], d["met_at"], "—")),
        rx.table.cell(deadline_badge(d["state"].to(str))),
        rx.table.cell(
            rx.cond(
                d["breached"].to(bool),
                rx.text(t("support.late_by"), " ", d["late_label"], color_scheme="red", size="2"),
                rx.text("—"),
            )
        ),
    )


def _proposal(p: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(solution_text(p["solution"].to(str)), weight="medium"),
            rx.cond(p["amount_label"], rx.text(p["amount_label"])),
            rx.badge(
                rx.match(
                    p["status"].to(str),
                    *[(k, t(f"support.proposal.{k}")) for k in _PROPOSAL_STATUSES],
                    p["status"].to(str),
                )
            ),
            rx.text(p["created_at"], size="1", color_scheme="gray"),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        rx.text(p["message"], size="2", white_space="pre-wrap"),
        rx.cond(
            p["refusal_reason"],
            rx.text(t("support.refusal"), " « ", p["refusal_reason"], " »", size="2", color_scheme="red"),
        ),
        rx.cond(
            p["refused_by_arbitration"].to(bool),
            rx.text(t("incidents.proposal.refused_by_arbitration"), size="2", color_scheme="purple"),
        ),
        width="100%",
    )


def _timeline_item(e: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(e["at"], size="1", color_scheme="gray", white_space="nowrap"),
        rx.text(e["label"], size="1", weight="medium"),
        rx.text(e["actor"], " (", role_text(e["actor_role"].to(str)), ")", size="1"),
        spacing="2",
        wrap="wrap",
    )


def _flag(f: rx.Var) -> rx.Component:
    return rx.hstack(
        status_badge(f),
        rx.text(f["reason_label"], weight="medium", size="2"),
        rx.text(f["details"], size="2"),
        rx.text(f["created_at"], size="1", color_scheme="gray"),
        spacing="2",
        wrap="wrap",
    )


def _assignment(file: rx.Var) -> rx.Component:
    inc = file["incident"].to(dict)
    in_arbitration = inc["state"] == "in_arbitration"
    return rx.cond(
        in_arbitration,
        rx.flex(
            rx.cond(
                inc["arbitrator_id"],
                rx.text(
                    t("support.queue.taken_by"), " ", inc["arbitrator_name"], weight="medium", data_testid="taken-by"
                ),
                rx.text(t("ball.waiting_arbitrator"), weight="medium"),
            ),
            rx.cond(
                ~inc["arbitrator_id"].to(bool) & file["neutral"].to(bool),
                rx.button(t("support.take"), on_click=ArbitrationCaseState.take),
            ),
            rx.cond(
                inc["mine"].to(bool),
                rx.button(t("support.release"), variant="soft", on_click=ArbitrationCaseState.release),
            ),
            rx.cond(
                inc["arbitrator_id"].to(bool) & (ArbitrationCaseState.arbitrator_choices.length() > 0),
                rx.hstack(
                    rx.el.select(
                        rx.el.option(t("support.reassign.choose"), value=""),
                        rx.foreach(
                            ArbitrationCaseState.arbitrator_choices, lambda a: rx.el.option(a["name"], value=a["id"])
                        ),
                        on_change=ArbitrationCaseState.set_reassign_to,
                        aria_label=t("support.reassign.choose"),
                        style={
                            "padding": "0.35em",
                            "borderRadius": "var(--radius-2)",
                            "border": "1px solid var(--gray-a7)",
                        },
                    ),
                    rx.button(t("support.reassign"), variant="soft", on_click=ArbitrationCaseState.reassign),
                    spacing="2",
                    align="center",
                ),
            ),
            rx.cond(
                (ArbitrationCaseState.error != "") & ~inc["mine"].to(bool),
                rx.callout(ArbitrationCaseState.error, color_scheme="red", icon="triangle_alert"),
            ),
            gap="0.75em",
            wrap="wrap",
            align="center",
        ),
    )


def _obligation_input(d: rx.Var) -> rx.Component:
    field_id = "due-" + d["kind"].to(str)
    return rx.flex(
        rx.vstack(
            rx.text(d["label"], weight="medium", size="2"),
            rx.text(
                role_text(d["holder"].to(str)),
                " · ",
                t("support.obligation.default"),
                " ",
                d["default"],
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.vstack(
            rx.el.label(t("support.obligation.own_due"), html_for=field_id, style={"fontSize": "var(--font-size-1)"}),
            rx.input(
                type="datetime-local",
                id=field_id,
                value=d["value"].to(str),
                on_change=lambda v: ArbitrationCaseState.set_due(d["kind"].to(str), v),
                size="1",
            ),
            spacing="1",
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="0.5em",
        width="100%",
    )


def decision_form(file: rx.Var) -> rx.Component:
    order = file["order"].to(dict)
    return section(
        "support.decision.form_title",
        rx.form(
            rx.vstack(
                rx.el.label(t("support.decision.outcome"), html_for="decision-outcome"),
                rx.el.select(
                    rx.el.option(t("support.decision.choose"), value=""),
                    *[rx.el.option(pick(*SOLUTION_LABELS[o]), value=o.value) for o in DecisionOutcome],
                    id="decision-outcome",
                    value=ArbitrationCaseState.outcome,
                    on_change=ArbitrationCaseState.set_outcome,
                    style={
                        "padding": "0.4em",
                        "borderRadius": "var(--radius-2)",
                        "border": "1px solid var(--gray-a7)",
                        "width": "100%",
                    },
                ),
                rx.cond(
                    ArbitrationCaseState.outcome == "refund_partial",
                    rx.vstack(
                        rx.el.label(t("support.decision.amount"), html_for="decision-amount"),
                        rx.input(
                            id="decision-amount",
                            value=ArbitrationCaseState.amount,
                            on_change=ArbitrationCaseState.set_amount,
                            inputmode="decimal",
                            placeholder="0,00",
                        ),
                        rx.text(
                            t("support.decision.refundable"),
                            " ",
                            order["refundable_label"],
                            size="1",
                            color_scheme="gray",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                ),
                rx.cond(
                    ArbitrationCaseState.drafts.length() > 0,
                    rx.vstack(
                        rx.text(t("support.decision.obligations"), weight="medium"),
                        rx.foreach(ArbitrationCaseState.drafts, _obligation_input),
                        spacing="2",
                        width="100%",
                    ),
                ),
                rx.el.label(t("support.decision.rationale"), html_for="decision-rationale"),
                rx.text_area(
                    id="decision-rationale",
                    value=ArbitrationCaseState.rationale,
                    on_change=ArbitrationCaseState.set_rationale,
                    rows="6",
                    width="100%",
                    placeholder=t("support.decision.rationale_hint"),
                ),
                rx.cond(
                    ArbitrationCaseState.error != "",
                    rx.callout(
                        ArbitrationCaseState.error,
                        color_scheme="red",
                        icon="triangle_alert",
                        width="100%",
                        data_testid="decision-error",
                    ),
                ),
                rx.button(t("support.decision.submit"), type="submit", size="3"),
                spacing="2",
                width="100%",
                align="stretch",
            ),
            on_submit=lambda _form: ArbitrationCaseState.ask_confirmation(file["incident"].to(dict)["version"].to(int)),
            width="100%",
        ),
        rx.alert_dialog.root(
            rx.alert_dialog.content(
                rx.alert_dialog.title(t("support.decision.confirm_title")),
                rx.alert_dialog.description(t("support.decision.confirm_text")),
                rx.flex(
                    rx.alert_dialog.cancel(
                        rx.button(
                            t("support.cancel"),
                            variant="soft",
                            color_scheme="gray",
                            on_click=ArbitrationCaseState.cancel_confirmation,
                        )
                    ),
                    rx.alert_dialog.action(
                        rx.button(
                            t("support.decision.confirm"), color_scheme="purple", on_click=ArbitrationCaseState.decide
                        )
                    ),
                    gap="0.75em",
                    justify="end",
                    margin_top="1em",
                ),
            ),
            open=ArbitrationCaseState.confirm_open,
        ),
        data_testid="decision-form",
    )


def case_file() -> rx.Component:
    file = ArbitrationCaseState.file
    inc, order, listing, ship, arb, decision = (
        file[k].to(dict) for k in ("incident", "order", "listing", "shipment", "arbitration", "decision")
    )
    return rx.vstack(
        rx.hstack(
            rx.heading(inc["reference"], size="6", as_="h1", font_family="monospace"),
            state_outline(inc["state"].to(str)),
            rx.text(pick(inc["type_fr"].to(str), inc["type_en"].to(str)), weight="medium"),
            rx.link(t("support.open_incident"), href=case_path(inc["reference"].to(str)), size="2"),
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        rx.cond(
            ArbitrationCaseState.notice != "",
            rx.callout(ArbitrationCaseState.notice, color_scheme="green", icon="check"),
        ),
        _assignment(file),
        rx.cond(
            arb,
            section(
                "support.file.request",
                rx.text(
                    t("support.queue.asked_by"),
                    " ",
                    role_text(arb["requester_role"].to(str)),
                    " (",
                    arb["requester_name"],
                    ") · ",
                    arb["requested_at"],
                    size="2",
                ),
                rx.text("« ", arb["reason"], " »", white_space="pre-wrap"),
                rx.hstack(
                    rx.text(t("support.statement.window"), size="2"), statement_window(arb), spacing="2", align="center"
                ),
                rx.cond(
                    arb["statement"],
                    rx.text(t("support.statement.text"), " « ", arb["statement"], " »", white_space="pre-wrap"),
                ),
                rx.cond(
                    arb["withdrawn_at"],
                    rx.badge(t("case.arbitration_withdrawn"), " ", arb["withdrawn_at"], color_scheme="purple"),
                ),
            ),
        ),
        rx.grid(
            section(
                "support.file.order",
                facts(
                    fact("support.file.order_ref", order["reference"]),
                    fact("support.file.placed", order["placed_at"]),
                    fact(
                        "support.file.customer",
                        rx.text(file["customer"].to(dict)["name"], " · ", file["customer"].to(dict)["email"]),
                    ),
                    fact("support.file.shop", file["shop"].to(dict)["name"]),
                    fact("support.file.total", order["total_label"]),
                    fact("support.file.refundable", order["refundable_label"]),
                ),
            ),
            section(
                "support.file.listing",
                rx.text(listing["title"], weight="medium"),
                rx.text(listing["sku"], " · ", listing["price_label"], size="1", color_scheme="gray"),
                rx.text(listing["description"], size="2", white_space="pre-wrap"),
            ),
            section(
                "support.file.shipment",
                rx.cond(
                    ship,
                    facts(
                        fact("support.file.carrier", ship["carrier"]),
                        fact("support.file.tracking", ship["tracking_number"]),
                        fact(
                            "support.file.shipment_state",
                            rx.match(
                                ship["state"].to(str),
                                *[(k, t(f"support.shipment.{k}")) for k in ("pending", "shipped", "delivered")],
                                ship["state"].to(str),
                            ),
                        ),
                        fact("support.file.shipped", ship["shipped_at"]),
                        fact("support.file.delivered", ship["delivered_at"]),
                    ),
                ),
                rx.foreach(
                    file["inquiries"].to(list[dict]),
                    lambda q: rx.text(
                        t("support.file.inquiry"),
                        " ",
                        q["carrier"],
                        " ",
                        q["reference"],
                        " · ",
                        q["opened_at"],
                        " — ",
                        rx.cond(q["outcome"], q["outcome"], t("support.file.inquiry_pending")),
                        size="2",
                    ),
                ),
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            gap="0.75em",
            width="100%",
        ),
        section("support.file.description", rx.text(inc["description"], white_space="pre-wrap")),
        _evidence(file["evidence"].to(list[dict])),
        section(
            "support.file.deadlines",
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(t(k))
                                for k in (
                                    "support.col.clock",
                                    "support.col.holder",
                                    "support.col.due",
                                    "support.col.met",
                                    "support.col.state",
                                    "support.col.breach",
                                )
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(file["deadlines"].to(list[dict]), _deadline_row)),
                    size="1",
                ),
                overflow_x="auto",
                width="100%",
            ),
        ),
        section("support.file.proposals", rx.foreach(file["proposals"].to(list[dict]), _proposal)),
        section("support.file.messages", rx.foreach(file["messages"].to(list[dict]), _message)),
        section(
            "support.file.flags",
            rx.foreach(file["flags"].to(list[dict]), _flag),
            rx.cond(file["flags"].to(list).length() == 0, rx.text("—")),
        ),
        section("support.file.timeline", rx.foreach(file["timeline"].to(list[dict]), _timeline_item)),
        rx.cond(
            decision,
            decision_card(
                pick(decision["outcome_fr"].to(str), decision["outcome_en"].to(str)),
                decision["amount_label"].to(str),
                decision["rationale"].to(str),
                decision["decided_at"].to(str),
                False,
            ),
            rx.cond(inc["mine"].to(bool) & (inc["state"] == "in_arbitration"), decision_form(file)),
        ),
        spacing="3",
        width="100%",
    )


@page(ROUTE, "Pixmania · Dossier d'arbitrage", roles=ARBITRATOR, on_load=[ArbitrationCaseState.load])
def arbitration_case_page() -> rx.Component:
    return app_shell(
        rx.cond(
            ArbitrationCaseState.missing,
            rx.callout(t("error.not_found"), color_scheme="red"),
            rx.cond(ArbitrationCaseState.file["incident"], case_file(), loading()),
        ),
        title=rx.cond(
            ArbitrationCaseState.file["incident"],
            ArbitrationCaseState.file["incident"].to(dict)["reference"].to(str) + " · " + t("arbitration.file_title"),
            "",
        ),
    )
