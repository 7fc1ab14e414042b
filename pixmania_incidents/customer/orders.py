"""`/orders`: every order of the customer with its lines, shop, shipment and tracking, and
"Signaler un problème" on each line (disabled, with the reason, when it cannot be used)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.customer.orders_state import OrdersState
from pixmania_incidents.shell.badges import state_badge
from pixmania_incidents.shell.forms import button_link
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role

SHIPMENT_COLOURS = {"pending": "gray", "shipped": "blue", "delivered": "green"}


def _rows(var: rx.Var) -> rx.Var:
    """A list inside an order row, typed so `rx.foreach` can walk it."""
    return var.to(list[dict[str, Any]])


def _shipment(order: rx.Var) -> rx.Component:
    state = order["shipment_state"].to(str)
    return rx.hstack(
        rx.match(
            state,
            *[
                (s, rx.badge(t(f"customer.shipment.{s}"), color_scheme=c, variant="soft"))
                for s, c in SHIPMENT_COLOURS.items()
            ],
            rx.badge(state),
        ),
        rx.cond(
            order["tracking_number"] != "",
            rx.text(
                order["carrier"], " · ", t("customer.orders.tracking"), " ", rx.code(order["tracking_number"]), size="2"
            ),
        ),
        rx.cond(
            order["delivered_when"] != "",
            rx.text(t("customer.orders.delivered_on"), " ", order["delivered_when"], size="2", color_scheme="gray"),
            rx.cond(
                order["shipped_when"] != "",
                rx.text(t("customer.orders.shipped_on"), " ", order["shipped_when"], size="2", color_scheme="gray"),
            ),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _incident_link(incident: rx.Var) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.text(incident["reference"], size="1"),
            state_badge(incident["state"].to(str), size="1"),
            spacing="1",
            align="center",
        ),
        href=incident["url"].to(str),
        underline="none",
    )


def _line(line: rx.Var) -> rx.Component:
    blocked = line["blocked"].to(str)
    return rx.flex(
        rx.vstack(
            rx.text(line["title"], weight="medium"),
            rx.text(
                t("customer.orders.quantity"),
                " ",
                line["quantity"].to(str),
                " · ",
                line["total_label"],
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                _rows(line["incidents"]).length() > 0,
                rx.hstack(rx.foreach(_rows(line["incidents"]), _incident_link), spacing="2", wrap="wrap"),
            ),
            spacing="1",
            align="start",
        ),
        rx.spacer(),
        rx.vstack(
            rx.cond(
                blocked == "",
                button_link(
                    rx.icon("flag", size=14),
                    t("customer.orders.report"),
                    href=line["report_url"].to(str),
                    size="2",
                    variant="soft",
                ),
                rx.button(
                    rx.icon("flag", size=14), t("customer.orders.report"), size="2", variant="soft", disabled=True
                ),
            ),
            rx.cond(
                blocked != "",
                rx.text(
                    rx.match(
                        blocked,
                        *[(k, t(k)) for k in ("customer.orders.not_shipped", "customer.orders.nothing_to_open")],
                        "",
                    ),
                    size="1",
                    color_scheme="gray",
                    max_width="16em",
                ),
            ),
            align="end",
            spacing="1",
        ),
        direction={"initial": "column", "sm": "row"},
        gap="2",
        padding_y="0.6em",
        border_top="1px solid var(--gray-a4)",
        width="100%",
        data_testid="order-line",
    )


def _order(order: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(order["reference"], size="3", as_="h2"),
                rx.text(order["shop"], weight="medium"),
                rx.spacer(),
                rx.text(t("customer.orders.placed_on"), " ", order["placed_when"], size="2", color_scheme="gray"),
                align="center",
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            _shipment(order),
            rx.foreach(_rows(order["lines"]), _line),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="order",
    )


@page("/orders", "Pixmania · Mes commandes", roles=[Role.customer.value], on_load=[OrdersState.load])
def orders_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("customer.orders.title"), size="6", as_="h1"),
            rx.cond(
                OrdersState.orders.length() > 0,
                rx.foreach(OrdersState.orders, _order),
                rx.text(t("customer.orders.empty"), color_scheme="gray"),
            ),
            spacing="4",
            width="100%",
        )
    )
