"""Deadline countdowns computed in the browser from an ISO-8601 instant (`assets/countdown.jsx`)."""

import reflex as rx

from pixmania_incidents.shell.locale import LocaleState


class _Countdown(rx.Component):
    library = "$/public/countdown.jsx"
    tag = "Countdown"

    due: rx.Var[str]
    locale: rx.Var[str]
    label: rx.Var[str]
    when: rx.Var[str]


def countdown(due: rx.Var[str] | str, *, label: rx.Var | str = "", when: rx.Var | str = "") -> rx.Component:
    """Time left until `due` (or "overdue by"), ticking every second with no server traffic.

    A timer named `label` (which deadline it is) for screen readers, not announced at each
    tick; with `when` (the due date in words) it also says by when, or since when it is due."""
    return _Countdown.create(due=due, locale=rx.cond(LocaleState.is_en, "en", "fr"), label=label, when=when)
