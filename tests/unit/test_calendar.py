"""Business calendar: jours ouvrables/ouvrés, holidays, Alsace-Moselle, working hours."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone

import pytest

from pixmania_incidents.calendar import PARIS, BusinessCalendar, CalendarError, as_utc, paris_date

OUVRABLES = BusinessCalendar()
OUVRES = BusinessCalendar(kind="ouvres")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "holiday",
    [
        date(2026, 1, 1),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 5, 14),
        date(2026, 7, 14),
        date(2026, 11, 11),
        date(2026, 12, 25),
    ],
)
def test_public_holidays_are_not_business_days(holiday: date) -> None:
    assert holiday.weekday() < 5  # a weekday: only the holiday rule excludes it
    assert not OUVRABLES.is_business_day(holiday)
    assert not OUVRES.is_business_day(holiday)


def test_sunday_never_saturday_only_for_ouvrables() -> None:
    sunday, saturday, friday = date(2026, 6, 14), date(2026, 6, 13), date(2026, 6, 12)
    assert not OUVRABLES.is_business_day(sunday)
    assert not OUVRES.is_business_day(sunday)
    assert OUVRABLES.is_business_day(saturday)
    assert not OUVRES.is_business_day(saturday)
    assert OUVRABLES.is_business_day(friday) and OUVRES.is_business_day(friday)


@pytest.mark.parametrize("subdiv", ["57", "6AE"])
def test_alsace_moselle_add_good_friday_and_saint_stephen(subdiv: str) -> None:
    local = BusinessCalendar(subdiv=subdiv)
    for day in (date(2026, 4, 3), date(2026, 12, 26)):  # Good Friday, Saturday 26 December
        assert OUVRABLES.is_business_day(day)
        assert not local.is_business_day(day)


@pytest.mark.parametrize("subdiv", ["GES", "67", "", "ZZ"])
def test_only_known_subdivisions_are_accepted(subdiv: str) -> None:
    with pytest.raises(CalendarError, match="'57' \\(Moselle\\) and '6AE' \\(Alsace\\)"):
        BusinessCalendar(subdiv=subdiv)


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(CalendarError, match="calendar kind"):
        BusinessCalendar(kind="weekends")  # type: ignore[arg-type]
    with pytest.raises(CalendarError, match="start before"):
        BusinessCalendar(work_start=time(19), work_end=time(8))
    with pytest.raises(CalendarError, match="start before"):
        BusinessCalendar(work_start=time(9), work_end=time(9))
    with pytest.raises(CalendarError, match="closed_days"):
        BusinessCalendar(closed_days="2026-08-14")  # type: ignore[arg-type]
    with pytest.raises(CalendarError, match="closed_days"):
        BusinessCalendar(closed_days=("not a date",))  # type: ignore[arg-type]
    assert issubclass(CalendarError, ValueError)


def test_extra_closed_days() -> None:
    cal = BusinessCalendar(closed_days=(date(2026, 8, 14), date(2026, 8, 13)))
    assert cal.closed_days == (date(2026, 8, 13), date(2026, 8, 14))
    assert not cal.is_business_day(date(2026, 8, 14))
    assert OUVRABLES.is_business_day(date(2026, 8, 14))
    # Wed 12 → Thu 13, Fri 14 closed; Sat 15 is Assumption → Mon 17.
    assert cal.add_business_days(date(2026, 8, 12), 1) == date(2026, 8, 17)
    assert OUVRABLES.add_business_days(date(2026, 8, 12), 1) == date(2026, 8, 13)


def test_add_business_days_does_not_count_the_start_day() -> None:
    thu = date(2026, 12, 24)
    assert OUVRABLES.add_business_days(thu, 0) == thu
    assert OUVRABLES.add_business_days(thu, 1) == date(2026, 12, 26)  # Fri 25 Christmas
    assert OUVRABLES.add_business_days(thu, 3) == date(2026, 12, 29)
    assert OUVRES.add_business_days(thu, 3) == date(2026, 12, 30)  # Sat 26 does not count
    assert BusinessCalendar(subdiv="57").add_business_days(thu, 3) == date(2026, 12, 30)
    # Starting on a Sunday: Monday is the first.
    assert OUVRABLES.add_business_days(date(2026, 6, 14), 1) == date(2026, 6, 15)
    with pytest.raises(ValueError):
        OUVRABLES.add_business_days(thu, -1)


def test_add_business_days_across_easter_and_new_year() -> None:
    # Thu 2 April 2026 → Fri 3, Sat 4, (Sun 5, Easter Monday 6), Tue 7.
    assert OUVRABLES.add_business_days(date(2026, 4, 2), 3) == date(2026, 4, 7)
    # Alsace: Good Friday is closed too.
    assert BusinessCalendar(subdiv="6AE").add_business_days(date(2026, 4, 2), 3) == date(2026, 4, 8)
    # Wed 30 Dec 2026 → Thu 31, (Fri 1 Jan), Sat 2, Mon 4.
    assert OUVRABLES.add_business_days(date(2026, 12, 30), 3) == date(2027, 1, 4)


def test_end_of_business_day_is_2359_paris_in_utc() -> None:
    due = OUVRABLES.end_of_business_day(paris(2026, 12, 24, 16), 3)
    assert due.tzinfo is timezone.utc
    assert due == paris(2026, 12, 29, 23, 59, 59)
    assert due == utc(2026, 12, 29, 22, 59, 59)  # winter: UTC+1
    summer = OUVRABLES.end_of_business_day(paris(2026, 6, 10, 9), 1)
    assert summer == utc(2026, 6, 11, 21, 59, 59)  # summer: UTC+2


def test_days_are_counted_from_the_paris_date() -> None:
    # 22:30 UTC on Friday 12 June is already Saturday 13 in Paris.
    late = utc(2026, 6, 12, 22, 30)
    assert paris_date(late) == date(2026, 6, 13)
    assert OUVRABLES.end_of_business_day(late, 1) == paris(2026, 6, 15, 23, 59, 59)
    # One minute earlier than midnight in Paris, the start day is still Friday.
    assert OUVRABLES.end_of_business_day(utc(2026, 6, 12, 21, 59), 1) == paris(2026, 6, 13, 23, 59, 59)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        OUVRABLES.end_of_business_day(datetime(2026, 6, 12, 10), 1)
    with pytest.raises(ValueError, match="naive"):
        OUVRABLES.next_working_instant(datetime(2026, 6, 12, 10))
    with pytest.raises(ValueError, match="naive"):
        as_utc(datetime(2026, 6, 12, 10))


def test_next_working_instant() -> None:
    inside = paris(2026, 6, 12, 10, 15)  # Friday morning
    assert OUVRABLES.next_working_instant(inside) == inside
    assert OUVRABLES.next_working_instant(inside).tzinfo is timezone.utc
    # Early morning: same day at 08:00.
    assert OUVRABLES.next_working_instant(paris(2026, 6, 12, 6)) == paris(2026, 6, 12, 8)
    # Friday evening: Saturday 08:00 (ouvrables) vs Monday 08:00 (ouvrés).
    evening = paris(2026, 6, 12, 20)
    assert OUVRABLES.next_working_instant(evening) == paris(2026, 6, 13, 8)
    assert OUVRES.next_working_instant(evening) == paris(2026, 6, 15, 8)
    # The end of working hours is excluded.
    assert OUVRABLES.next_working_instant(paris(2026, 6, 12, 19)) == paris(2026, 6, 13, 8)
    # Sunday noon and a holiday (Tue 14 July) are not working time.
    assert OUVRABLES.next_working_instant(paris(2026, 6, 14, 12)) == paris(2026, 6, 15, 8)
    assert OUVRABLES.next_working_instant(paris(2026, 7, 14, 10)) == paris(2026, 7, 15, 8)
    # Custom hours.
    late_shop = BusinessCalendar(work_start=time(10), work_end=time(18))
    assert late_shop.next_working_instant(paris(2026, 6, 12, 9)) == paris(2026, 6, 12, 10)


def test_dict_round_trip_is_json_safe() -> None:
    cal = BusinessCalendar(
        kind="ouvres",
        subdiv="57",
        closed_days=(date(2026, 8, 14),),
        work_start=time(9, 30),
        work_end=time(17),
    )
    data = json.loads(json.dumps(cal.to_dict()))
    assert data == {
        "kind": "ouvres",
        "subdiv": "57",
        "closed_days": ["2026-08-14"],
        "work_start": "09:30",
        "work_end": "17:00",
    }
    assert BusinessCalendar.from_dict(data) == cal
    assert BusinessCalendar.from_dict({}) == OUVRABLES
    assert BusinessCalendar.from_dict(None) == OUVRABLES
    with pytest.raises(CalendarError, match="unknown calendar keys"):
        BusinessCalendar.from_dict({"kind": "ouvres", "timezone": "UTC"})
    with pytest.raises(CalendarError, match="work_start"):
        BusinessCalendar.from_dict({"work_start": "8h"})
    with pytest.raises(CalendarError, match="subdivision"):
        BusinessCalendar.from_dict({"subdiv": "GES"})
