"""My account: change password (also the forced change of a temporary password)."""

import reflex as rx

from pixmania_incidents.account.my_account_state import AccountState
from pixmania_incidents.shell.forms import form_field
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role


@page("/account", "Pixmania · Mon compte", roles=list(Role))
def account_page() -> rx.Component:
    return app_shell(
        rx.vstack(
            rx.heading(t("auth.account_title"), size="6", as_="h1"),
            rx.text(SessionState.user_name, " · ", SessionState.user_email, color_scheme="gray"),
            rx.cond(
                SessionState.must_change_password,
                rx.callout(t("auth.must_change"), icon="key_round", color_scheme="amber", width="100%"),
            ),
            rx.card(
                rx.form(
                    rx.vstack(
                        rx.heading(t("auth.change_password"), size="4", as_="h2"),
                        form_field(
                            "current",
                            t("auth.current_password"),
                            type="password",
                            required=True,
                            auto_complete="current-password",
                        ),
                        form_field(
                            "new",
                            t("auth.new_password"),
                            type="password",
                            required=True,
                            min_length=12,
                            max_length=1024,
                            auto_complete="new-password",
                            aria_describedby="new-rule",
                            hint=rx.text(t("auth.password_rule"), id="new-rule", size="1", color_scheme="gray"),
                        ),
                        form_field(
                            "confirm",
                            t("auth.confirm_password"),
                            type="password",
                            required=True,
                            auto_complete="new-password",
                        ),
                        rx.cond(
                            AccountState.error != "",
                            rx.callout(
                                AccountState.error,
                                icon="triangle_alert",
                                color_scheme="red",
                                role="alert",
                                width="100%",
                            ),
                        ),
                        rx.cond(
                            AccountState.done,
                            rx.callout(
                                rx.hstack(
                                    t("auth.password_changed"),
                                    rx.link(t("auth.continue"), href=SessionState.home_path),
                                    spacing="2",
                                    wrap="wrap",
                                ),
                                icon="check",
                                color_scheme="green",
                                role="status",
                                width="100%",
                            ),
                        ),
                        rx.button(t("auth.submit_change"), type="submit"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=AccountState.change_password,
                    reset_on_submit=True,
                ),
                width="100%",
                max_width="480px",
            ),
            spacing="4",
        )
    )
