"""What people send the services, checked once before it reaches the database.

Why one module: a NUL byte crashes PostgreSQL, a year-1 instant overflows its conversion to
UTC, 1e30 cents overflows an integer column, a message of zero-width spaces looks empty; every
service that takes text, an instant, a day or an amount passes it through here and gets a
clean value or an `InvalidInput` whose catalogue key says what is wrong.

Text: line endings become "\\n"; control characters other than newline and tab (NUL
included) and lone surrogates are refused, never silently stripped; what is left is trimmed,
and a text with nothing visible in it (only spaces, zero-width or other format characters,
combining marks) counts as empty.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

from pixmania_incidents.calendar import SUPPORTED_YEARS, paris_date
from pixmania_incidents.services.common import InvalidInput, now
from pixmania_incidents.vocabulary import MAX_TEXT

#: How far ahead a search or a report may look.
_SEARCH_AHEAD = timedelta(days=366)

_LINE_ENDINGS = re.compile(r"\r\n?")
_REFUSED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: Letters that fonts draw as blank space (Hangul fillers, the braille blank).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
#: Unicode categories that draw nothing on their own: separators, controls, format, marks.
_INVISIBLE = ("Z", "Cc", "Cf", "Cs", "M")


def _visible(ch: str) -> bool:
    return ch not in _BLANK_LETTERS and not unicodedata.category(ch).startswith(_INVISIBLE)


def clean_text(value: object, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """`value` as text to store, or `InvalidInput` (`field` names the form field)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("inputs.error.text", field=field)
    text = _LINE_ENDINGS.sub("\n", value)
    if _REFUSED.search(text):
        raise InvalidInput("inputs.error.control_character", field=field)
    text = text.strip()
    if not any(_visible(ch) for ch in text):
        text = ""
    if required and not text:
        raise InvalidInput("inputs.error.required", field=field)
    if len(text) > limit:
        raise InvalidInput("inputs.error.too_long", field=field, max=limit)
    return text


def instant(value: object, refusal: str, /, *, earliest: datetime, latest: datetime, **params: object) -> datetime:
    """An aware instant within [earliest, latest], in UTC; anything else is `refusal` (a catalogue
    key saying what the field accepts, filled with `params`). Compared before any conversion,
    which could overflow."""
    if not isinstance(value, datetime) or value.utcoffset() is None or not earliest <= value <= latest:
        raise InvalidInput(refusal, **params)
    return value.astimezone(timezone.utc)


def day(value: object, refusal: str, /, *, earliest: date, latest: date, **params: object) -> date:
    """A calendar day within [earliest, latest]; anything else (a datetime too) is `refusal`."""
    if not isinstance(value, date) or isinstance(value, datetime) or not earliest <= value <= latest:
        raise InvalidInput(refusal, **params)
    return value


def search_day(value: object, refusal: str) -> date:
    """A day a search or a report starts or ends on: from the deadline engine's first year to a
    year from now (further dates overflow once turned into instants, and find nothing anyway)."""
    return day(value, refusal, earliest=date(SUPPORTED_YEARS.start, 1, 1), latest=paris_date(now()) + _SEARCH_AHEAD)


def amount_cents(value: object, *, at_most: int) -> int:
    """An amount of money in cents: a Python int (not a bool, float or text), positive, and at
    most `at_most` (what is left to refund)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("inputs.error.amount")
    if value <= 0:
        raise InvalidInput("inputs.error.amount_positive")
    if value > at_most:
        raise InvalidInput("inputs.error.amount_above_refundable", refundable_cents=at_most)
    return value
