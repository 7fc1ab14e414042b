"""`/flags`: the product team's live inbox of listing-correction flags.

Also imports the notification bell, which adds itself to every logged-in page's header.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.components import bell  # noqa: F401 - registers the header bell
from pixmania_incidents.components.shell import app_shell
from pixmania_incidents.components.text import t
from pixmania_incidents.models import Role
from pixmania_incidents.pages.registry import page
from pixmania_incidents.state.flags import FILTERS, FlagInboxState as S
from pixmania_incidents.state.session import SessionState

STATUS_COLOURS = {"raised": "amber", "acknowledged": "blue", "fixed": "green", "rejected": "gray"}


def status_badge(flag: rx.Var) -> rx.Component:
    return rx.match(
        flag["status"],
        *[(s, rx.badge(flag["status_label"].to(str), color_scheme=c, variant="soft")) for s, c in STATUS_COLOURS.items()],
        rx.badge(flag["status_label"].to(str)),
    )


def flag_meta(flag: rx.Var) -> rx.Component:
    """Who raised it, when, from which case (the read-only case view)."""
    return rx.hstack(
        rx.text(t("flags.raised_by"), " ", flag["raised_by"].to(str), " (", flag["raised_by_role"].to(str), ") · ",
                flag["when"].to(str), size="1", color_scheme="gray"),
        rx.cond(flag["incident_href"].to(str) != "",
                rx.link(rx.icon("file-text", size=12), " ", flag["incident_reference"].to(str),
                        href=flag["incident_href"].to(str), size="1")),
        spacing="2",
        wrap="wrap",
        align="center",
    )


def _actions(flag: rx.Var) -> rx.Component:
    title = flag["listing_title"].to(str)
    return rx.cond(
        (SessionState.user_role == Role.product) & flag["is_open"].to(bool),
        rx.hstack(
            rx.cond(flag["is_raised"].to(bool),
                    rx.button(t("flags.acknowledge"), size="1", variant="soft", on_click=S.acknowledge(flag["id"]))),
            rx.button(t("flags.mark_fixed"), size="1", color_scheme="green", on_click=S.open_dialog("fix", flag["id"], title)),
            rx.button(t("flags.reject"), size="1", color_scheme="red", variant="soft",
                      on_click=S.open_dialog("reject", flag["id"], title)),
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
                *([rx.link(flag["listing_title"].to(str), href=flag["listing_href"].to(str), size="2"),
                   rx.text(flag["shop_name"].to(str), " · ", flag["sku"].to(str), size="1", color_scheme="gray")]
                  if with_listing else []),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.box(rx.text(t("flags.what_is_wrong"), size="1", color_scheme="gray"),
                   rx.text(flag["details"].to(str), size="2", white_space="pre-wrap")),
            flag_meta(flag),
            rx.cond(
                flag["note"].to(str) != "",
                rx.callout(rx.text(flag["handled_by"].to(str), " : ", flag["note"].to(str)), icon="message-square",
                           size="1", color_scheme="gray", width="100%"),
            ),
            _actions(flag),
            spacing="2",
            width="100%",
        ),
        width="100%",
        class_name="flag-card",
        custom_attrs={"data-flag-id": flag["id"].to_string(), "data-status": flag["status"].to(str)},
    )


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


def _dialog() -> rx.Component:
    """Fix or reject: a note the raiser will read, confirmed, kept on refusal."""
    fixing = S.dialog == "fix"
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(rx.cond(fixing, t("flags.confirm_fixed"), t("flags.confirm_reject"))),
            rx.alert_dialog.description(S.dialog_title, " — ", t("flags.confirm_note"), size="2"),
            rx.form(
                rx.vstack(
                    rx.el.label(rx.cond(fixing, t("flags.what_changed"), t("flags.why_rejected")), html_for="flag-note",
                                style={"fontWeight": "500", "fontSize": "var(--font-size-2)"}),
                    rx.text_area(id="flag-note", name="note", rows="4", width="100%", max_length=4000, required=True),
                    rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red", role="alert",
                                                      size="1", width="100%")),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button(t("flags.cancel"), variant="soft", color_scheme="gray", type="button")),
                        rx.button(rx.cond(fixing, t("flags.mark_fixed"), t("flags.reject")), type="submit",
                                  color_scheme=rx.cond(fixing, "green", "red")),
                        justify="end",
                        spacing="2",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                    margin_top="0.75em",
                ),
                on_submit=S.confirm,
            ),
            max_width="480px",
        ),
        open=S.dialog != "",
        on_open_change=S.close_dialog,
    )


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.segmented_control.root(
            *[rx.segmented_control.item(t(f"flags.status.{f}"), value=f) for f in FILTERS],
            value=S.view_status,
            on_change=S.set_view_status,
            size="1",
        ),
        rx.el.label(
            rx.hstack(rx.switch(checked=S.grouped, on_change=S.set_grouped, id="group-by-listing"),
                      rx.text(t("flags.group_by_listing"), size="2"), spacing="2", align="center"),
            html_for="group-by-listing",
        ),
        spacing="4",
        wrap="wrap",
        align="center",
    )


@page("/flags", "Pixmania · Signalements", roles=[Role.product, Role.support, Role.arbitrator, Role.admin],
      on_load=[SessionState.guard, S.load])
def flags_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("flags.inbox_title"), size="6", as_="h1"),
            rx.text(t("flags.inbox_intro"), color_scheme="gray", size="2"),
            _toolbar(),
            rx.cond(S.list_error != "", rx.callout(S.list_error, icon="triangle_alert", color_scheme="red", role="alert",
                                                   width="100%")),
            rx.cond(
                S.rows.length() == 0,
                rx.text(t("flags.empty"), color_scheme="gray"),
                rx.cond(
                    S.grouped,
                    rx.vstack(rx.foreach(S.groups, _group), width="100%", spacing="3"),
                    rx.vstack(rx.foreach(S.rows, lambda f: flag_card(f)), width="100%", spacing="3", id="flag-list"),
                ),
            ),
            _dialog(),
            spacing="4",
            width="100%",
        )
    )
