"""The order's parcel beside the case, for the shop, customer service and the arbitrator:
checking delivery is the first step of the "non reçu" playbook."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.header import view
from pixmania_incidents.shell.text import t


def _fact(label_key: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(t(label_key)),
        rx.data_list.value(rx.cond(value != "", value, t("case.parcel.none")), data_testid=testid),
    )


def _event(event: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(event.label, size="2", weight="medium"),
        rx.text(event.when, size="1", color_scheme="gray"),
        spacing="2",
        align="baseline",
        wrap="wrap",
        data_testid="parcel-event",
    )


def parcel_section() -> rx.Component:
    parcel = view.parcel
    return rx.cond(
        parcel,
        rx.card(
            rx.hstack(
                rx.heading(t("case.parcel.title"), size="3", as_="h2"),
                rx.badge(parcel.state_label, variant="soft", data_testid="parcel-state"),
                spacing="2",
                align="center",
                wrap="wrap",
                margin_bottom="0.5em",
            ),
            rx.data_list.root(
                _fact("case.parcel.carrier", parcel.carrier, "parcel-carrier"),
                _fact("case.parcel.tracking", parcel.tracking_number, "parcel-tracking"),
                _fact("case.parcel.shipped", parcel.shipped_when, "parcel-shipped"),
                _fact("case.parcel.delivered", parcel.delivered_when, "parcel-delivered"),
                orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
                size="2",
            ),
            rx.text(t("case.parcel.events"), size="2", weight="bold", margin_top="0.75em", as_="div"),
            rx.cond(
                parcel.events.length() > 0,
                rx.vstack(rx.foreach(parcel.events, _event), spacing="1"),
                rx.text(t("case.parcel.no_events"), size="1", color_scheme="gray"),
            ),
            width="100%",
            data_testid="parcel",
        ),
    )
