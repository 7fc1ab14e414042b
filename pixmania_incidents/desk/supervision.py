"""/supervision: every incident, its deadline and whose move it is, for customer service."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.deadlines import OPEN_DEADLINE_STATES
from pixmania_incidents.desk.supervision_state import SupervisionState
from pixmania_incidents.policy import TYPES
from pixmania_incidents.shell.badges import ball_label, deadline_badge, outcome_note, state_outline
from pixmania_incidents.shell.countdown import countdown
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import pick, t
from pixmania_incidents.vocabulary import STAFF, SUPERVISION_QUEUES, IncidentState, case_path


def type_text(row: rx.Var) -> rx.Component:
    return pick(row["type_fr"], row["type_en"])


def _choice(name: str, label_key: str, options: list[tuple[str, rx.Var]]) -> rx.Component:
    field_id = f"sup-{name}"
    return rx.vstack(
        rx.el.label(t(label_key), html_for=field_id, style={"fontSize": "var(--font-size-1)", "fontWeight": "500"}),
        rx.el.select(
            rx.el.option(t("support.filter.any"), value=""),
            *[rx.el.option(label, value=value) for value, label in options],
            id=field_id,
            on_change=lambda v: SupervisionState.set_filter(name, v),
            style={
                "padding": "0.35em",
                "borderRadius": "var(--radius-2)",
                "border": "1px solid var(--gray-a7)",
                "background": "var(--color-background)",
                "minWidth": "10em",
            },
        ),
        spacing="1",
    )


def _shop_choice() -> rx.Component:
    return rx.vstack(
        rx.el.label(
            t("support.filter.shop"), html_for="sup-shop", style={"fontSize": "var(--font-size-1)", "fontWeight": "500"}
        ),
        rx.el.select(
            rx.el.option(t("support.filter.any"), value=""),
            rx.foreach(SupervisionState.shops, lambda s: rx.el.option(s["name"], value=s["id"])),
            id="sup-shop",
            on_change=lambda v: SupervisionState.set_filter("shop_id", v),
            style={
                "padding": "0.35em",
                "borderRadius": "var(--radius-2)",
                "border": "1px solid var(--gray-a7)",
                "background": "var(--color-background)",
                "minWidth": "10em",
            },
        ),
        spacing="1",
    )


def _date(name: str, label_key: str) -> rx.Component:
    field_id = f"sup-{name}"
    return rx.vstack(
        rx.el.label(t(label_key), html_for=field_id, style={"fontSize": "var(--font-size-1)", "fontWeight": "500"}),
        rx.input(type="date", id=field_id, on_change=lambda v: SupervisionState.set_filter(name, v), size="2"),
        spacing="1",
    )


def filters() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.el.label(
                t("support.filter.text"),
                html_for="sup-text",
                style={"fontSize": "var(--font-size-1)", "fontWeight": "500"},
            ),
            rx.input(
                id="sup-text",
                placeholder=t("support.filter.text_hint"),
                on_change=SupervisionState.set_text.debounce(400),
                min_width="14em",
                size="2",
            ),
            spacing="1",
        ),
        _choice("state", "support.filter.state", [(s.value, t(f"state.{s.value}")) for s in IncidentState]),
        _choice("type", "support.filter.type", [(c.value, pick(p.label_fr, p.label_en)) for c, p in TYPES.items()]),
        _shop_choice(),
        _choice("deadline_state", "support.filter.deadline", [(d, t(f"deadline.{d}")) for d in OPEN_DEADLINE_STATES]),
        _date("opened_from", "support.filter.opened_from"),
        _date("opened_to", "support.filter.opened_to"),
        gap="0.75em",
        wrap="wrap",
        align="end",
    )


def queues() -> rx.Component:
    counts = SupervisionState.result["counts"].to(dict[str, str])
    return rx.flex(
        *[
            rx.button(
                t(f"support.queue.{q}"),
                rx.badge(
                    counts[q],
                    variant="solid",
                    radius="full",
                    color_scheme=rx.cond(SupervisionState.queue == q, "gray", "indigo"),
                ),
                variant=rx.cond(SupervisionState.queue == q, "solid", "soft"),
                size="2",
                on_click=SupervisionState.set_queue(q),
                data_testid=f"queue-{q}",
            )
            for q in SUPERVISION_QUEUES
        ],
        gap="0.5em",
        wrap="wrap",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.card(
            rx.flex(
                rx.vstack(
                    rx.hstack(
                        rx.text(row["reference"], weight="bold", font_family="monospace", size="2"),
                        state_outline(row["state"]),
                        outcome_note(row["outcome"]),
                        rx.cond(
                            row["help_requested"].to(bool), rx.badge(t("support.help_badge"), color_scheme="amber")
                        ),
                        spacing="2",
                        wrap="wrap",
                        align="center",
                    ),
                    rx.text(type_text(row), size="2", weight="medium"),
                    rx.text(row["shop"], " · ", row["customer"], " · ", row["listing"], size="1", color_scheme="gray"),
                    rx.cond(
                        row["agent"] != "",
                        rx.text(
                            t("support.taken_by"), " ", row["agent"], size="1", weight="medium", data_testid="row-agent"
                        ),
                    ),
                    spacing="1",
                    align="start",
                    min_width="0",
                    flex="1",
                ),
                rx.vstack(
                    rx.cond(
                        row["state"] != "closed",
                        rx.hstack(
                            rx.text(
                                ball_label(
                                    rx.cond(
                                        row["waiting_arbitrator"].to(bool), "waiting_arbitrator", row["ball"].to(str)
                                    )
                                ),
                                size="1",
                                weight="medium",
                            ),
                            rx.cond(row["arbitrator"] != "", rx.text("(", row["arbitrator"], ")", size="1")),
                            spacing="1",
                            wrap="wrap",
                        ),
                    ),
                    rx.cond(
                        row["next_due_at"] != "",
                        rx.hstack(
                            rx.text(countdown(row["next_due_at"].to(str)), size="2", weight="bold"),
                            deadline_badge(row["deadline_state"].to(str)),
                            spacing="2",
                            align="center",
                        ),
                    ),
                    rx.text(t("support.opened"), " ", row["opened_when"], size="1", color_scheme="gray"),
                    spacing="1",
                    align="end",
                ),
                gap="0.75em",
                direction=rx.breakpoints(initial="column", sm="row"),
                justify="between",
                width="100%",
            ),
            size="1",
            width="100%",
        ),
        href=case_path(row["reference"].to(str)),
        underline="none",
        color="inherit",
        width="100%",
        data_testid="supervision-row",
        data_reference=row["reference"],
    )


def pager() -> rx.Component:
    result = SupervisionState.result
    current = result["page"].to(int)
    return rx.hstack(
        rx.button(
            t("support.previous"),
            variant="soft",
            size="2",
            disabled=current <= 1,
            on_click=SupervisionState.go_to(current - 1),
        ),
        rx.text(
            t("support.page"),
            " ",
            current,
            " / ",
            result["pages"],
            " · ",
            result["total_label"],
            " ",
            t("support.incidents"),
            size="2",
            data_testid="supervision-total",
        ),
        rx.button(
            t("support.next"),
            variant="soft",
            size="2",
            disabled=current >= result["pages"].to(int),
            on_click=SupervisionState.go_to(current + 1),
        ),
        spacing="3",
        align="center",
        justify="center",
        width="100%",
        wrap="wrap",
    )


@page("/supervision", "Pixmania · Supervision", roles=STAFF, on_load=[SupervisionState.load])
def supervision_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("support.supervision.title"), size="7", as_="h1"),
            rx.text(t("support.supervision.intro"), color_scheme="gray", size="2"),
            queues(),
            filters(),
            rx.cond(
                SupervisionState.result["error"] != "",
                rx.callout(SupervisionState.result["error"].to(str), color_scheme="red", icon="triangle_alert"),
            ),
            rx.vstack(rx.foreach(SupervisionState.result["rows"].to(list[dict]), _row), spacing="2", width="100%"),
            rx.cond(SupervisionState.result["total"].to(int) == 0, rx.text(t("support.empty"), color_scheme="gray")),
            pager(),
            spacing="4",
            width="100%",
        )
    )
