"""A shop's business calendar: which days count and which hours are working time.

Why: the seller's deadlines are counted in French business days (jours ouvrables by default,
jours ouvrés on request), minus public holidays (with the Alsace-Moselle extras), minus the
shop's own closed days; reminders wait for working hours. The customer's and the arbitrator's
windows count only the statutory days (``statutory``): the shop's choices are not theirs.
Days are always counted in Europe/Paris, whatever instant the caller holds. An incident keeps
a JSON copy of its shop's calendar (``to_dict``) so later changes never move its deadlines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")

CalendarKind = Literal["ouvrables", "ouvres"]
CALENDAR_KINDS: tuple[str, ...] = get_args(CalendarKind)

#: Subdivisions a shop may choose (None: metropolitan France). "57" Moselle and "6AE"
#: Alsace add Good Friday and 26 December. The deprecated "GES" is refused on purpose:
#: the holidays package accepts it silently and adds nothing.
SUBDIVISIONS: tuple[str | None, ...] = (None, "57", "6AE")

#: The years the deadline engine answers for: Paris on its modern rules, far from the
#: limits of Python's dates (year 1 and 9999 overflow once shifted to UTC or by a few days).
SUPPORTED_YEARS = range(1970, 3000)

_END_OF_DAY = time(23, 59, 59)


class CalendarError(ValueError):
    """An invalid business calendar setting."""


def as_utc(instant: datetime) -> datetime:
    """``instant`` converted to UTC; naive datetimes are refused (they are ambiguous)."""
    if not isinstance(instant, datetime):
        raise TypeError(f"expected a datetime, got {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()} (an aware datetime is required)")
    return instant.astimezone(timezone.utc)


def paris_date(instant: datetime) -> date:
    """The calendar day in Paris at ``instant`` (23:30 UTC may already be tomorrow there)."""
    return as_utc(instant).astimezone(PARIS).date()


@lru_cache(maxsize=256)
def _public_holidays(subdiv: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", subdiv=subdiv, years=year))


def _parse_time(value: Any, name: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise CalendarError(f"{name}: invalid time {value!r} (expected HH:MM)") from None


def _parse_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CalendarError(f"closed_days: invalid date {value!r} (expected YYYY-MM-DD)") from None


@dataclass(frozen=True)
class BusinessCalendar:
    """Business days and working hours of one shop.

    ``ouvrables``: Monday–Saturday; ``ouvres``: Monday–Friday; both minus French public
    holidays (of ``subdiv``, if any) and ``closed_days``. Working hours are local Paris times.
    """

    kind: CalendarKind = "ouvrables"
    subdiv: str | None = None
    closed_days: tuple[date, ...] = ()
    work_start: time = time(8, 0)
    work_end: time = time(19, 0)

    @classmethod
    def stored(
        cls,
        kind: str,
        subdiv: str | None,
        closed_days: Iterable[str | date],
        work_start: str | time,
        work_end: str | time,
    ) -> BusinessCalendar:
        """A shop's calendar as the database and the admin form hold it (ISO strings), parsed and
        checked by `__post_init__` like any other."""
        stored: dict[str, Any] = {
            "kind": kind,
            "subdiv": subdiv,
            "closed_days": tuple(closed_days),
            "work_start": work_start,
            "work_end": work_end,
        }
        return cls(**stored)

    def __post_init__(self) -> None:
        if self.kind not in CALENDAR_KINDS:
            raise CalendarError(f"unknown calendar kind {self.kind!r} (expected one of: {', '.join(CALENDAR_KINDS)})")
        if self.subdiv not in SUBDIVISIONS:
            raise CalendarError(
                f"unsupported subdivision {self.subdiv!r}: allowed are none, '57' (Moselle) and '6AE' (Alsace)"
            )
        if isinstance(self.closed_days, (str, date)):
            raise CalendarError("closed_days must be a sequence of dates")
        # Normalise whatever iterable was given into a sorted tuple of unique dates.
        object.__setattr__(self, "closed_days", tuple(sorted({_parse_date(d) for d in self.closed_days})))
        object.__setattr__(self, "work_start", _parse_time(self.work_start, "work_start"))
        object.__setattr__(self, "work_end", _parse_time(self.work_end, "work_end"))
        if self.work_start.tzinfo is not None or self.work_end.tzinfo is not None:
            raise CalendarError("working hours are local Paris times, without a time zone")
        if any(t.second or t.microsecond for t in (self.work_start, self.work_end)):
            raise CalendarError("working hours are whole minutes (HH:MM)")
        if not self.work_start < self.work_end:
            raise CalendarError(
                f"working hours must start before they end ({self.work_start:%H:%M}–{self.work_end:%H:%M})"
            )

    # --- days ----------------------------------------------------------------------------

    def is_business_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            raise TypeError("is_business_day takes a date; use paris_date() for an instant")
        last_weekday = 5 if self.kind == "ouvrables" else 4  # Saturday / Friday
        return (
            d.weekday() <= last_weekday and d not in _public_holidays(self.subdiv, d.year) and d not in self.closed_days
        )

    def add_business_days(self, d: date, n: int) -> date:
        """The ``n``-th business day strictly after ``d`` (``d`` itself never counts).

        ``n == 0`` returns ``d`` unchanged.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        day = d
        while n:
            day += timedelta(days=1)
            if self.is_business_day(day):
                n -= 1
        return day

    def business_days_before(self, d: date, n: int) -> date:
        """The ``n``-th business day strictly before ``d`` (``d`` itself never counts)."""
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        day = d
        while n:
            day -= timedelta(days=1)
            if self.is_business_day(day):
                n -= 1
        return day

    def statutory(self) -> BusinessCalendar:
        """Jours ouvrables with the national public holidays and this calendar's subdivision,
        nothing else: the days of the customer's and the arbitrator's windows (SPEC 8.7)."""
        return BusinessCalendar(subdiv=self.subdiv)

    def end_of_business_day(self, utc_instant: datetime, n: int) -> datetime:
        """23:59:59 Paris on the ``n``-th business day after the Paris date of the instant, in UTC."""
        day = self.add_business_days(paris_date(utc_instant), n)
        return datetime.combine(day, _END_OF_DAY, tzinfo=PARIS).astimezone(timezone.utc)

    # --- hours ---------------------------------------------------------------------------

    def next_working_instant(self, utc_instant: datetime) -> datetime:
        """The instant itself if it falls in working hours of a business day, else the
        start of working hours of the next business day (today's, if still to come); UTC."""
        instant = as_utc(utc_instant)
        local = instant.astimezone(PARIS)
        day = local.date()
        if self.is_business_day(day):
            if self.work_start <= local.time() < self.work_end:
                return instant
            if local.time() < self.work_start:
                return self._work_start_on(day)
        return self._work_start_on(self.add_business_days(day, 1))

    def _work_start_on(self, day: date) -> datetime:
        return datetime.combine(day, self.work_start, tzinfo=PARIS).astimezone(timezone.utc)

    # --- JSON ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (stored on the incident at opening)."""
        return {
            "kind": self.kind,
            "subdiv": self.subdiv,
            "closed_days": [d.isoformat() for d in self.closed_days],
            "work_start": self.work_start.strftime("%H:%M"),
            "work_end": self.work_end.strftime("%H:%M"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> BusinessCalendar:
        """Inverse of :meth:`to_dict`; missing keys take their defaults, unknown keys are refused."""
        data = dict(data or {})
        unknown = set(data) - {"kind", "subdiv", "closed_days", "work_start", "work_end"}
        if unknown:
            raise CalendarError(f"unknown calendar keys: {', '.join(sorted(unknown))}")
        return cls(**data)


__all__ = [
    "CALENDAR_KINDS",
    "PARIS",
    "SUBDIVISIONS",
    "SUPPORTED_YEARS",
    "BusinessCalendar",
    "CalendarError",
    "CalendarKind",
    "as_utc",
    "paris_date",
]
