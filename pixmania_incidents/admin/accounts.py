"""Administration: accounts (create, attach to a shop, deactivate, temporary password) and shops."""

import reflex as rx

from pixmania_incidents.components.shell import app_shell, form_field
from pixmania_incidents.components.text import t
from pixmania_incidents.models import Role
from pixmania_incidents.pages.registry import page
from pixmania_incidents.vocabulary import ACCOUNT_ROLES as STAFF_ROLES
from pixmania_incidents.state.admin import AdminState


def _dialog_buttons() -> rx.Component:
    return rx.hstack(
        rx.dialog.close(rx.button(t("admin.cancel"), variant="soft", color_scheme="gray", type="button")),
        rx.button(t("admin.save"), type="submit"),
        justify="end",
        width="100%",
    )


def _error() -> rx.Component:
    return rx.cond(AdminState.error != "", rx.callout(AdminState.error, icon="triangle_alert", color_scheme="red", role="alert"))


def _role_label(role: rx.Var) -> rx.Component:
    return rx.match(role, *[(r.value, t(f"role.{r.value}")) for r in Role], role)


def _shop_select(row: rx.Var) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=t("admin.col_shop")),
        rx.select.content(rx.foreach(AdminState.shops, lambda s: rx.select.item(s["name"], value=s["id"]))),
        value=row["shop_id"],
        on_change=lambda shop_id: AdminState.attach(row["id"], shop_id),
        size="1",
    )


def _account_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["name"]),
        rx.table.cell(row["email"]),
        rx.table.cell(_role_label(row["role"])),
        rx.table.cell(rx.cond(row["role"] == Role.seller.value, _shop_select(row), t("admin.no_shop"))),
        rx.table.cell(rx.cond(row["active"] != "", rx.badge(t("admin.active"), color_scheme="green"),
                              rx.badge(t("admin.inactive"), color_scheme="gray"))),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    row["active"] != "",
                    rx.button(t("admin.deactivate"), size="1", color_scheme="red", variant="soft",
                              on_click=AdminState.ask("deactivate", row["id"])),
                    rx.button(t("admin.reactivate"), size="1", variant="soft", on_click=AdminState.reactivate(row["id"])),
                ),
                rx.button(t("admin.temp_password"), size="1", variant="soft", on_click=AdminState.ask("temp_password", row["id"])),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def _create_account_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("user-plus", size=16), t("admin.new_account"))),
        rx.dialog.content(
            rx.dialog.title(t("admin.new_account")),
            rx.form(
                rx.vstack(
                    form_field("name", t("admin.col_name"), required=True, max_length=120, id="account-name"),
                    form_field("email", t("admin.col_email"), type="email", required=True, id="account-email"),
                    rx.text(t("admin.col_role"), weight="medium", size="2"),
                    rx.select.root(
                        rx.select.trigger(aria_label="role"),
                        rx.select.content(*[rx.select.item(t(f"role.{r}"), value=str(r)) for r in STAFF_ROLES]),
                        value=AdminState.new_role,
                        on_change=AdminState.set_new_role,
                    ),
                    rx.cond(
                        AdminState.new_role == Role.seller.value,
                        rx.vstack(
                            rx.text(t("admin.col_shop"), weight="medium", size="2"),
                            rx.el.select(
                                rx.foreach(AdminState.shops, lambda s: rx.el.option(s["name"], value=s["id"])),
                                name="shop_id",
                                style={"padding": "0.4em"},
                            ),
                            spacing="1",
                        ),
                    ),
                    _error(),
                    _dialog_buttons(),
                    spacing="3",
                ),
                on_submit=AdminState.create_account,
            ),
        ),
        open=AdminState.account_dialog,
        on_open_change=AdminState.set_account_dialog,
    )


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(AdminState.confirm_name),
            rx.alert_dialog.description(
                rx.cond(AdminState.confirm_action == "deactivate", t("admin.confirm_deactivate"), t("admin.confirm_temp_password"))
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("admin.cancel"), variant="soft", color_scheme="gray",
                                                 on_click=AdminState.cancel_confirm)),
                rx.alert_dialog.action(rx.button(t("admin.confirm"), color_scheme="red", on_click=AdminState.confirm)),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=AdminState.confirm_action != "",
    )


def _temp_password_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("admin.temp_password")),
            rx.text(AdminState.temp_for, color_scheme="gray"),
            rx.code(AdminState.temp_password, size="5", margin_y="0.75em", style={"userSelect": "all"}),
            rx.text(t("admin.temp_password_shown_once"), size="2"),
            rx.hstack(rx.button(t("admin.close"), on_click=AdminState.forget_temp_password), justify="end", margin_top="1em"),
        ),
        open=AdminState.temp_password != "",
    )


def _table(headers: list[str], rows: rx.Component) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h)) for h in headers])),
            rx.table.body(rows),
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


@page("/admin/accounts", "Pixmania · Comptes", roles=[Role.admin], on_load=[AdminState.guard, AdminState.load])
def accounts_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.hstack(rx.heading(t("admin.accounts_title"), size="6", as_="h1"), rx.spacer(), _create_account_dialog(),
                      width="100%", align="center"),
            _error(),
            _table(
                ["admin.col_name", "admin.col_email", "admin.col_role", "admin.col_shop", "admin.col_status", "admin.col_actions"],
                rx.foreach(AdminState.accounts, _account_row),
            ),
            _confirm_dialog(),
            _temp_password_dialog(),
            spacing="4",
            width="100%",
        )
    )


# --- shops ---------------------------------------------------------------------------------


def _subdiv_label(value: rx.Var) -> rx.Component:
    return rx.match(value, ("57", t("admin.subdiv_57")), ("6AE", t("admin.subdiv_6AE")), t("admin.subdiv_none"))


def _shop_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="medium"), rx.text(row["address"], size="1", color_scheme="gray")),
        rx.table.cell(rx.match(row["calendar_kind"], ("ouvres", t("admin.kind_ouvres")), t("admin.kind_ouvrables"))),
        rx.table.cell(_subdiv_label(row["subdiv"])),
        rx.table.cell(row["closed_days"]),
        rx.table.cell(row["work_start"], "–", row["work_end"]),
        rx.table.cell(rx.button(t("admin.edit_shop"), size="1", variant="soft", on_click=AdminState.edit_shop(row["id"]))),
    )


def _controlled_select(field: str, options: list[tuple[str, rx.Var]], label: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label), weight="medium", size="2"),
        rx.select.root(
            rx.select.trigger(aria_label=field),
            rx.select.content(*[rx.select.item(text, value=value) for value, text in options]),
            value=AdminState.shop_form[field],
            on_change=lambda v: AdminState.set_shop_field(field, v),
        ),
        spacing="1",
    )


def _shop_dialog() -> rx.Component:
    form = AdminState.shop_form
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(form["id"] == "", t("admin.new_shop"), t("admin.edit_shop"))),
            rx.form(
                rx.vstack(
                    form_field("name", t("admin.col_name"), required=True, max_length=120, default_value=form["name"], id="shop-name"),
                    form_field("address", t("admin.address"), default_value=form["address"], id="shop-address"),
                    _controlled_select("calendar_kind", [("ouvrables", t("admin.kind_ouvrables")), ("ouvres", t("admin.kind_ouvres"))],
                                       "admin.col_calendar"),
                    _controlled_select("subdiv", [("none", t("admin.subdiv_none")), ("57", t("admin.subdiv_57")),
                                                  ("6AE", t("admin.subdiv_6AE"))], "admin.col_subdiv"),
                    form_field("closed_days", t("admin.col_closed_days"), default_value=form["closed_days"], id="shop-closed",
                               placeholder="2026-08-15, 2026-12-31",
                               hint=rx.text(t("admin.closed_days_help"), size="1", color_scheme="gray")),
                    rx.hstack(
                        form_field("work_start", t("admin.work_start"), type="time", default_value=form["work_start"], id="shop-start"),
                        form_field("work_end", t("admin.work_end"), type="time", default_value=form["work_end"], id="shop-end"),
                        width="100%",
                    ),
                    _error(),
                    _dialog_buttons(),
                    spacing="3",
                ),
                on_submit=AdminState.save_shop,
                key=form["id"],
            ),
        ),
        open=AdminState.shop_dialog,
        on_open_change=AdminState.set_shop_dialog,
    )


@page("/admin/shops", "Pixmania · Boutiques", roles=[Role.admin], on_load=[AdminState.guard, AdminState.load])
def shops_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.hstack(rx.heading(t("admin.shops_title"), size="6", as_="h1"), rx.spacer(),
                      rx.button(rx.icon("plus", size=16), t("admin.new_shop"), on_click=AdminState.new_shop),
                      width="100%", align="center"),
            _error(),
            rx.cond(AdminState.notice == "saved", rx.callout(t("admin.saved"), icon="check", color_scheme="green")),
            _table(
                ["admin.col_name", "admin.col_calendar", "admin.col_subdiv", "admin.col_closed_days", "admin.col_hours", "admin.col_actions"],
                rx.foreach(AdminState.shops, _shop_row),
            ),
            _shop_dialog(),
            spacing="4",
            width="100%",
        )
    )
