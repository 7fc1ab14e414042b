"""Money and dates as people read and type them, the one place for both.

Why one module: an amount typed in a seller's form and one typed in an arbitrator's must
be read by the same rule (two parsers once disagreed on "-5"), and every page prints
instants in Paris time the same way. Pure Python and Babel: no Reflex, no database.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_datetime
from babel.numbers import format_currency

from pixmania_incidents.calendar import PARIS
from pixmania_incidents.i18n import DEFAULT_LOCALE, norm_locale

#: Whole euros an amount may have: up to 9 999 999,99 € (more is a typing accident).
MAX_EURO_DIGITS = 7
_AMOUNT = re.compile(rf"(?P<euros>[0-9]{{1,{MAX_EURO_DIGITS}}})(?:[.,](?P<cents>[0-9]{{1,2}}))?")
#: Spaces people put in amounts ("1 234,50", narrow and non-breaking ones too) and the euro sign.
_NOISE = re.compile(r"[\s\u00a0\u202f]")


def _babel_locale(locale: str | None) -> str:
    return "fr_FR" if norm_locale(locale) == "fr" else "en_GB"


# --- money --------------------------------------------------------------------------------


def parse_cents(text: object) -> int | None:
    """An amount typed in euros, as integer cents; None when it is not one.

    Accepts "12", "12,5", "12.50", "1 234,56" and a leading or trailing "€"; refuses
    negative, signed or exponent forms ("-5", "+5", "1e30", "inf", "nan"), more than two
    decimals, more than one separator, empty text and amounts of more than seven figures."""
    raw = _NOISE.sub("", str(text or "")).removeprefix("€").removesuffix("€")
    match = _AMOUNT.fullmatch(raw)
    if match is None:
        return None
    return int(match["euros"]) * 100 + int((match["cents"] or "0").ljust(2, "0"))


def money(cents: int, locale: str | None = DEFAULT_LOCALE) -> str:
    """`1 234,56 €` in French, `€1,234.56` in English; exact, from integer cents."""
    return format_currency(Decimal(cents) / 100, "EUR", locale="fr_FR" if norm_locale(locale) == "fr" else "en_IE")


# --- dates --------------------------------------------------------------------------------


def _instant(value: datetime | str | None) -> datetime | None:
    """Views carry instants as ISO-8601 text (for the browser's countdowns); both read alike."""
    return datetime.fromisoformat(value) if isinstance(value, str) and value else value or None


def when(instant: datetime | str | None, locale: str | None = DEFAULT_LOCALE) -> str:
    """`mardi 29 décembre 2026 à 23:59` (Paris time); "" for no instant."""
    value = _instant(instant)
    if value is None:
        return ""
    pattern = "EEEE d MMMM y 'à' HH:mm" if norm_locale(locale) == "fr" else "EEEE d MMMM y 'at' HH:mm"
    return format_datetime(value, pattern, tzinfo=PARIS, locale=_babel_locale(locale))


def due_when(instant: datetime | str | None, locale: str | None = DEFAULT_LOCALE) -> str:
    """`mardi 1 décembre, 23:59` (Paris time): a deadline beside its countdown, which says how near; "" for none."""
    value = _instant(instant)
    if value is None:
        return ""
    return format_datetime(value, "EEEE d MMMM, HH:mm", tzinfo=PARIS, locale=_babel_locale(locale))


def short_when(instant: datetime | str | None, locale: str | None = DEFAULT_LOCALE) -> str:
    """`29/12/2026 23:59` (Paris time), for lists and timelines; "" for no instant."""
    value = _instant(instant)
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/y HH:mm", tzinfo=PARIS, locale=_babel_locale(locale))


def iso(instant: datetime | None) -> str:
    """An instant as the browser's countdowns read it; "" for none."""
    return instant.isoformat() if instant is not None else ""


def parse_day(text: str) -> date | None:
    """An `<input type=date>` value; None when empty or malformed."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse_paris(text: str) -> datetime | None:
    """An `<input type=datetime-local>` value, read as Paris time; None when empty or malformed."""
    try:
        return datetime.fromisoformat(text).replace(tzinfo=PARIS) if text else None
    except ValueError:
        return None


# --- durations and figures ----------------------------------------------------------------


def late_by(seconds: int | None, locale: str | None = DEFAULT_LOCALE) -> str:
    """How late a deadline was met or still is, as the countdowns say it: `2 j 3 h`, `5 h 07` (`2 d 3 h`, `5 h 07`)."""
    if seconds is None:
        return ""
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    days, hours = divmod(hours, 24)
    day = "d" if norm_locale(locale) == "en" else "j"
    return f"{days} {day} {hours} h" if days else f"{hours} h {minutes:02d}"


def decimal(value: float, digits: int, locale: str | None = DEFAULT_LOCALE) -> str:
    """`4,5` in French, `4.5` in English."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if norm_locale(locale) == "fr" else text


def hours(value: float | None, locale: str | None = DEFAULT_LOCALE) -> str:
    return "—" if value is None else f"{decimal(value, 1, locale)} h"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)} %"


def file_size(size: int, locale: str | None = DEFAULT_LOCALE) -> str:
    """`12 Ko`, `1,5 Mo` (`12 KB`, `1.5 MB`)."""
    kb = max(1, round(size / 1024))
    text = f"{kb} Ko" if kb < 1024 else f"{decimal(kb / 1024, 1, locale)} Mo"
    return text.replace("Ko", "KB").replace("Mo", "MB") if norm_locale(locale) == "en" else text
