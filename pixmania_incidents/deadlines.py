"""Every deadline of SPEC sections 3 and 8, computed in one place.

Why: a deadline shown on a card, checked by the sweep and judged in arbitration must be the
same instant everywhere. The rules, no exceptions:

* hour deadlines (response, return label, refund) are elapsed hours in UTC arithmetic, so
  they are exactly N hours long across daylight-saving changes;
* business-day deadlines (resolution, customer's answer and reminder, arbitration, statement,
  shipment, automatic receipt of a return) end at 23:59:59 Paris on the Nth business day
  after the Paris date of their start (the start day never counts) — the whole last day is
  given, as the SPEC's resolution example does. The seller's count the shop's calendar; the
  customer's and the arbitrator's count only the statutory days (SPEC 8.7);
* a deadline is breached from the second after its due instant: due at 23:59:59, breached at
  00:00:00 (SPEC 8.8); it is at risk in the last quarter of its span, its last 24 h at most
  (SPEC 8.6); once breached it stays breached until met (late) or settled (SPEC 8.2).

Calendar-day periods are the exception the policy implies: the customer's 14 days to send
an item back end at 23:59:59 Paris on the 14th day (a consumer's "14 jours"), while the
automatic closures (7 days after the last obligation is met, or after a missed return) are
plain elapsed time. All functions take aware datetimes and return aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from enum import StrEnum
from typing import Literal

from .calendar import PARIS, BusinessCalendar, as_utc, paris_date
from .policy import (
    ARBITRATION_DECISION_BUSINESS_DAYS,
    AT_RISK_HOURS,
    AT_RISK_SHARE,
    AUTO_CLOSE_DAYS,
    CUSTOMER_ANSWER_BUSINESS_DAYS,
    CUSTOMER_REMINDER_BUSINESS_DAYS,
    CUSTOMER_RETURN_DAYS,
    REFUND_HOURS,
    RESPONSE_MAX_HOURS,
    RESPONSE_TARGET_HOURS,
    RETURN_AUTO_RECEIVED_BUSINESS_DAYS,
    RETURN_LABEL_HOURS,
    RETURN_NOT_SENT_CLOSE_DAYS,
    RETURN_REMINDER_BUSINESS_DAYS,
    SHIPMENT_BUSINESS_DAYS,
    STATEMENT_WINDOW_BUSINESS_DAYS,
    ObligationKind,
    type_policy,
)

AT_RISK_WINDOW = timedelta(hours=AT_RISK_HOURS)
#: How much past its due instant a deadline is breached: due 23:59:59, breached 00:00:00.
_BREACH_DELAY = timedelta(seconds=1)


class DeadlineState(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    breached = "breached"
    met = "met"
    met_late = "met_late"
    escalated = "escalated"
    cancelled = "cancelled"


# --- when a deadline breaches and turns at risk --------------------------------------------


def breach_instant(due_at: datetime) -> datetime:
    """The first instant a deadline due at ``due_at`` is breached (SPEC 8.8)."""
    return as_utc(due_at) + _BREACH_DELAY


def is_overdue(due_at: datetime, at: datetime) -> bool:
    """Whether ``at`` is past a deadline due at ``due_at`` (its due second still counts)."""
    return as_utc(at) >= breach_instant(due_at)


def at_risk_window(start: datetime, due_at: datetime) -> timedelta:
    """How long before its due instant a deadline started at ``start`` turns at risk: the last
    quarter of its span, 24 h at most (SPEC 8.6)."""
    return min((as_utc(due_at) - as_utc(start)) / AT_RISK_SHARE, AT_RISK_WINDOW)


#: The states of a deadline that is still running (what boards and filters offer).
OPEN_DEADLINE_STATES: tuple[str, ...] = (DeadlineState.on_track, DeadlineState.at_risk, DeadlineState.breached)

# --- the seller's response and resolution ------------------------------------------------


def response_target_at(opened_at: datetime) -> datetime:
    """The 24 h response target (after it, the response is at risk)."""
    return as_utc(opened_at) + timedelta(hours=RESPONSE_TARGET_HOURS)


def response_due_at(opened_at: datetime) -> datetime:
    """The 48 h response maximum, in elapsed hours (DST changes do not stretch it)."""
    return as_utc(opened_at) + timedelta(hours=RESPONSE_MAX_HOURS)


def resolution_due_at(type: str, opened_at: datetime, cal: BusinessCalendar) -> datetime:
    """End of the Nth business day after the opening day (N = 7 for not_received, else 3)."""
    return cal.end_of_business_day(opened_at, type_policy(type).resolution_business_days)


def deadlines_for(type: str, opened_at: datetime, cal: BusinessCalendar) -> dict[str, datetime]:
    """The deadlines that start when an incident is opened, keyed by name."""
    return {
        "response_target_at": response_target_at(opened_at),
        "response_due_at": response_due_at(opened_at),
        "resolution_due_at": resolution_due_at(type, opened_at, cal),
    }


# --- the customer's answer, arbitration --------------------------------------------------
# `cal` is the incident's (the shop's) calendar; these windows are not the shop's, so they
# count its statutory days only (SPEC 8.7).


def customer_answer_due_at(proposed_at: datetime, cal: BusinessCalendar) -> datetime:
    """Past this, an unanswered proposal closes the incident as ``no_customer_reply``."""
    return cal.statutory().end_of_business_day(proposed_at, CUSTOMER_ANSWER_BUSINESS_DAYS)


def customer_reminder_at(proposed_at: datetime, cal: BusinessCalendar) -> datetime:
    """When the customer is reminded of a pending proposal (end of the 3rd business day)."""
    return cal.statutory().end_of_business_day(proposed_at, CUSTOMER_REMINDER_BUSINESS_DAYS)


def arbitration_due_at(taken_at: datetime, cal: BusinessCalendar) -> datetime:
    """The arbitrator decides within 2 business days of taking the case."""
    return cal.statutory().end_of_business_day(taken_at, ARBITRATION_DECISION_BUSINESS_DAYS)


def statement_due_at(requested_at: datetime, cal: BusinessCalendar) -> datetime:
    """The other party may add a statement within 2 business days of the arbitration request."""
    return cal.statutory().end_of_business_day(requested_at, STATEMENT_WINDOW_BUSINESS_DAYS)


# --- obligations -------------------------------------------------------------------------


def _end_of_calendar_day(start: datetime, days: int) -> datetime:
    day = paris_date(start) + timedelta(days=days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=PARIS).astimezone(timezone.utc)


def obligation_due_at(kind: str, start: datetime, cal: BusinessCalendar) -> datetime:
    """Due instant of an obligation created (or, for a return's refund, started) at ``start``.

    For the refund of ``return_and_refund`` pass the instant the return was received.
    """
    match ObligationKind(kind):
        case ObligationKind.return_label:
            return as_utc(start) + timedelta(hours=RETURN_LABEL_HOURS)
        case ObligationKind.replacement_shipment:
            return cal.end_of_business_day(start, SHIPMENT_BUSINESS_DAYS)
        case ObligationKind.refund:
            return as_utc(start) + timedelta(hours=REFUND_HOURS)
        case ObligationKind.customer_return:
            return _end_of_calendar_day(start, CUSTOMER_RETURN_DAYS)
    raise AssertionError(f"unhandled obligation kind {kind!r}")  # pragma: no cover


def return_reminder_at(return_due_at: datetime, cal: BusinessCalendar) -> datetime:
    """When the customer is reminded to send the item back: at midnight Paris opening the 3rd
    business day counted back from the return's last day (that day included), so 3 business
    days are left (SPEC 8.1; statutory days, SPEC 8.7)."""
    last_day = paris_date(return_due_at)
    day = cal.statutory().business_days_before(last_day + timedelta(days=1), RETURN_REMINDER_BUSINESS_DAYS)
    return datetime.combine(day, time(0, 0), tzinfo=PARIS).astimezone(timezone.utc)


def return_not_sent_close_at(breached_at: datetime) -> datetime:
    """A case whose item was never sent back closes by itself 7 days (elapsed) after the breach."""
    return as_utc(breached_at) + timedelta(days=RETURN_NOT_SENT_CLOSE_DAYS)


def return_auto_received_at(declared_at: datetime, cal: BusinessCalendar) -> datetime:
    """A return the customer declared delivered (with the carrier's proof) counts as received
    at the end of the 3rd business day after the declaration, unless the seller marks it sooner."""
    return cal.end_of_business_day(declared_at, RETURN_AUTO_RECEIVED_BUSINESS_DAYS)


def auto_close_at(last_obligation_met_at: datetime) -> datetime:
    """The incident closes by itself 7 days (elapsed) after its last obligation is met."""
    return as_utc(last_obligation_met_at) + timedelta(days=AUTO_CLOSE_DAYS)


# --- states ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """One clock as the state rules see it.

    ``start``: when the clock started, the beginning of its span (unknown: at risk for the
    last 24 h). ``settled``: None while the clock runs, ``"escalated"`` (frozen when
    arbitration is requested) or ``"cancelled"`` (withdrawn or closed before it mattered).
    ``paused``: the resolution clock while a proposal made in time awaits the customer's
    answer. ``at_risk_from``: when the clock turns at risk, if not by the quarter rule (the
    response: its 24 h target). ``breached_at``: the breach already recorded, which nothing
    undoes but meeting or settling the clock.
    """

    kind: str
    due_at: datetime
    start: datetime | None = None
    met_at: datetime | None = None
    settled: Literal["escalated", "cancelled"] | None = None
    paused: bool = False
    at_risk_from: datetime | None = None
    breached_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.settled not in (None, "escalated", "cancelled"):
            raise ValueError(f"settled must be None, 'escalated' or 'cancelled', got {self.settled!r}")
        for name in ("due_at", "start", "met_at", "at_risk_from", "breached_at"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, as_utc(value))

    @property
    def at_risk_at(self) -> datetime:
        """The instant the clock turns at risk."""
        if self.at_risk_from is not None:
            return self.at_risk_from
        window = AT_RISK_WINDOW if self.start is None else at_risk_window(self.start, self.due_at)
        return self.due_at - window


def deadline_state(d: Deadline, now: datetime) -> DeadlineState:
    """The state of ``d`` at ``now``: settled wins, then met, then a recorded breach, then
    pause, then the clock."""
    now = as_utc(now)
    if d.settled is not None:
        return DeadlineState(d.settled)
    if d.met_at is not None:
        return DeadlineState.met_late if is_overdue(d.due_at, d.met_at) else DeadlineState.met
    if d.breached_at is not None:
        return DeadlineState.breached
    if d.paused:
        return DeadlineState.on_track
    if is_overdue(d.due_at, now):
        return DeadlineState.breached
    if now >= d.at_risk_at:
        return DeadlineState.at_risk
    return DeadlineState.on_track


def breached_at(d: Deadline, now: datetime | None = None) -> datetime | None:
    """The instant ``d`` was breached (the second after its due instant), or None if it was not.

    A met deadline is breached only if met late; a recorded breach stands. An unmet one is
    breached unless paused or, when ``now`` is given, unless ``now`` is not past the due
    instant yet; for a settled (escalated/cancelled) deadline pass its settling instant as ``now``.
    """
    if d.met_at is not None:
        return breach_instant(d.due_at) if is_overdue(d.due_at, d.met_at) else None
    if d.breached_at is not None:
        return d.breached_at
    if d.paused or (now is not None and not is_overdue(d.due_at, now)):
        return None
    return breach_instant(d.due_at)


def next_check_at(d: Deadline, now: datetime) -> datetime | None:
    """The next instant at which ``d`` changes state by itself (for the sweep), or None."""
    if d.settled is not None or d.met_at is not None or d.paused or d.breached_at is not None:
        return None
    now = as_utc(now)
    return next((t for t in (d.at_risk_at, breach_instant(d.due_at)) if t > now), None)


__all__ = [
    "AT_RISK_WINDOW",
    "Deadline",
    "DeadlineState",
    "arbitration_due_at",
    "at_risk_window",
    "auto_close_at",
    "breach_instant",
    "breached_at",
    "customer_answer_due_at",
    "customer_reminder_at",
    "deadline_state",
    "deadlines_for",
    "is_overdue",
    "next_check_at",
    "obligation_due_at",
    "resolution_due_at",
    "response_due_at",
    "response_target_at",
    "return_auto_received_at",
    "return_not_sent_close_at",
    "return_reminder_at",
    "statement_due_at",
]
