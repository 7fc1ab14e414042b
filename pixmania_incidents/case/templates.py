"""Reply templates beside the case: insert one into the message, or keep a new one."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.case.templates_state import USERS, TemplatesState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t
from pixmania_incidents.vocabulary import MAX_TEXT

SELECT_STYLE = {
    "width": "100%",
    "minHeight": "2.25em",
    "padding": "0 0.5em",
    "borderRadius": "var(--radius-2)",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-surface)",
    "color": "var(--gray-12)",
}


def _row(template: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(template.title, size="2", flex="1", min_width="0"),
        rx.button(
            t("case.templates.delete"),
            size="1",
            variant="ghost",
            color_scheme="red",
            on_click=TemplatesState.delete_template(template.id),
        ),
        align="center",
        width="100%",
    )


def _keep() -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("case.templates.manage"), style={"cursor": "pointer", "fontSize": "var(--font-size-2)"}),
        rx.vstack(
            rx.foreach(TemplatesState.reply_templates, _row),
            rx.form(
                rx.vstack(
                    rx.el.label(t("case.templates.title_label"), html_for="template-title"),
                    rx.input(id="template-title", name="title", max_length=80, required=True, width="100%"),
                    rx.el.label(t("case.templates.body_label"), html_for="template-body"),
                    rx.text_area(
                        id="template-body", name="body", max_length=MAX_TEXT, rows="4", required=True, width="100%"
                    ),
                    rx.text(t("case.templates.placeholders"), size="1", color_scheme="gray"),
                    rx.button(t("case.templates.save"), type="submit", size="2", variant="soft"),
                    spacing="1",
                    align="start",
                    width="100%",
                ),
                id="form-template",
                on_submit=TemplatesState.save_template,
                width="100%",
            ),
            spacing="2",
            width="100%",
            margin_top="0.5em",
        ),
    )


def templates_section() -> rx.Component:
    return rx.match(
        SessionState.user_role,
        (
            *USERS,
            rx.card(
                rx.vstack(
                    rx.heading(t("case.templates.title"), size="3", as_="h2"),
                    rx.el.label(
                        t("case.templates.pick"), html_for="template-pick", style={"fontSize": "var(--font-size-2)"}
                    ),
                    rx.el.select(
                        rx.el.option(t("case.templates.choose"), value=""),
                        rx.foreach(
                            TemplatesState.reply_templates,
                            lambda tp: rx.el.option(tp.title, value=tp.id.to_string()),
                        ),
                        id="template-pick",
                        value="",
                        on_change=TemplatesState.use_template,
                        data_testid="template-pick",
                        style=SELECT_STYLE,
                    ),
                    rx.cond(
                        TemplatesState.template_error != "",
                        rx.text(TemplatesState.template_error, size="2", color_scheme="red", role="alert"),
                    ),
                    _keep(),
                    spacing="2",
                    width="100%",
                ),
                width="100%",
                data_testid="reply-templates",
            ),
        ),
        rx.fragment(),
    )
