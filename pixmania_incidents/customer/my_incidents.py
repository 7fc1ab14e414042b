"""`/incidents`: the customer's incidents with their state, type, shop, whose move it is
and the nearest deadline ticking in the browser; live through the customer's own room."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.customer.my_incidents_state import MyIncidentsState
from pixmania_incidents.shell.badges import ball_label, deadline_badge, outcome_note, state_badge
from pixmania_incidents.shell.countdown import countdown
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role


def _row(row: rx.Var) -> rx.Component:
    active = row["state"].to(str) != "closed"
    return rx.link(
        rx.card(
            rx.flex(
                rx.vstack(
                    rx.hstack(
                        rx.text(row["reference"], weight="bold"),
                        state_badge(row["state"].to(str)),
                        outcome_note(row["outcome"]),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.text(row["type_label"], " · ", row["listing_title"], size="2"),
                    rx.text(
                        row["shop"],
                        " · ",
                        t("customer.mine.updated"),
                        " ",
                        row["updated_when"],
                        size="1",
                        color_scheme="gray",
                    ),
                    spacing="1",
                    align="start",
                ),
                rx.spacer(),
                rx.cond(
                    active,
                    rx.vstack(
                        rx.text(ball_label(row["ball"].to(str)), size="2", weight="medium"),
                        rx.cond(
                            row["next_due_at"],
                            rx.hstack(
                                rx.text(countdown(row["next_due_at"].to(str)), size="2"),
                                deadline_badge(row["deadline_state"].to(str)),
                                spacing="2",
                                align="center",
                            ),
                        ),
                        spacing="1",
                        align="end",
                    ),
                ),
                direction={"initial": "column", "sm": "row"},
                gap="2",
                width="100%",
            ),
            width="100%",
        ),
        href=row["url"].to(str),
        underline="none",
        color="inherit",
        width="100%",
        data_testid="my-incident",
    )


@page("/incidents", "Pixmania · Mes incidents", roles=[Role.customer.value], on_load=[MyIncidentsState.load])
def my_incidents_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("customer.mine.title"), size="6", as_="h1"),
            rx.cond(
                MyIncidentsState.rows.length() > 0,
                rx.vstack(rx.foreach(MyIncidentsState.rows, _row), spacing="2", width="100%"),
                rx.vstack(
                    rx.text(t("customer.mine.empty"), color_scheme="gray"),
                    rx.link(t("customer.orders.title"), href="/orders"),
                ),
            ),
            spacing="4",
            width="100%",
        )
    )
