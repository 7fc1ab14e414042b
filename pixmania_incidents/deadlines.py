"""Every deadline of SPEC section 3, computed in one place.

Why: a deadline shown on a card, checked by the sweep and judged in arbitration must be the
same instant everywhere. Two rules, no exceptions:

* hour deadlines (response, return label, refund) are elapsed hours in UTC arithmetic, so
  they are exactly N hours long across daylight-saving changes;
* business-day deadlines (resolution, customer's answer and reminder, arbitration, statement,
  shipment, automatic receipt of a return) end at 23:59:59 Paris on the Nth business day
  after the Paris date of their start (the start day never counts) — the whole last day is
  given, as the SPEC's resolution example does.

Calendar-day periods are the exception the policy implies: the customer's 14 days to send
an item back end at 23:59:59 Paris on the 14th day (a consumer's "14 jours"), while the
automatic closure 7 days after the last obligation is met is plain elapsed time.
All functions take aware datetimes and return aware UTC datetimes.
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
    AUTO_CLOSE_DAYS,
    CUSTOMER_ANSWER_BUSINESS_DAYS,
    CUSTOMER_REMINDER_BUSINESS_DAYS,
    CUSTOMER_RETURN_DAYS,
    REFUND_HOURS,
    RESPONSE_MAX_HOURS,
    RESPONSE_TARGET_HOURS,
    RETURN_AUTO_RECEIVED_BUSINESS_DAYS,
    RETURN_LABEL_HOURS,
    SHIPMENT_BUSINESS_DAYS,
    STATEMENT_WINDOW_BUSINESS_DAYS,
    ObligationKind,
    type_policy,
)

AT_RISK_WINDOW = timedelta(hours=AT_RISK_HOURS)


class DeadlineState(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    breached = "breached"
    met = "met"
    met_late = "met_late"
    escalated = "escalated"
    cancelled = "cancelled"


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


def customer_answer_due_at(proposed_at: datetime, cal: BusinessCalendar) -> datetime:
    """Past this, an unanswered proposal closes the incident as ``no_customer_reply``."""
    return cal.end_of_business_day(proposed_at, CUSTOMER_ANSWER_BUSINESS_DAYS)


def customer_reminder_at(proposed_at: datetime, cal: BusinessCalendar) -> datetime:
    """When the customer is reminded of a pending proposal (end of the 3rd business day)."""
    return cal.end_of_business_day(proposed_at, CUSTOMER_REMINDER_BUSINESS_DAYS)


def arbitration_due_at(taken_at: datetime, cal: BusinessCalendar) -> datetime:
    """The arbitrator decides within 2 business days of taking the case."""
    return cal.end_of_business_day(taken_at, ARBITRATION_DECISION_BUSINESS_DAYS)


def statement_due_at(requested_at: datetime, cal: BusinessCalendar) -> datetime:
    """The other party may add a statement within 2 business days of the arbitration request."""
    return cal.end_of_business_day(requested_at, STATEMENT_WINDOW_BUSINESS_DAYS)


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

    ``settled``: None while the clock runs, ``"escalated"`` (frozen when arbitration is
    requested) or ``"cancelled"`` (withdrawn or closed before it mattered).
    ``paused``: the resolution clock while a proposal awaits the customer's answer.
    ``at_risk_from``: when the clock turns at risk; None means 24 h before ``due_at`` (for
    the response, pass its 24 h target).
    """

    kind: str
    due_at: datetime
    met_at: datetime | None = None
    settled: Literal["escalated", "cancelled"] | None = None
    paused: bool = False
    at_risk_from: datetime | None = None

    def __post_init__(self) -> None:
        if self.settled not in (None, "escalated", "cancelled"):
            raise ValueError(f"settled must be None, 'escalated' or 'cancelled', got {self.settled!r}")
        for name in ("due_at", "met_at", "at_risk_from"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, as_utc(value))

    @property
    def at_risk_at(self) -> datetime:
        """The instant the clock turns at risk."""
        return self.at_risk_from if self.at_risk_from is not None else self.due_at - AT_RISK_WINDOW


def deadline_state(d: Deadline, now: datetime) -> DeadlineState:
    """The state of ``d`` at ``now``: settled wins, then met, then pause, then the clock."""
    now = as_utc(now)
    if d.settled is not None:
        return DeadlineState(d.settled)
    if d.met_at is not None:
        return DeadlineState.met if d.met_at <= d.due_at else DeadlineState.met_late
    if d.paused:
        return DeadlineState.on_track
    if now >= d.due_at:
        return DeadlineState.breached
    if now >= d.at_risk_at:
        return DeadlineState.at_risk
    return DeadlineState.on_track


def breached_at(d: Deadline, now: datetime | None = None) -> datetime | None:
    """The instant ``d`` was breached (its due instant), or None if it was not.

    A met deadline is breached only if met late. An unmet one is breached unless paused or,
    when ``now`` is given, unless ``now`` is still before the due instant; for a settled
    (escalated/cancelled) deadline pass its settling instant as ``now``.
    """
    if d.met_at is not None:
        return d.due_at if d.met_at > d.due_at else None
    if d.paused or (now is not None and as_utc(now) < d.due_at):
        return None
    return d.due_at


def next_check_at(d: Deadline, now: datetime) -> datetime | None:
    """The next instant at which ``d`` changes state by itself (for the sweep), or None."""
    if d.settled is not None or d.met_at is not None or d.paused:
        return None
    now = as_utc(now)
    return next((t for t in (d.at_risk_at, d.due_at) if t > now), None)


__all__ = [
    "AT_RISK_WINDOW",
    "Deadline",
    "DeadlineState",
    "arbitration_due_at",
    "auto_close_at",
    "breached_at",
    "customer_answer_due_at",
    "customer_reminder_at",
    "deadline_state",
    "deadlines_for",
    "next_check_at",
    "obligation_due_at",
    "resolution_due_at",
    "response_due_at",
    "response_target_at",
    "return_auto_received_at",
    "statement_due_at",
]
