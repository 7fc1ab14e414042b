"""The product team's side of a flagged case: read-only — the flags raised from it and
the listing they concern (the case view itself hides contact details and internal notes)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.components.case_header import V
from pixmania_incidents.components.panels import panel
from pixmania_incidents.components.text import t
from pixmania_incidents.pages.flags import flag_card
from pixmania_incidents.state.flags import ProductCaseState


@panel("product")
def product_panel() -> rx.Component:
    listing = V["listing"].to(dict[str, Any])
    return rx.card(
        rx.vstack(
            rx.heading(t("flags.panel_title"), size="4", as_="h2"),
            rx.link(rx.hstack(rx.icon("package", size=14), listing["title"].to(str), align="center", spacing="1"),
                    href="/listings/" + listing["id"].to_string()),
            rx.text(t("flags.view_listing"), size="1", color_scheme="gray"),
            rx.heading(t("flags.panel_flags"), size="3", as_="h3"),
            rx.foreach(ProductCaseState.case_flags, lambda f: flag_card(f, with_listing=False)),
            rx.link(t("flags.back_to_inbox"), href="/flags", size="2"),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )
