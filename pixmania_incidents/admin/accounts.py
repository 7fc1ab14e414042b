"""/admin/accounts: create accounts, attach sellers to a shop, deactivate, temporary passwords."""

import reflex as rx

from pixmania_incidents.admin.accounts_state import AccountsState
from pixmania_incidents.shell.forms import form_field
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.text import filled, t
from pixmania_incidents.vocabulary import ACCOUNT_ROLES, Role


def dialog_buttons() -> rx.Component:
    return rx.hstack(
        rx.dialog.close(rx.button(t("admin.cancel"), variant="soft", color_scheme="gray", type="button")),
        rx.button(t("admin.save"), type="submit"),
        justify="end",
        width="100%",
    )


def error_callout(error: rx.Var) -> rx.Component:
    return rx.cond(error != "", rx.callout(error, icon="triangle_alert", color_scheme="red", role="alert"))


_LABEL = {"fontWeight": "500", "fontSize": "var(--font-size-2)"}


def _role_label(role: rx.Var) -> rx.Component:
    return rx.match(role, *[(r.value, t(f"role.{r.value}")) for r in Role], role)


def _shop_select(row: rx.Var) -> rx.Component:
    """Each row's shop picker is named after its seller, for whoever does not see the column header."""
    picker_id = f"shop-of-{row['id']}"
    return rx.fragment(
        rx.el.label(filled("admin.shop_of", name=row["name"]), html_for=picker_id, class_name="sr-only"),
        rx.select.root(
            rx.select.trigger(placeholder=t("admin.col_shop"), id=picker_id),
            rx.select.content(rx.foreach(AccountsState.shops, lambda s: rx.select.item(s["name"], value=s["id"]))),
            value=row["shop_id"],
            on_change=lambda shop_id: AccountsState.attach(row["id"], shop_id),
            size="1",
        ),
    )


def _account_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["name"]),
        rx.table.cell(row["email"]),
        rx.table.cell(_role_label(row["role"])),
        rx.table.cell(rx.cond(row["role"] == Role.seller.value, _shop_select(row), t("admin.no_shop"))),
        rx.table.cell(
            rx.cond(
                row["active"] != "",
                rx.badge(t("admin.active"), color_scheme="green"),
                rx.badge(t("admin.inactive"), color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    row["active"] != "",
                    rx.button(
                        t("admin.deactivate"),
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        on_click=AccountsState.ask("deactivate", row["id"]),
                    ),
                    rx.button(
                        t("admin.reactivate"), size="1", variant="soft", on_click=AccountsState.reactivate(row["id"])
                    ),
                ),
                rx.button(
                    t("admin.temp_password"),
                    size="1",
                    variant="soft",
                    on_click=AccountsState.ask("temp_password", row["id"]),
                ),
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
                    rx.el.label(t("admin.col_role"), html_for="account-role", style=_LABEL),
                    rx.select.root(
                        rx.select.trigger(id="account-role"),
                        rx.select.content(*[rx.select.item(t(f"role.{r}"), value=str(r)) for r in ACCOUNT_ROLES]),
                        value=AccountsState.new_role,
                        on_change=AccountsState.set_new_role,
                    ),
                    rx.cond(
                        AccountsState.new_role == Role.seller.value,
                        rx.vstack(
                            rx.el.label(t("admin.col_shop"), html_for="account-shop", style=_LABEL),
                            rx.el.select(
                                rx.foreach(AccountsState.shops, lambda s: rx.el.option(s["name"], value=s["id"])),
                                id="account-shop",
                                name="shop_id",
                                style={"padding": "0.4em"},
                            ),
                            spacing="1",
                        ),
                    ),
                    error_callout(AccountsState.error),
                    dialog_buttons(),
                    spacing="3",
                ),
                on_submit=AccountsState.create_account,
            ),
        ),
        open=AccountsState.account_dialog,
        on_open_change=AccountsState.set_account_dialog,
    )


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(AccountsState.confirm_name),
            rx.alert_dialog.description(
                rx.cond(
                    AccountsState.confirm_action == "deactivate",
                    t("admin.confirm_deactivate"),
                    t("admin.confirm_temp_password"),
                )
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        t("admin.cancel"), variant="soft", color_scheme="gray", on_click=AccountsState.cancel_confirm
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(t("admin.confirm"), color_scheme="red", on_click=AccountsState.confirm)
                ),
                justify="end",
                spacing="3",
                margin_top="1em",
            ),
        ),
        open=AccountsState.confirm_action != "",
    )


def _temp_password_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("admin.temp_password")),
            rx.text(AccountsState.temp_for, color_scheme="gray"),
            rx.code(AccountsState.temp_password, size="5", margin_y="0.75em", style={"userSelect": "all"}),
            rx.text(t("admin.temp_password_shown_once"), size="2"),
            rx.hstack(
                rx.button(t("admin.close"), on_click=AccountsState.forget_temp_password),
                justify="end",
                margin_top="1em",
            ),
        ),
        open=AccountsState.temp_password != "",
    )


def table(headers: list[str], rows: rx.Component) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h)) for h in headers])),
            rx.table.body(rows),
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _failed_mail(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["failed"], white_space="nowrap"),
        rx.table.cell(rx.code(row["to"])),
        rx.table.cell(row["subject"]),
        rx.table.cell(
            rx.vstack(
                rx.text(row["reason"], size="2"),
                rx.cond(row["detail"] != "", rx.text(row["detail"], size="1", color_scheme="gray")),
                spacing="1",
            )
        ),
        rx.table.cell(row["attempts"]),
        data_testid="failed-mail",
    )


def _failed_mails() -> rx.Component:
    """Mails the relay refused for good: an address to correct, or a message to send another way."""
    return rx.vstack(
        rx.heading(t("mail.failed.title"), size="4", as_="h2"),
        rx.text(t("admin.mails_intro"), size="2", color_scheme="gray"),
        rx.cond(
            AccountsState.failed_mails.length() > 0,
            table(
                [
                    "admin.mails_col_when",
                    "admin.mails_col_to",
                    "admin.mails_col_subject",
                    "admin.mails_col_reason",
                    "admin.mails_col_attempts",
                ],
                rx.foreach(AccountsState.failed_mails, _failed_mail),
            ),
            rx.text(t("admin.mails_none"), size="2"),
        ),
        spacing="2",
        width="100%",
        data_testid="failed-mails",
    )


@page("/admin/accounts", "Pixmania · Comptes", roles=[Role.admin], on_load=[AccountsState.load])
def accounts_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.hstack(
                rx.heading(t("admin.accounts_title"), size="6", as_="h1"),
                rx.spacer(),
                _create_account_dialog(),
                width="100%",
                align="center",
            ),
            error_callout(AccountsState.error),
            table(
                [
                    "admin.col_name",
                    "admin.col_email",
                    "admin.col_role",
                    "admin.col_shop",
                    "admin.col_status",
                    "admin.col_actions",
                ],
                rx.foreach(AccountsState.accounts, _account_row),
            ),
            _failed_mails(),
            _confirm_dialog(),
            _temp_password_dialog(),
            spacing="4",
            width="100%",
        )
    )
