"""`/listings/[listing_id]`: a listing, its flags and the incidents they point at (read-only,
without customer contact details or internal notes)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.case.flags import flag_card, flag_dialog
from pixmania_incidents.product.listing_state import ROUTE, ListingPageState
from pixmania_incidents.shell.failure import loading
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role

listing = ListingPageState.listing


def _case(case: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.link(case["reference"].to(str), href=case["href"].to(str), weight="bold"),
                rx.badge(case["state_label"].to(str), variant="soft"),
                rx.text(case["type_label"].to(str), size="2"),
                rx.text(case["when"].to(str), size="1", color_scheme="gray"),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.text(case["description"].to(str), size="2", white_space="pre-wrap"),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _listing() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), t("flags.back_to_inbox"), align="center", spacing="1"),
            href="/flags",
            size="2",
        ),
        rx.heading(listing["title"].to(str), size="6", as_="h1"),
        rx.hstack(
            rx.text(t("flags.shop"), " : ", listing["shop_name"].to(str), size="2"),
            rx.text(t("flags.listing_sku"), " : ", listing["sku"].to(str), size="2"),
            rx.text(t("flags.listing_price"), " : ", listing["price_label"].to(str), size="2"),
            spacing="4",
            wrap="wrap",
        ),
        rx.cond(
            listing["description"].to(str) != "", rx.text(listing["description"].to(str), size="2", color_scheme="gray")
        ),
        rx.grid(
            rx.vstack(
                rx.heading(t("flags.listing_flags"), size="4", as_="h2"),
                rx.foreach(listing["flags"].to(list[dict[str, Any]]), lambda f: flag_card(f, with_listing=False)),
                spacing="2",
                width="100%",
                min_width="0",
            ),
            rx.vstack(
                rx.heading(t("flags.listing_incidents"), size="4", as_="h2"),
                rx.cond(
                    listing["incidents"].to(list[dict[str, Any]]).length() > 0,
                    rx.foreach(listing["incidents"].to(list[dict[str, Any]]), _case),
                    rx.text(t("flags.listing_no_incidents"), color_scheme="gray", size="2"),
                ),
                spacing="2",
                width="100%",
                min_width="0",
            ),
            columns={"initial": "1", "md": "2"},
            spacing="4",
            width="100%",
        ),
        flag_dialog(),
        spacing="3",
        width="100%",
    )


@page(
    ROUTE,
    "Pixmania · Fiche produit",
    roles=[Role.product, Role.support, Role.arbitrator, Role.admin, Role.seller],
    on_load=[ListingPageState.load],
)
def listing_page() -> rx.Component:
    return app_shell(
        rx.cond(
            ListingPageState.missing,
            rx.card(rx.heading(t("error.not_found"), size="5", as_="h1"), data_testid="not-found"),
            rx.cond(listing["id"], _listing(), loading()),
        )
    )
