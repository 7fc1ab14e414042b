"""Deadlines of SPEC section 3: instants and states."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from pixmania_incidents.calendar import PARIS, BusinessCalendar
from pixmania_incidents.deadlines import (
    Deadline,
    DeadlineState,
    arbitration_due_at,
    auto_close_at,
    breached_at,
    customer_answer_due_at,
    customer_reminder_at,
    deadline_state,
    deadlines_for,
    next_check_at,
    obligation_due_at,
    resolution_due_at,
    response_due_at,
    response_target_at,
    return_auto_received_at,
    return_not_sent_close_at,
    return_reminder_at,
    statement_due_at,
)
from pixmania_incidents.policy import ObligationKind, UnknownType

SECOND = timedelta(seconds=1)
CAL = BusinessCalendar()
OUVRES = BusinessCalendar(kind="ouvres")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


# --- instants --------------------------------------------------------------------------------


def test_response_is_elapsed_hours_across_spring_dst() -> None:
    opened = datetime.fromisoformat("2026-03-27T22:30:00+01:00")
    due = response_due_at(opened)
    assert due == datetime.fromisoformat("2026-03-29T23:30:00+02:00")
    assert due.tzinfo is timezone.utc
    assert due.astimezone(PARIS).isoformat() == "2026-03-29T23:30:00+02:00"
    assert response_target_at(opened) == datetime.fromisoformat("2026-03-28T22:30:00+01:00")
    assert due - opened == timedelta(hours=48)


def test_resolution_spec_example_across_christmas_and_year_end() -> None:
    opened = paris(2026, 12, 24, 16)  # Thursday
    # Sat 26 (1), Mon 28 (2), Tue 29 (3).
    assert resolution_due_at("defective", opened, CAL) == paris(2026, 12, 29, 23, 59, 59)
    # Jours ouvrés skip Saturday 26.
    assert resolution_due_at("defective", opened, OUVRES) == paris(2026, 12, 30, 23, 59, 59)
    # Moselle: 26 December is a holiday.
    assert resolution_due_at("defective", opened, BusinessCalendar(subdiv="57")) == paris(2026, 12, 30, 23, 59, 59)


def test_not_received_has_seven_business_days_across_new_year() -> None:
    opened = paris(2026, 12, 28, 10)  # Monday
    # Tue 29, Wed 30, Thu 31, (Fri 1 Jan), Sat 2, Mon 4, Tue 5, Wed 6.
    assert resolution_due_at("not_received", opened, CAL) == paris(2027, 1, 6, 23, 59, 59)
    assert resolution_due_at("damaged", opened, CAL) == paris(2026, 12, 31, 23, 59, 59)


def test_resolution_across_october_dst_change() -> None:
    opened = paris(2026, 10, 23, 15)  # Friday, summer time (UTC+2)
    due = resolution_due_at("wrong_item", opened, CAL)
    # Sat 24 (1), Mon 26 (2), Tue 27 (3); clocks went back on Sunday 25.
    assert due == paris(2026, 10, 27, 23, 59, 59)
    assert due == datetime(2026, 10, 27, 22, 59, 59, tzinfo=timezone.utc)  # winter: UTC+1
    assert due.astimezone(PARIS).isoformat() == "2026-10-27T23:59:59+01:00"


def test_opening_late_utc_counts_from_the_paris_day() -> None:
    opened = datetime(2026, 6, 12, 22, 30, tzinfo=timezone.utc)  # Saturday 13 00:30 Paris
    # Mon 15 (1), Tue 16 (2), Wed 17 (3) — not Sat 13 (1), Mon 15, Tue 16.
    assert resolution_due_at("defective", opened, CAL) == paris(2026, 6, 17, 23, 59, 59)


def test_resolution_uses_shop_closed_days() -> None:
    cal = BusinessCalendar(closed_days=(date(2026, 6, 16),))
    opened = paris(2026, 6, 15, 10)  # Monday
    assert resolution_due_at("defective", opened, CAL) == paris(2026, 6, 18, 23, 59, 59)
    assert resolution_due_at("defective", opened, cal) == paris(2026, 6, 19, 23, 59, 59)


def test_deadlines_for_and_unknown_type() -> None:
    opened = paris(2026, 12, 24, 16)
    assert deadlines_for("defective", opened, CAL) == {
        "response_target_at": paris(2026, 12, 25, 16),
        "response_due_at": paris(2026, 12, 26, 16),
        "resolution_due_at": paris(2026, 12, 29, 23, 59, 59),
    }
    with pytest.raises(UnknownType):
        deadlines_for("lost", opened, CAL)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        response_due_at(datetime(2026, 6, 1, 10))
    with pytest.raises(ValueError, match="naive"):
        resolution_due_at("defective", datetime(2026, 6, 1, 10), CAL)


def test_customer_and_arbitration_deadlines() -> None:
    proposed = paris(2026, 6, 10, 11)  # Wednesday
    assert customer_reminder_at(proposed, CAL) == paris(2026, 6, 13, 23, 59, 59)  # Sat
    assert customer_answer_due_at(proposed, CAL) == paris(2026, 6, 16, 23, 59, 59)
    # SPEC 8.7: the shop's jours ouvrés do not stretch the customer's window.
    assert customer_answer_due_at(proposed, OUVRES) == paris(2026, 6, 16, 23, 59, 59)
    taken = paris(2026, 7, 13, 9)  # Monday before Bastille Day
    assert arbitration_due_at(taken, CAL) == paris(2026, 7, 16, 23, 59, 59)
    assert statement_due_at(taken, CAL) == paris(2026, 7, 16, 23, 59, 59)


def test_obligation_deadlines() -> None:
    start = paris(2026, 3, 28, 10)  # Saturday before the spring DST change
    # Elapsed hours: the clocks go forward on Sunday 29, so 24 h later reads 11:00.
    assert obligation_due_at(ObligationKind.return_label, start, CAL) == paris(2026, 3, 29, 11)
    assert obligation_due_at("refund", start, CAL) == paris(2026, 3, 30, 11)
    # Mon 30 (1), Tue 31 (2).
    assert obligation_due_at("replacement_shipment", start, CAL) == paris(2026, 3, 31, 23, 59, 59)
    # 14 calendar days, to the end of the day in Paris.
    assert obligation_due_at("customer_return", start, CAL) == paris(2026, 4, 11, 23, 59, 59)
    with pytest.raises(ValueError):
        obligation_due_at("apology", start, CAL)


def test_return_auto_received_and_auto_close() -> None:
    declared = paris(2026, 4, 2, 18)  # Thursday before Easter
    # Fri 3, Sat 4, (Easter Monday), Tue 7.
    assert return_auto_received_at(declared, CAL) == paris(2026, 4, 7, 23, 59, 59)
    assert return_auto_received_at(declared, BusinessCalendar(subdiv="6AE")) == paris(2026, 4, 8, 23, 59, 59)
    met = paris(2026, 3, 25, 12)
    assert auto_close_at(met) == paris(2026, 4, 1, 13)  # 7 × 24 h elapsed, across DST


# --- states ----------------------------------------------------------------------------------

DUE = datetime(2026, 6, 17, 21, 59, 59, tzinfo=timezone.utc)


def test_open_deadline_on_track_at_risk_breached() -> None:
    d = Deadline("resolution", DUE)
    assert deadline_state(d, DUE - timedelta(hours=25)) is DeadlineState.on_track
    assert deadline_state(d, DUE - timedelta(hours=24)) is DeadlineState.at_risk
    assert deadline_state(d, DUE - SECOND) is DeadlineState.at_risk
    # SPEC 8.8: due at 23:59:59, breached from the next second.
    assert deadline_state(d, DUE) is DeadlineState.at_risk
    assert deadline_state(d, DUE + SECOND) is DeadlineState.breached
    assert next_check_at(d, DUE - timedelta(hours=30)) == DUE - timedelta(hours=24)
    assert next_check_at(d, DUE - timedelta(hours=2)) == DUE + SECOND
    assert next_check_at(d, DUE + timedelta(hours=1)) is None


def test_breached_from_the_next_second_and_met_until_then() -> None:
    due = paris(2026, 6, 17, 23, 59, 59)
    d = Deadline("resolution", due)
    assert deadline_state(d, paris(2026, 6, 17, 23, 59, 59) + timedelta(milliseconds=999)) is DeadlineState.at_risk
    assert deadline_state(d, paris(2026, 6, 18, 0, 0, 0)) is DeadlineState.breached
    assert breached_at(d, paris(2026, 6, 18)) == paris(2026, 6, 18)
    assert breached_at(d, due) is None
    in_the_last_second = Deadline("resolution", due, met_at=due + timedelta(milliseconds=500))
    assert deadline_state(in_the_last_second, due + timedelta(days=1)) is DeadlineState.met
    assert breached_at(in_the_last_second) is None


def test_response_is_at_risk_after_the_24h_target() -> None:
    opened = paris(2026, 6, 10, 9)
    d = Deadline("response", response_due_at(opened), at_risk_from=response_target_at(opened))
    assert deadline_state(d, opened + timedelta(hours=23, minutes=59)) is DeadlineState.on_track
    assert deadline_state(d, opened + timedelta(hours=24)) is DeadlineState.at_risk
    assert deadline_state(d, opened + timedelta(hours=47)) is DeadlineState.at_risk
    assert deadline_state(d, opened + timedelta(hours=48)) is DeadlineState.at_risk
    assert deadline_state(d, opened + timedelta(hours=48) + SECOND) is DeadlineState.breached


def test_met_and_met_late() -> None:
    on_time = Deadline("resolution", DUE, met_at=DUE)
    late = Deadline("resolution", DUE, met_at=DUE + SECOND)
    long_after = DUE + timedelta(days=30)
    assert deadline_state(on_time, long_after) is DeadlineState.met
    assert deadline_state(late, long_after) is DeadlineState.met_late
    assert breached_at(on_time) is None
    assert breached_at(late) == DUE + SECOND
    assert next_check_at(on_time, DUE - timedelta(days=3)) is None


def test_settled_wins() -> None:
    escalated = Deadline("resolution", DUE, met_at=DUE + timedelta(hours=1), settled="escalated")
    cancelled = Deadline("resolution", DUE, settled="cancelled")
    assert deadline_state(escalated, DUE + timedelta(days=1)) is DeadlineState.escalated
    assert deadline_state(cancelled, DUE + timedelta(days=1)) is DeadlineState.cancelled
    # The escalated record keeps whether it was late.
    assert breached_at(escalated) == DUE + SECOND
    # Cancelled before it mattered: judged at the settling instant, never breached.
    assert breached_at(cancelled, DUE - timedelta(hours=5)) is None
    with pytest.raises(ValueError):
        Deadline("resolution", DUE, settled="met")  # type: ignore[arg-type]


def test_paused_resolution_cannot_turn_at_risk_or_breach() -> None:
    paused = Deadline("resolution", DUE, paused=True)
    assert deadline_state(paused, DUE - timedelta(hours=2)) is DeadlineState.on_track
    assert deadline_state(paused, DUE + timedelta(days=2)) is DeadlineState.on_track
    assert breached_at(paused, DUE + timedelta(days=2)) is None
    assert next_check_at(paused, DUE - timedelta(days=2)) is None
    # Refused: judged against its original due instant again.
    resumed = Deadline("resolution", DUE)
    assert deadline_state(resumed, DUE + timedelta(days=2)) is DeadlineState.breached
    assert breached_at(resumed, DUE + timedelta(days=2)) == DUE + SECOND


def test_a_recorded_breach_never_goes_back_to_on_track() -> None:
    """SPEC 8.2: a pause (a later proposal) or a later due instant cannot undo a breach."""
    breached = Deadline("resolution", DUE, breached_at=DUE + SECOND, paused=True)
    assert deadline_state(breached, DUE + timedelta(hours=1)) is DeadlineState.breached
    moved = Deadline("refund", DUE + timedelta(days=5), breached_at=DUE + SECOND)
    assert deadline_state(moved, DUE + timedelta(hours=1)) is DeadlineState.breached
    assert next_check_at(moved, DUE + timedelta(hours=1)) is None
    met = Deadline("resolution", DUE, breached_at=DUE + SECOND, met_at=DUE + timedelta(hours=1))
    assert deadline_state(met, DUE + timedelta(hours=2)) is DeadlineState.met_late


def test_breached_at_needs_the_due_instant_to_have_passed() -> None:
    d = Deadline("resolution", DUE)
    assert breached_at(d, DUE - SECOND) is None
    assert breached_at(d, DUE) is None
    assert breached_at(d, DUE + SECOND) == DUE + SECOND
    assert breached_at(d) == DUE + SECOND  # judged at the end


# --- at risk (SPEC 8.6) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,span,window",
    [
        ("return_label", timedelta(hours=24), timedelta(hours=6)),
        ("refund", timedelta(hours=48), timedelta(hours=12)),
        ("customer_return", timedelta(days=14), timedelta(hours=24)),
        ("replacement_shipment", timedelta(hours=40), timedelta(hours=10)),
    ],
)
def test_at_risk_in_the_last_quarter_of_the_span_at_most_24h(kind, span, window) -> None:
    start = paris(2026, 6, 10, 9)
    d = Deadline(kind, start + span, start=start)
    assert d.at_risk_at == start + span - window
    assert deadline_state(d, start) is DeadlineState.on_track
    assert deadline_state(d, d.at_risk_at - SECOND) is DeadlineState.on_track
    assert deadline_state(d, d.at_risk_at) is DeadlineState.at_risk


def test_resolution_of_three_business_days_is_at_risk_its_last_24h() -> None:
    opened = paris(2026, 12, 24, 16)  # the SPEC's example, due Tuesday 29 at 23:59:59
    due = resolution_due_at("defective", opened, CAL)
    assert Deadline("resolution", due, start=opened).at_risk_at == paris(2026, 12, 28, 23, 59, 59)


# --- whose calendar (SPEC 8.7) ----------------------------------------------------------------

SHOP = BusinessCalendar(kind="ouvres", subdiv="57", closed_days=(date(2026, 4, 4), date(2026, 4, 7)))
STATUTORY = BusinessCalendar(subdiv="57")


def test_the_customer_and_the_arbitrator_count_jours_ouvrables_with_holidays_only() -> None:
    at = paris(2026, 4, 2, 11)  # Thursday before Easter; Good Friday is a holiday in Moselle
    # Sat 4 (1), (Easter Monday), Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5): closed days and Saturdays count.
    assert customer_answer_due_at(at, SHOP) == paris(2026, 4, 10, 23, 59, 59)
    assert customer_reminder_at(at, SHOP) == paris(2026, 4, 8, 23, 59, 59)
    assert arbitration_due_at(at, SHOP) == paris(2026, 4, 7, 23, 59, 59)
    assert statement_due_at(at, SHOP) == paris(2026, 4, 7, 23, 59, 59)
    for fn in (customer_answer_due_at, customer_reminder_at, arbitration_due_at, statement_due_at):
        assert fn(at, SHOP) == fn(at, STATUTORY)
    # Without the subdivision Good Friday is a business day.
    assert arbitration_due_at(at, BusinessCalendar(kind="ouvres")) == paris(2026, 4, 4, 23, 59, 59)


def test_the_sellers_deadlines_keep_the_shops_calendar() -> None:
    at = paris(2026, 4, 2, 11)
    # Jours ouvrés, Good Friday, Easter Monday and the shop's 7 April closed: Wed 8 (1), Thu 9 (2), Fri 10 (3).
    assert resolution_due_at("defective", at, SHOP) == paris(2026, 4, 10, 23, 59, 59)
    assert obligation_due_at("replacement_shipment", at, SHOP) == paris(2026, 4, 9, 23, 59, 59)


def test_the_customer_is_reminded_three_business_days_before_the_return_is_due() -> None:
    due = obligation_due_at("customer_return", paris(2026, 3, 28, 10), CAL)  # Saturday 11 April, 23:59:59
    # Sat 11 (1), Fri 10 (2), Thu 9 (3): reminded at the start of Thursday.
    assert return_reminder_at(due, CAL) == paris(2026, 4, 9)
    # A Sunday deadline: Sat (1), Fri (2), Thu (3); the shop's own closed days do not count.
    sunday = paris(2026, 6, 14, 23, 59, 59)
    shop = BusinessCalendar(kind="ouvres", closed_days=(date(2026, 6, 12),))
    assert return_reminder_at(sunday, shop) == paris(2026, 6, 11)
    # Ascension (Thursday 14 May) is a holiday: Sat 16 (1), Fri 15 (2), Wed 13 (3).
    assert return_reminder_at(paris(2026, 5, 16, 23, 59, 59), CAL) == paris(2026, 5, 13)


def test_a_missed_return_closes_the_case_seven_days_after_the_breach() -> None:
    breach = paris(2026, 3, 25)
    assert return_not_sent_close_at(breach) == paris(2026, 4, 1, 1)  # 7 × 24 h, across the spring DST change


def test_deadline_instants_are_normalised_to_utc() -> None:
    d = Deadline("resolution", paris(2026, 6, 17, 23, 59, 59))
    assert d.due_at == DUE and d.due_at.tzinfo is timezone.utc
    assert d.at_risk_at == DUE - timedelta(hours=24)
    with pytest.raises(ValueError, match="naive"):
        Deadline("resolution", datetime(2026, 6, 17))
    with pytest.raises(ValueError, match="naive"):
        deadline_state(d, datetime(2026, 6, 17))
