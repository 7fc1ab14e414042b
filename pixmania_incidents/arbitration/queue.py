"""/arbitration: the requests waiting for an arbitrator, oldest first, and who took which."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.arbitration.queue_state import ArbitrationQueueState
from pixmania_incidents.shell.countdown import countdown
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import pick, t
from pixmania_incidents.vocabulary import Role

ARBITRATOR = [Role.arbitrator]


def role_text(role: rx.Var) -> rx.Component:
    return rx.match(role, *[(r.value, t(f"role.{r.value}")) for r in Role], role)


def statement_window(arb: rx.Var) -> rx.Component:
    return rx.cond(
        arb["statement_given"].to(bool),
        rx.badge(t("support.statement.given"), color_scheme="green"),
        rx.cond(
            arb["statement_open"].to(bool),
            rx.hstack(
                rx.badge(t("support.statement.open"), color_scheme="blue"),
                rx.text(countdown(arb["statement_due_at_iso"].to(str)), size="1"),
                spacing="2",
                align="center",
                data_testid="statement-open",
            ),
            rx.badge(t("support.statement.closed"), color_scheme="gray", data_testid="statement-closed"),
        ),
    )


def _queue_row(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.text(row["reference"], weight="bold", font_family="monospace"),
                    rx.text(pick(row["type_fr"].to(str), row["type_en"].to(str)), size="2"),
                    rx.text("· ", row["shop"], size="2", color_scheme="gray"),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                ),
                rx.text(
                    t("support.queue.asked_by"),
                    " ",
                    role_text(row["requester_role"].to(str)),
                    " (",
                    row["requester_name"],
                    ") · ",
                    row["requested_at"],
                    size="1",
                    color_scheme="gray",
                ),
                rx.text("« ", row["reason"], " »", size="2", white_space="pre-wrap"),
                rx.hstack(
                    rx.text(t("support.statement.window"), size="1"),
                    statement_window(row),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                spacing="1",
                align="start",
                flex="1",
                min_width="0",
            ),
            rx.vstack(
                rx.cond(
                    row["arbitrator_name"] != "",
                    rx.vstack(
                        rx.text(t("support.queue.taken_by"), " ", row["arbitrator_name"], size="2"),
                        rx.cond(
                            row["decision_due_at_iso"], rx.text(countdown(row["decision_due_at_iso"].to(str)), size="1")
                        ),
                        spacing="1",
                        align="end",
                    ),
                    rx.cond(
                        row["neutral"].to(bool),
                        rx.button(
                            t("support.take"), on_click=ArbitrationQueueState.take(row["incident_id"].to(int)), size="2"
                        ),
                        rx.text(t("support.not_neutral"), size="1", color_scheme="gray"),
                    ),
                ),
                rx.link(t("support.open_file"), href="/arbitration/" + row["incident_id"].to(str), size="2"),
                spacing="2",
                align="end",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="0.75em",
            width="100%",
        ),
        width="100%",
        data_testid="arbitration-row",
        data_reference=row["reference"],
    )


@page("/arbitration", "Pixmania · Arbitrage", roles=ARBITRATOR, on_load=[ArbitrationQueueState.load])
def arbitration_queue_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("support.arbitration.title"), size="7", as_="h1"),
            rx.text(t("support.arbitration.intro"), color_scheme="gray", size="2"),
            rx.cond(
                ArbitrationQueueState.error != "",
                rx.callout(ArbitrationQueueState.error, color_scheme="red", icon="triangle_alert"),
            ),
            rx.foreach(ArbitrationQueueState.rows, _queue_row),
            rx.cond(
                ArbitrationQueueState.rows.length() == 0, rx.text(t("support.arbitration.empty"), color_scheme="gray")
            ),
            spacing="3",
            width="100%",
        )
    )
