"""The Intégrations page's body, shared by the seller's and the admin's pages: API keys (made,
shown once, revoked) and webhook endpoints (events chosen, secret shown once, each delivery's
attempts, "renvoyer")."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.shell.forms import form_field
from pixmania_incidents.shell.integrations_state import IntegrationsState as S
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import Role


def _error() -> rx.Component:
    return rx.cond(S.error != "", rx.callout(S.error, icon="triangle_alert", color_scheme="red", role="alert"))


def _secret() -> rx.Component:
    """The new key or secret, once: copy it now, it is not kept in clear."""
    return rx.cond(
        S.secret != "",
        rx.callout(
            rx.vstack(
                rx.text(rx.cond(S.secret_kind == "key", t("integrations.key_once"), t("integrations.secret_once"))),
                rx.code(S.secret, data_testid="new-secret", style={"wordBreak": "break-all"}),
                rx.button(t("integrations.copied"), size="1", variant="soft", on_click=S.dismiss_secret),
                spacing="2",
            ),
            icon="key_round",
            color_scheme="amber",
        ),
    )


def _head(*keys: str) -> rx.Component:
    return rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in keys]))


def _key_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="medium"), rx.code(row["prefix"] + "…", size="1")),
        rx.table.cell(
            rx.match(
                row["scope"],
                ("read", t("integrations.scope_read")),
                ("write", t("integrations.scope_write")),
                t("integrations.scope_operator"),
            )
        ),
        rx.table.cell(row["shop"], " ", rx.text(row["owner"], size="1", color_scheme="gray")),
        rx.table.cell(row["created"]),
        rx.table.cell(rx.cond(row["used"] != "", row["used"], t("integrations.never"))),
        rx.table.cell(
            rx.cond(
                row["revoked"] != "",
                rx.badge(t("integrations.revoked"), " ", row["revoked"], color_scheme="gray"),
                rx.button(
                    t("integrations.revoke"),
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=S.revoke_key(row["id"]),
                ),
            )
        ),
    )


def _scope_choice() -> rx.Component:
    options = [("read", "integrations.scope_read"), ("write", "integrations.scope_write")]
    admin_only = [("operator", "integrations.scope_operator")]
    return rx.vstack(
        rx.el.label(t("integrations.scope"), html_for="key-scope", style={"fontWeight": "500"}),
        rx.el.select(
            *[rx.el.option(t(label), value=value) for value, label in options],
            rx.cond(
                S.user_role == Role.admin.value,
                rx.fragment(*[rx.el.option(t(label), value=value) for value, label in admin_only]),
            ),
            name="scope",
            id="key-scope",
        ),
        rx.cond(
            S.user_role == Role.admin.value,
            rx.vstack(
                rx.el.label(t("integrations.seller"), html_for="key-seller", style={"fontWeight": "500"}),
                rx.el.select(
                    rx.el.option(t("integrations.seller_none"), value=""),
                    rx.foreach(S.sellers, lambda s: rx.el.option(s["name"], value=s["id"])),
                    name="seller_id",
                    id="key-seller",
                ),
                spacing="1",
            ),
        ),
        spacing="1",
    )


def keys_panel() -> rx.Component:
    return rx.vstack(
        rx.heading(t("integrations.keys"), size="4", as_="h2"),
        rx.text(t("integrations.keys_intro"), size="2", color_scheme="gray"),
        rx.form(
            rx.flex(
                form_field("name", t("integrations.key_name"), required=True, max_length=80, id="key-name"),
                _scope_choice(),
                rx.button(t("integrations.create_key"), type="submit"),
                gap="1em",
                align="end",
                wrap="wrap",
            ),
            on_submit=S.create_key,
            reset_on_submit=True,
        ),
        rx.table.root(
            _head(
                "integrations.col_key",
                "integrations.scope",
                "integrations.col_owner",
                "integrations.col_created",
                "integrations.col_used",
                "integrations.col_actions",
            ),
            rx.table.body(rx.foreach(S.keys, _key_row)),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _delivery_row(d: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(d["event"]),
        rx.table.cell(
            rx.match(
                d["status"],
                ("delivered", rx.badge(t("integrations.status_delivered"), color_scheme="green")),
                ("failed", rx.badge(t("integrations.status_failed"), color_scheme="red")),
                rx.badge(t("integrations.status_pending"), color_scheme="amber"),
            )
        ),
        rx.table.cell(d["created"]),
        rx.table.cell(rx.text(d["log"], size="1", white_space="pre-wrap", font_family="monospace")),
        rx.table.cell(rx.button(t("integrations.resend"), size="1", variant="soft", on_click=S.resend(d["id"]))),
    )


def _endpoint_row(e: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(e["url"]), rx.text(e["events"], size="1", color_scheme="gray")),
        rx.table.cell(
            rx.cond(
                e["active"] != "",
                rx.badge(t("integrations.on"), color_scheme="green"),
                rx.badge(t("integrations.off"), " ", e["disabled"], color_scheme="gray"),
            ),
            rx.cond(
                e["failing"] != "",
                rx.text(t("integrations.failing_since"), " ", e["failing"], size="1", color_scheme="red"),
            ),
        ),
        rx.table.cell(
            rx.hstack(
                rx.button(t("integrations.deliveries"), size="1", variant="soft", on_click=S.watch(e["id"])),
                rx.button(
                    rx.cond(e["active"] != "", t("integrations.turn_off"), t("integrations.turn_on")),
                    size="1",
                    variant="soft",
                    on_click=S.toggle_endpoint(e["id"]),
                ),
                rx.button(t("integrations.rotate"), size="1", variant="soft", on_click=S.rotate_secret(e["id"])),
                rx.button(
                    t("integrations.delete"),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.delete_endpoint(e["id"]),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def webhooks_panel() -> rx.Component:
    return rx.vstack(
        rx.heading(t("integrations.webhooks"), size="4", as_="h2"),
        rx.text(t("integrations.webhooks_intro"), size="2", color_scheme="gray"),
        rx.form(
            rx.vstack(
                form_field(
                    "url",
                    t("integrations.url"),
                    required=True,
                    max_length=500,
                    id="webhook-url",
                    placeholder="https://backoffice.example.com/pixmania",
                ),
                rx.flex(
                    rx.foreach(
                        S.offered_events,
                        lambda e: rx.el.label(
                            rx.el.input(type="checkbox", name="event:" + e, default_checked=True),
                            " ",
                            rx.code(e),
                            style={"marginRight": "1em", "fontSize": "var(--font-size-2)"},
                        ),
                    ),
                    wrap="wrap",
                ),
                rx.button(t("integrations.create_webhook"), type="submit"),
                spacing="2",
                width="100%",
            ),
            on_submit=S.create_endpoint,
        ),
        rx.table.root(
            _head("integrations.url", "integrations.col_state", "integrations.col_actions"),
            rx.table.body(rx.foreach(S.endpoints, _endpoint_row)),
            width="100%",
        ),
        rx.cond(
            S.watched != 0,
            rx.vstack(
                rx.heading(t("integrations.deliveries"), size="3", as_="h3"),
                rx.table.root(
                    _head(
                        "integrations.col_event",
                        "integrations.col_state",
                        "integrations.col_created",
                        "integrations.col_attempts",
                        "integrations.col_actions",
                    ),
                    rx.table.body(rx.foreach(S.deliveries, _delivery_row)),
                    width="100%",
                    data_testid="deliveries",
                ),
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def integrations_body() -> rx.Component:
    return rx.vstack(
        rx.heading(t("integrations.title"), size="6", as_="h1"),
        rx.text(t("integrations.intro"), size="2"),
        rx.link(t("integrations.docs"), href="/api/v1/docs", is_external=True),
        _error(),
        _secret(),
        keys_panel(),
        rx.separator(),
        webhooks_panel(),
        spacing="4",
        width="100%",
    )
