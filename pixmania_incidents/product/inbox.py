"""`/flags`: the product team's live inbox of listing-correction flags."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.case.flags import flag_card, flag_dialog
from pixmania_incidents.case.flags_state import FlagActionsState
from pixmania_incidents.product.inbox_state import FILTERS, FlagInboxState
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role


def _group(group: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.link(rx.heading(group["listing_title"].to(str), size="4", as_="h2"), href=group["listing_href"].to(str)),
            rx.badge(group["open_count"].to_string(), " ", t("flags.open_count"), color_scheme="amber"),
            rx.badge(group["count"].to_string(), " ", t("flags.flags_count"), variant="outline"),
            rx.text(group["shop_name"].to(str), " · ", group["sku"].to(str), size="1", color_scheme="gray"),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        rx.foreach(group["flags"].to(list[dict[str, Any]]), lambda f: flag_card(f, with_listing=False)),
        spacing="2",
        width="100%",
        padding_bottom="1em",
    )


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.segmented_control.root(
            *[rx.segmented_control.item(t(f"flags.status.{f}"), value=f) for f in FILTERS],
            value=FlagInboxState.view_status,
            on_change=FlagInboxState.set_view_status,
            size="1",
        ),
        rx.el.label(
            rx.hstack(
                rx.switch(checked=FlagInboxState.grouped, on_change=FlagInboxState.set_grouped, id="group-by-listing"),
                rx.text(t("flags.group_by_listing"), size="2"),
                spacing="2",
                align="center",
            ),
            html_for="group-by-listing",
        ),
        spacing="4",
        wrap="wrap",
        align="center",
    )


@page(
    "/flags",
    "Pixmania · Signalements",
    roles=[Role.product, Role.support, Role.arbitrator, Role.admin],
    on_load=[FlagActionsState.reset_answers, FlagInboxState.load],
)
def flags_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("flags.inbox_title"), size="6", as_="h1"),
            rx.text(t("flags.inbox_intro"), color_scheme="gray", size="2"),
            _toolbar(),
            rx.cond(
                FlagActionsState.list_error != "",
                rx.callout(
                    FlagActionsState.list_error, icon="triangle_alert", color_scheme="red", role="alert", width="100%"
                ),
            ),
            rx.cond(
                FlagInboxState.rows.length() == 0,
                rx.text(t("flags.empty"), color_scheme="gray"),
                rx.cond(
                    FlagInboxState.grouped,
                    rx.vstack(rx.foreach(FlagInboxState.groups, _group), width="100%", spacing="3"),
                    rx.vstack(
                        rx.foreach(FlagInboxState.rows, lambda f: flag_card(f)),
                        width="100%",
                        spacing="3",
                        id="flag-list",
                    ),
                ),
            ),
            flag_dialog(),
            spacing="4",
            width="100%",
        )
    )
