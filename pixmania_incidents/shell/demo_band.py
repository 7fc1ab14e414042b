"""The band every page shows while the demo accounts exist: whoever reads it knows the data is not real
and that anyone may log in with the published password."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.shell.demo_band_state import DemoBandState
from pixmania_incidents.shell.text import t


def demo_band() -> rx.Component:
    return rx.box(
        rx.cond(
            DemoBandState.shown,
            rx.hstack(
                rx.icon("flask-conical", size=16),
                rx.text(t("demo.band"), size="2", weight="medium"),
                align="center",
                justify="center",
                spacing="2",
                padding="0.35em 1em",
                background="var(--amber-4)",
                color="var(--amber-12)",
                border_bottom="1px solid var(--amber-7)",
                role="status",
            ),
        ),
        on_mount=DemoBandState.check,
    )
