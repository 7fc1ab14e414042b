"""/guidelines: guidelines and training notes, written in Markdown by customer service."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.desk.guidelines_state import GuidelinesState
from pixmania_incidents.policy import TYPES
from pixmania_incidents.shell.layout import app_shell
from pixmania_incidents.shell.registry import page
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import pick, t
from pixmania_incidents.vocabulary import GUIDELINE_KINDS, STAFF, Role

_SELECT_STYLE = {
    "padding": "0.4em",
    "borderRadius": "var(--radius-2)",
    "border": "1px solid var(--gray-a7)",
    "width": "100%",
}


def guideline_body(html: rx.Var) -> rx.Component:
    """Sanitised HTML from `services.guidelines.render_markdown` (no script, no raw HTML)."""
    return rx.box(rx.html(html), class_name="guideline-body", width="100%", style={"overflowWrap": "anywhere"})


def guideline_card(g: rx.Var, *actions: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(
                    rx.match(g["kind"], *[(k, t(f"support.guidelines.kind.{k}")) for k in GUIDELINE_KINDS], g["kind"])
                ),
                rx.cond(
                    g["incident_type"] != "",
                    rx.badge(pick(g["type_fr"].to(str), g["type_en"].to(str)), variant="outline"),
                ),
                rx.spacer(),
                *actions,
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.heading(g["title"], size="4", as_="h2"),
            guideline_body(g["html"].to(str)),
            rx.text(g["author"], " · ", g["created_at"], size="1", color_scheme="gray"),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="guideline",
    )


def editor() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(
                rx.cond(GuidelinesState.editing_id > 0, t("support.guidelines.edit"), t("support.guidelines.new")),
                size="4",
            ),
            rx.el.label(t("support.guidelines.title_field"), html_for="gl-title"),
            rx.input(id="gl-title", value=GuidelinesState.title, on_change=GuidelinesState.set_title, width="100%"),
            rx.flex(
                rx.vstack(
                    rx.el.label(t("support.guidelines.kind"), html_for="gl-kind"),
                    rx.el.select(
                        *[rx.el.option(t(f"support.guidelines.kind.{k}"), value=k) for k in GUIDELINE_KINDS],
                        id="gl-kind",
                        value=GuidelinesState.kind,
                        on_change=GuidelinesState.set_kind,
                        style=_SELECT_STYLE,
                    ),
                    spacing="1",
                    flex="1",
                ),
                rx.vstack(
                    rx.el.label(t("support.guidelines.type"), html_for="gl-type"),
                    rx.el.select(
                        rx.el.option(t("support.guidelines.all_types"), value=""),
                        *[rx.el.option(pick(p.label_fr, p.label_en), value=c.value) for c, p in TYPES.items()],
                        id="gl-type",
                        value=GuidelinesState.incident_type,
                        on_change=GuidelinesState.set_incident_type,
                        style=_SELECT_STYLE,
                    ),
                    spacing="1",
                    flex="1",
                ),
                gap="0.75em",
                width="100%",
                direction=rx.breakpoints(initial="column", sm="row"),
            ),
            rx.el.label(t("support.guidelines.body"), html_for="gl-body"),
            rx.text_area(
                id="gl-body",
                value=GuidelinesState.body,
                on_change=GuidelinesState.set_body,
                rows="10",
                width="100%",
                placeholder=t("support.guidelines.body_hint"),
            ),
            rx.text(t("support.guidelines.preview"), size="1", color_scheme="gray"),
            rx.box(
                guideline_body(GuidelinesState.preview),
                padding="0.5em",
                border="1px dashed var(--gray-a6)",
                width="100%",
                min_height="3em",
                data_testid="guideline-preview",
            ),
            rx.cond(
                GuidelinesState.error != "",
                rx.callout(GuidelinesState.error, color_scheme="red", icon="triangle_alert", width="100%"),
            ),
            rx.cond(
                GuidelinesState.notice != "",
                rx.callout(GuidelinesState.notice, color_scheme="green", icon="check", width="100%"),
            ),
            rx.hstack(
                rx.button(t("support.guidelines.publish"), on_click=GuidelinesState.save),
                rx.cond(
                    GuidelinesState.editing_id > 0,
                    rx.button(t("support.cancel"), variant="soft", color_scheme="gray", on_click=GuidelinesState.new),
                ),
                spacing="2",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
    )


@page("/guidelines", "Pixmania · Directives", roles=STAFF, on_load=[GuidelinesState.load])
def guidelines_page() -> rx.Component:
    writer = (SessionState.user_role == Role.support) | (SessionState.user_role == Role.arbitrator)
    return app_shell(
        rx.vstack(
            rx.heading(t("support.guidelines.heading"), size="7", as_="h1"),
            rx.text(t("support.guidelines.intro"), color_scheme="gray", size="2"),
            rx.grid(
                rx.cond(writer, editor()),
                rx.vstack(
                    rx.foreach(
                        GuidelinesState.items,
                        lambda g: guideline_card(
                            g,
                            rx.cond(
                                writer,
                                rx.button(
                                    t("support.guidelines.edit_button"),
                                    size="1",
                                    variant="ghost",
                                    on_click=GuidelinesState.start_edit(g),
                                ),
                            ),
                        ),
                    ),
                    rx.cond(
                        GuidelinesState.items.length() == 0, rx.text(t("support.guidelines.empty"), color_scheme="gray")
                    ),
                    spacing="2",
                    width="100%",
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                gap="1em",
                width="100%",
            ),
            spacing="4",
            width="100%",
        )
    )
