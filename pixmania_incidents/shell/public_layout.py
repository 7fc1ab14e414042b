"""The page frame: header with brand, language switch and the role's navigation."""

import reflex as rx

from pixmania_incidents.components.text import t
from pixmania_incidents.state.locale import LocaleState


def language_switch() -> rx.Component:
    return rx.button(t("lang.switch"), on_click=LocaleState.toggle_locale, variant="ghost", size="2")


def public_page(*children: rx.Component) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.link(rx.heading(t("app.brand"), size="5"), href="/", underline="none"),
            rx.spacer(),
            language_switch(),
            rx.link(t("nav.login"), href="/login"),
            align="center",
            padding="1em 1.5em",
            border_bottom="1px solid var(--gray-a5)",
            spacing="4",
        ),
        rx.box(*children, max_width="960px", margin="0 auto", padding="1.5em"),
    )
