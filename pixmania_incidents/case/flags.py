"""A listing flag as every page shows it (the product inbox, a listing, a case), with the
product team's answers and their confirmation dialog."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.flags_state import FlagActionsState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import MAX_TEXT, Role

STATUS_COLOURS = {"raised": "amber", "acknowledged": "blue", "fixed": "green", "rejected": "gray"}


def status_badge(flag: rx.Var) -> rx.Component:
    return rx.match(
        flag["status"],
        *[
            (s, rx.badge(flag["status_label"].to(str), color_scheme=c, variant="soft"))
            for s, c in STATUS_COLOURS.items()
        ],
        rx.badge(flag["status_label"].to(str)),
    )


def flag_meta(flag: rx.Var) -> rx.Component:
    """Who raised it, when, from which case (the read-only case view)."""
    return rx.hstack(
        rx.text(
            t("flags.raised_by"),
            " ",
            flag["raised_by"].to(str),
            " (",
            flag["raised_by_role"].to(str),
            ") · ",
            flag["when"].to(str),
            size="1",
            color_scheme="gray",
        ),
        rx.cond(
            flag["incident_href"].to(str) != "",
            rx.link(
                rx.icon("file-text", size=12),
                " ",
                flag["incident_reference"].to(str),
                href=flag["incident_href"].to(str),
                size="1",
            ),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
    )


def _actions(flag: rx.Var) -> rx.Component:
    title = flag["listing_title"].to(str)
    return rx.cond(
        (SessionState.user_role == Role.product) & flag["is_open"].to(bool),
        rx.hstack(
            rx.cond(
                flag["is_raised"].to(bool),
                rx.button(
                    t("flags.acknowledge"), size="1", variant="soft", on_click=FlagActionsState.acknowledge(flag["id"])
                ),
            ),
            rx.button(
                t("flags.mark_fixed"),
                size="1",
                color_scheme="green",
                on_click=FlagActionsState.open_dialog("fix", flag["id"], title),
            ),
            rx.button(
                t("flags.reject"),
                size="1",
                color_scheme="red",
                variant="soft",
                on_click=FlagActionsState.open_dialog("reject", flag["id"], title),
            ),
            spacing="2",
            wrap="wrap",
        ),
    )


def flag_card(flag: rx.Var, with_listing: bool = True) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                status_badge(flag),
                rx.text(flag["reason_label"].to(str), weight="bold", size="2"),
                *(
                    [
                        rx.link(flag["listing_title"].to(str), href=flag["listing_href"].to(str), size="2"),
                        rx.text(flag["shop_name"].to(str), " · ", flag["sku"].to(str), size="1", color_scheme="gray"),
                    ]
                    if with_listing
                    else []
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.box(
                rx.text(t("flags.what_is_wrong"), size="1", color_scheme="gray"),
                rx.text(flag["details"].to(str), size="2", white_space="pre-wrap"),
            ),
            flag_meta(flag),
            rx.cond(
                flag["note"].to(str) != "",
                rx.callout(
                    rx.text(flag["handled_by"].to(str), " : ", flag["note"].to(str)),
                    icon="message-square",
                    size="1",
                    color_scheme="gray",
                    width="100%",
                ),
            ),
            _actions(flag),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="flag-card",
        custom_attrs={"data-flag-id": flag["id"].to_string(), "data-status": flag["status"].to(str)},
    )


def flag_dialog() -> rx.Component:
    """Fix or reject: a note the raiser will read, confirmed, kept on refusal."""
    fixing = FlagActionsState.dialog == "fix"
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(rx.cond(fixing, t("flags.confirm_fixed"), t("flags.confirm_reject"))),
            rx.alert_dialog.description(FlagActionsState.dialog_title, " — ", t("flags.confirm_note"), size="2"),
            rx.form(
                rx.vstack(
                    rx.el.label(
                        rx.cond(fixing, t("flags.what_changed"), t("flags.why_rejected")),
                        html_for="flag-note",
                        style={"fontWeight": "500", "fontSize": "var(--font-size-2)"},
                    ),
                    rx.text_area(
                        id="flag-note", name="note", rows="4", width="100%", max_length=MAX_TEXT, required=True
                    ),
                    rx.cond(
                        FlagActionsState.error != "",
                        rx.callout(
                            FlagActionsState.error,
                            icon="triangle_alert",
                            color_scheme="red",
                            role="alert",
                            size="1",
                            width="100%",
                        ),
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(
                            rx.button(t("flags.cancel"), variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            rx.cond(fixing, t("flags.mark_fixed"), t("flags.reject")),
                            type="submit",
                            color_scheme=rx.cond(fixing, "green", "red"),
                        ),
                        justify="end",
                        spacing="2",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                    margin_top="0.75em",
                ),
                on_submit=FlagActionsState.confirm,
            ),
            max_width="480px",
        ),
        open=FlagActionsState.dialog != "",
        on_open_change=FlagActionsState.close_dialog,
    )
