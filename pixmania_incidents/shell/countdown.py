"""Deadline countdowns computed in the browser from an ISO-8601 instant."""

import reflex as rx

from pixmania_incidents.shell.locale import LocaleState


class _Countdown(rx.Component):
    library = "$/public/countdown.jsx"
    tag = "Countdown"

    due: rx.Var[str]
    locale: rx.Var[str]


def countdown(due: rx.Var[str] | str) -> rx.Component:
    """Time left until `due` (or how late), ticking every second with no server traffic."""
    return _Countdown.create(due=due, locale=rx.cond(LocaleState.is_en, "en", "fr"))
