"""Above every page: a banner while the connection to the server is lost, and the notice of
an unexpected server error (`shell.failure`), both in the user's language.

Why replace Reflex's own overlay: Reflex 0.10 shows a pulsing wifi icon and, after two failed
attempts, an English toast ("Cannot connect to server: …. Check if server is reachable at
…"). The app installs `overlay()` in its place (`app_wraps[(5, "Overlay")]`).
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from pixmania_incidents.shell.failure import FailureState
from pixmania_incidents.shell.text import t


def offline_banner() -> rx.Component:
    """While the websocket is down; it goes by itself once Reflex has reconnected."""
    return rx.cond(
        has_connection_errors,
        rx.box(
            rx.hstack(
                rx.icon("wifi-off", size=18),
                rx.text(t("reliability.offline"), size="2", weight="medium"),
                spacing="2",
                align="center",
                justify="center",
            ),
            top="0",
            background="var(--amber-3)",
            border_bottom="1px solid var(--amber-7)",
            color="var(--amber-12)",
            role="status",
            data_testid="offline-banner",
            position="fixed",
            left="0",
            right="0",
            z_index="1000",
            padding="0.5em 1em",
        ),
    )


def failure_notice() -> rx.Component:
    """What failed, whether anything was saved, and the reference the server log holds: a card
    in the bottom corner, over as little of the page as possible, until the user closes it."""
    return rx.cond(
        FailureState.notice != "",
        rx.box(
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert", size=18)),
                rx.callout.text(
                    rx.vstack(
                        rx.text(FailureState.notice, weight="medium"),
                        rx.text(
                            t("reliability.reference_label"),
                            " ",
                            rx.code(FailureState.reference, data_testid="failure-reference"),
                            size="1",
                        ),
                        rx.button(t("reliability.close"), size="1", variant="soft", on_click=FailureState.dismiss),
                        spacing="2",
                        align="start",
                    )
                ),
                color_scheme="red",
                variant="surface",
                role="alert",
            ),
            # The callout's own background is translucent: the page must not show through.
            background="var(--color-panel-solid)",
            border_radius="var(--radius-3)",
            box_shadow="var(--shadow-5)",
            position="fixed",
            right="1em",
            bottom="1em",
            left=rx.breakpoints(initial="1em", sm="auto"),
            max_width="26em",
            z_index="1000",
            data_testid="failure-notice",
        ),
    )


def overlay() -> rx.Component:
    return rx.fragment(offline_banner(), failure_notice())
