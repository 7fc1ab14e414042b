"""The notification bell in every logged-in page's header: unread count, a list, mark read."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.shell.bell_state import BellState
from pixmania_incidents.shell.text import filled, t


def _item(item: rx.Var) -> rx.Component:
    unread = item["unread"].to(bool)
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            border_radius="50%",
            flex_shrink="0",
            margin_top="6px",
            background=rx.cond(unread, "var(--accent-9)", "transparent"),
        ),
        rx.vstack(
            rx.link(
                item["text"].to(str),
                href=item["link"].to(str),
                on_click=BellState.mark_read(item["id"]),
                weight=rx.cond(unread, "bold", "regular"),
                size="2",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.text(item["when"].to(str), size="1", color_scheme="gray"),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.cond(
            unread,
            rx.icon_button(
                rx.icon("check", size=14),
                size="1",
                variant="ghost",
                aria_label=t("mail.bell.mark_read"),
                title=t("mail.bell.mark_read"),
                on_click=BellState.mark_read(item["id"]),
            ),
        ),
        spacing="2",
        align="start",
        width="100%",
        padding_y="0.35em",
        border_bottom="1px solid var(--gray-a3)",
        class_name="bell-item",
    )


def bell() -> rx.Component:
    count = BellState.unread
    return rx.box(
        rx.popover.root(
            rx.popover.trigger(
                rx.button(
                    rx.icon("bell", size=18),
                    rx.cond(count > 0, rx.badge(count, color_scheme="red", variant="solid", radius="full", size="1")),
                    variant="ghost",
                    size="2",
                    # The name says what the visible count means (axe: label-content-name-mismatch).
                    aria_label=rx.cond(count > 0, filled("mail.bell.unread_count", n=count), t("mail.bell.open")),
                    custom_attrs={"data-count": count.to_string()},
                    id="bell-button",
                ),
            ),
            rx.popover.content(
                rx.vstack(
                    rx.hstack(
                        rx.heading(t("mail.bell.title"), size="3", as_="h2"),
                        rx.spacer(),
                        rx.cond(
                            count > 0,
                            rx.button(
                                t("mail.bell.mark_all"), size="1", variant="soft", on_click=BellState.mark_all_read
                            ),
                        ),
                        width="100%",
                        align="center",
                    ),
                    rx.cond(
                        BellState.items.length() > 0,
                        rx.foreach(BellState.items, _item),
                        rx.text(t("mail.bell.empty"), size="2", color_scheme="gray"),
                    ),
                    spacing="2",
                    width="100%",
                ),
                width="min(380px, 92vw)",
                max_height="70vh",
                overflow_y="auto",
            ),
        ),
        on_mount=BellState.link,
    )
