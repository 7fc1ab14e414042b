"""Catalogue strings in components: both languages compiled in, the browser picks."""

import reflex as rx

from pixmania_incidents.i18n import CATALOGUE
from pixmania_incidents.shell.locale import LocaleState


def t(key: str) -> rx.Var:
    fr, en = CATALOGUE[key]
    return rx.cond(LocaleState.is_en, en, fr)


def pick(fr: str, en: str) -> rx.Var:
    """For text that comes from policy data rather than the catalogue."""
    return rx.cond(LocaleState.is_en, en, fr)


def filled(key: str, **params: object) -> rx.Var:
    """A catalogue string with its `{name}` placeholders filled from values known when the page is built,
    or from state vars (filled in the browser)."""
    fr, en = CATALOGUE[key]
    return pick(fr.format(**params), en.format(**params))
