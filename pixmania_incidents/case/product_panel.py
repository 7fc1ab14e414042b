"""The product team's side of a flagged case: read-only — the flags raised from it and
the listing they concern (the case view itself hides contact details and internal notes)."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.flags import flag_card, flag_dialog
from pixmania_incidents.case.header import view
from pixmania_incidents.case.product_state import ProductCaseState
from pixmania_incidents.shell.text import t


def product_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("flags.panel_title"), size="4", as_="h2"),
            rx.link(
                rx.hstack(rx.icon("package", size=14), view.listing_title, align="center", spacing="1"),
                href="/listings/" + view.listing_id.to_string(),
            ),
            rx.text(t("flags.view_listing"), size="1", color_scheme="gray"),
            rx.heading(t("flags.panel_flags"), size="3", as_="h3"),
            rx.foreach(ProductCaseState.case_flags, lambda f: flag_card(f, with_listing=False)),
            rx.link(t("flags.back_to_inbox"), href="/flags", size="2"),
            flag_dialog(),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )
