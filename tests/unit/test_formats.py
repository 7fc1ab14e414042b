"""Money and dates the French way, and amounts read by one rule everywhere."""

from datetime import date, datetime, timezone

import pytest

from pixmania_incidents.formats import (
    due_when,
    file_size,
    hours,
    late_by,
    money,
    parse_cents,
    parse_day,
    parse_paris,
    percent,
    short_when,
    when,
)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12", 1200),
        ("12,5", 1250),
        ("12,50", 1250),
        ("12.05", 1205),
        ("0", 0),
        ("0,01", 1),
        (" 1 234,56 ", 123456),
        ("1\u202f234,56\xa0€", 123456),
        ("€12.50", 1250),
        ("12 €", 1200),
        ("9999999,99", 999999999),
    ],
)
def test_amounts_in_french_or_english_notation(typed, cents):
    assert parse_cents(typed) == cents


@pytest.mark.parametrize(
    "typed",
    [
        "-5",
        "+5",
        "-0,50",
        "1e30",
        "1e309",
        "inf",
        "-inf",
        "nan",
        "NaN",
        "Infinity",
        "abc",
        "",
        "   ",
        "€",
        None,
        "12,345",
        "12.",
        ",5",
        "1.234,56",
        "1,234.56",
        "12,5,0",
        "10000000",
        "99999999999999999999999",
        "١٢",
        "0x10",
        "1_000",
        "12 euros",
    ],
)
def test_what_is_not_an_amount_is_refused_not_crashed_on(typed):
    assert parse_cents(typed) is None


def test_money_is_french():
    assert money(123456) == "1\u202f234,56\xa0€"
    assert money(5) == "0,05\xa0€"
    assert money(123456, "en") == "€1,234.56"


def test_a_parsed_amount_prints_back_as_typed():
    assert money(parse_cents("1 234,56")) == "1\u202f234,56\xa0€"


def test_dates_are_french_in_paris_time():
    instant = datetime(2026, 12, 29, 22, 59, 59, tzinfo=timezone.utc)
    assert when(instant) == "mardi 29 décembre 2026 à 23:59"
    assert when(instant, "en") == "Tuesday 29 December 2026 at 23:59"
    assert short_when(instant) == "29/12/2026 23:59"
    # Beside a countdown, which says how near: "échéance : mardi 29 décembre, 23:59".
    assert due_when(instant) == "mardi 29 décembre, 23:59"
    assert due_when(instant, "en") == "Tuesday 29 December, 23:59"
    assert due_when(None) == ""


def test_iso_text_and_instants_print_alike():
    instant = datetime(2026, 7, 1, 8, 5, tzinfo=timezone.utc)
    assert when(instant.isoformat(), "fr") == when(instant, "fr") == "mercredi 1 juillet 2026 à 10:05"
    assert short_when(None) == when("") == ""


def test_typed_days_and_local_times():
    assert parse_day("2026-12-24") == date(2026, 12, 24)
    assert parse_day("24/12/2026") is None and parse_day("") is None
    local = parse_paris("2026-12-24T16:00")
    assert local is not None and local.astimezone(timezone.utc).hour == 15
    assert parse_paris("demain") is None


def test_durations_and_figures():
    assert late_by(3 * 86400 + 4 * 3600, "fr") == "3 j 4 h"
    assert late_by(5 * 3600 + 7 * 60, "fr") == "5 h 07"
    assert late_by(5 * 3600 + 7 * 60, "en") == "5 h 07"  # as the countdown says "Overdue by 5 h 07"
    assert late_by(2 * 86400 + 3 * 3600, "en") == "2 d 3 h"
    assert late_by(None) == ""
    assert hours(4.25, "fr") == "4,2 h" and hours(None) == "—"
    assert percent(0.125) == "12 %" and percent(None) == "—"
    assert file_size(1536 * 1024, "fr") == "1,5 Mo" and file_size(2048, "en") == "2 KB"
