"""The one string catalogue (French first, English second) and locale formatting.

Strings are grouped by area in `strings_*.py` modules, each a dict of
key -> (fr, en); `CATALOGUE` merges them and refuses a key defined twice.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from importlib import import_module
from pkgutil import iter_modules

from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency

from pixmania_incidents.calendar import PARIS

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"


def _load() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("strings_"):
            continue
        for key, pair in import_module(f"{__name__}.{info.name}").STRINGS.items():
            if key in merged:
                raise RuntimeError(f"catalogue key defined twice: {key}")
            merged[key] = pair
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _load()


def norm_locale(locale: str | None) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


def tr(key: str, locale: str = DEFAULT_LOCALE, **params: object) -> str:
    """The string for `key` in `locale`, with `{name}` placeholders filled."""
    fr, en = CATALOGUE.get(key, (key, key))
    text = en if norm_locale(locale) == "en" else fr
    return text.format(**params) if params else text


def money(cents: int, locale: str = DEFAULT_LOCALE) -> str:
    """`1 234,56 €` in French; exact, from integer cents."""
    return format_currency(Decimal(cents) / 100, "EUR", locale="fr_FR" if norm_locale(locale) == "fr" else "en_IE")


def when(instant: datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    """`mardi 29 décembre 2026 à 23:59` (Paris time)."""
    if instant is None:
        return ""
    pattern = "EEEE d MMMM y 'à' HH:mm" if norm_locale(locale) == "fr" else "EEEE d MMMM y 'at' HH:mm"
    return _babel_datetime(instant, pattern, tzinfo=PARIS, locale="fr_FR" if norm_locale(locale) == "fr" else "en_GB")


def short_when(instant: datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    """`29/12/2026 23:59` (Paris time), for lists and timelines."""
    if instant is None:
        return ""
    return _babel_datetime(instant, "dd/MM/y HH:mm", tzinfo=PARIS, locale="fr_FR" if norm_locale(locale) == "fr" else "en_GB")
