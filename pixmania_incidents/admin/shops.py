"""/admin/shops: shops, their calendars (jours ouvrables or ouvrés, Alsace-Moselle, closed days) and hours."""

import reflex as rx

from pixmania_incidents.admin.accounts import dialog_buttons, error_callout, table
from pixmania_incidents.admin.shops_state import ShopsState
from pixmania_incidents.shell.forms import form_field
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role


def _subdiv_label(value: rx.Var) -> rx.Component:
    return rx.match(value, ("57", t("admin.subdiv_57")), ("6AE", t("admin.subdiv_6AE")), t("admin.subdiv_none"))


def _shop_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="medium"), rx.text(row["address"], size="1", color_scheme="gray")),
        rx.table.cell(rx.match(row["calendar_kind"], ("ouvres", t("admin.kind_ouvres")), t("admin.kind_ouvrables"))),
        rx.table.cell(_subdiv_label(row["subdiv"])),
        rx.table.cell(row["closed_days"]),
        rx.table.cell(row["work_start"], "–", row["work_end"]),
        rx.table.cell(
            rx.button(t("admin.edit_shop"), size="1", variant="soft", on_click=ShopsState.edit_shop(row["id"]))
        ),
    )


def _controlled_select(field: str, options: list[tuple[str, rx.Var]], label: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label), weight="medium", size="2"),
        rx.select.root(
            rx.select.trigger(aria_label=field),
            rx.select.content(*[rx.select.item(text, value=value) for value, text in options]),
            value=ShopsState.shop_form[field],
            on_change=lambda v: ShopsState.set_shop_field(field, v),
        ),
        spacing="1",
    )


def _shop_dialog() -> rx.Component:
    form = ShopsState.shop_form
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(form["id"] == "", t("admin.new_shop"), t("admin.edit_shop"))),
            rx.form(
                rx.vstack(
                    form_field(
                        "name",
                        t("admin.col_name"),
                        required=True,
                        max_length=120,
                        default_value=form["name"],
                        id="shop-name",
                    ),
                    form_field("address", t("admin.address"), default_value=form["address"], id="shop-address"),
                    _controlled_select(
                        "calendar_kind",
                        [("ouvrables", t("admin.kind_ouvrables")), ("ouvres", t("admin.kind_ouvres"))],
                        "admin.col_calendar",
                    ),
                    _controlled_select(
                        "subdiv",
                        [
                            ("none", t("admin.subdiv_none")),
                            ("57", t("admin.subdiv_57")),
                            ("6AE", t("admin.subdiv_6AE")),
                        ],
                        "admin.col_subdiv",
                    ),
                    form_field(
                        "closed_days",
                        t("admin.col_closed_days"),
                        default_value=form["closed_days"],
                        id="shop-closed",
                        placeholder="2026-08-15, 2026-12-31",
                        hint=rx.text(t("admin.closed_days_help"), size="1", color_scheme="gray"),
                    ),
                    rx.hstack(
                        form_field(
                            "work_start",
                            t("admin.work_start"),
                            type="time",
                            default_value=form["work_start"],
                            id="shop-start",
                        ),
                        form_field(
                            "work_end", t("admin.work_end"), type="time", default_value=form["work_end"], id="shop-end"
                        ),
                        width="100%",
                    ),
                    error_callout(ShopsState.error),
                    dialog_buttons(),
                    spacing="3",
                ),
                on_submit=ShopsState.save_shop,
                key=form["id"],
            ),
        ),
        open=ShopsState.shop_dialog,
        on_open_change=ShopsState.set_shop_dialog,
    )


@page("/admin/shops", "Pixmania · Boutiques", roles=[Role.admin], on_load=[ShopsState.load])
def shops_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.hstack(
                rx.heading(t("admin.shops_title"), size="6", as_="h1"),
                rx.spacer(),
                rx.button(rx.icon("plus", size=16), t("admin.new_shop"), on_click=ShopsState.new_shop),
                width="100%",
                align="center",
            ),
            error_callout(ShopsState.error),
            rx.cond(ShopsState.notice == "saved", rx.callout(t("admin.saved"), icon="check", color_scheme="green")),
            table(
                [
                    "admin.col_name",
                    "admin.col_calendar",
                    "admin.col_subdiv",
                    "admin.col_closed_days",
                    "admin.col_hours",
                    "admin.col_actions",
                ],
                rx.foreach(ShopsState.shops, _shop_row),
            ),
            _shop_dialog(),
            spacing="4",
            width="100%",
        )
    )
