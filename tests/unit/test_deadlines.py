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
    statement_due_at,
)
from pixmania_incidents.policy import ObligationKind, UnknownType

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
    assert customer_answer_due_at(proposed, OUVRES) == paris(2026, 6, 17, 23, 59, 59)
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
    assert deadline_state(d, DUE - timedelta(seconds=1)) is DeadlineState.at_risk
    assert deadline_state(d, DUE) is DeadlineState.breached
    assert next_check_at(d, DUE - timedelta(hours=30)) == DUE - timedelta(hours=24)
    assert next_check_at(d, DUE - timedelta(hours=2)) == DUE
    assert next_check_at(d, DUE + timedelta(hours=1)) is None


def test_response_is_at_risk_after_the_24h_target() -> None:
    opened = paris(2026, 6, 10, 9)
    d = Deadline("response", response_due_at(opened), at_risk_from=response_target_at(opened))
    assert deadline_state(d, opened + timedelta(hours=23, minutes=59)) is DeadlineState.on_track
    assert deadline_state(d, opened + timedelta(hours=24)) is DeadlineState.at_risk
    assert deadline_state(d, opened + timedelta(hours=47)) is DeadlineState.at_risk
    assert deadline_state(d, opened + timedelta(hours=48)) is DeadlineState.breached


def test_met_and_met_late() -> None:
    on_time = Deadline("resolution", DUE, met_at=DUE)
    late = Deadline("resolution", DUE, met_at=DUE + timedelta(seconds=1))
    long_after = DUE + timedelta(days=30)
    assert deadline_state(on_time, long_after) is DeadlineState.met
    assert deadline_state(late, long_after) is DeadlineState.met_late
    assert breached_at(on_time) is None
    assert breached_at(late) == DUE
    assert next_check_at(on_time, DUE - timedelta(days=3)) is None


def test_settled_wins() -> None:
    escalated = Deadline("resolution", DUE, met_at=DUE + timedelta(hours=1), settled="escalated")
    cancelled = Deadline("resolution", DUE, settled="cancelled")
    assert deadline_state(escalated, DUE + timedelta(days=1)) is DeadlineState.escalated
    assert deadline_state(cancelled, DUE + timedelta(days=1)) is DeadlineState.cancelled
    # The escalated record keeps whether it was late.
    assert breached_at(escalated) == DUE
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
    assert breached_at(resumed, DUE + timedelta(days=2)) == DUE


def test_breached_at_needs_the_due_instant_to_have_passed() -> None:
    d = Deadline("resolution", DUE)
    assert breached_at(d, DUE - timedelta(seconds=1)) is None
    assert breached_at(d, DUE) == DUE
    assert breached_at(d) == DUE  # judged at the end


def test_deadline_instants_are_normalised_to_utc() -> None:
    d = Deadline("resolution", paris(2026, 6, 17, 23, 59, 59))
    assert d.due_at == DUE and d.due_at.tzinfo is timezone.utc
    assert d.at_risk_at == DUE - timedelta(hours=24)
    with pytest.raises(ValueError, match="naive"):
        Deadline("resolution", datetime(2026, 6, 17))
    with pytest.raises(ValueError, match="naive"):
        deadline_state(d, datetime(2026, 6, 17))
