"""An incident's clocks as `Deadline` rows, and the obligations that own some of them.

Why here: the card on the board, the sweep and the arbitrator must read the same due
instants and states. Instants come from `deadlines` (the only place that computes them),
states from `deadlines.deadline_state`; this module stores them, keeps `next_check_at`
(the next instant a clock can change by itself, which the sweep indexes) and
denormalises the nearest due, the worst state and who holds the ball onto the incident.

Clock kinds: response, resolution, customer_answer, arbitration_decision, statement, and
one per obligation (`col(Deadline.obligation_id)` set, `kind` = the obligation kind, e.g.
"refund"; the kind column is too short for an "obligation:" prefix).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from pixmania_incidents import deadlines as dl
from pixmania_incidents.calendar import BusinessCalendar
from pixmania_incidents.deadlines import DeadlineState
from pixmania_incidents.lifecycle import Ball, OpenClock, ball
from pixmania_incidents.models import (
    Deadline,
    Decision,
    Incident,
    Obligation,
    Proposal,
    Refund,
    ReplacementShipment,
    ReturnLabel,
)
from pixmania_incidents.policy import (
    OBLIGATION_HOLDER,
    ObligationKind,
    ObligationStart,
    obligation_start,
    obligations_for,
)
from pixmania_incidents.services import notifications
from pixmania_incidents.services.common import SYSTEM, existing, now, record_event

RESPONSE = "response"
RESOLUTION = "resolution"
CUSTOMER_ANSWER = "customer_answer"
ARBITRATION_DECISION = "arbitration_decision"
STATEMENT = "statement"

#: A window the holder may use, not a duty: its closing is no breach of the case.
_RIGHTS = frozenset({STATEMENT})
_SEVERITY = {DeadlineState.on_track: 0, DeadlineState.at_risk: 1, DeadlineState.breached: 2}
_OPEN_STATES = frozenset(_SEVERITY)
#: Whom to tell about a clock, by holder.
HOLDER_AUDIENCE = {"seller": "shop", "customer": "customer", "arbitrator": "arbitrator"}


@dataclass(frozen=True)
class Change:
    """A clock whose state moved during `refresh` (for the event log and notifications)."""

    deadline_id: int
    incident_id: int
    kind: str
    holder: str
    before: str
    after: str
    due_at: datetime


def calendar_of(incident: Incident) -> BusinessCalendar:
    """The calendar copied at opening (never the shop's current one)."""
    return BusinessCalendar.from_dict(incident.calendar)


def _rule(row: Deadline) -> dl.Deadline:
    return dl.Deadline(
        kind=row.kind,
        due_at=row.due_at,
        met_at=row.met_at,
        settled=row.settled,  # type: ignore[arg-type]
        paused=row.paused,
        at_risk_from=row.at_risk_at,
        breached_at=row.breached_at,
    )


def is_open(row: Deadline) -> bool:
    return row.settled is None and row.met_at is None


def clocks_of(session: Session, incident: Incident) -> list[Deadline]:
    return list(
        session.exec(select(Deadline).where(col(Deadline.incident_id) == incident.id).order_by(col(Deadline.id))).all()
    )


def current(session: Session, incident: Incident, kind: str) -> Deadline | None:
    """The open clock of `kind` (the latest, if the case restarted one)."""
    rows = [r for r in clocks_of(session, incident) if r.kind == kind and is_open(r)]
    return rows[-1] if rows else None


def latest(session: Session, incident: Incident, kind: str) -> Deadline | None:
    rows = [r for r in clocks_of(session, incident) if r.kind == kind]
    return rows[-1] if rows else None


def start(
    session: Session,
    incident: Incident,
    kind: str,
    holder: str,
    due_at: datetime,
    at: datetime,
    *,
    at_risk_at: datetime | None = None,
    obligation_id: int | None = None,
) -> Deadline:
    rule = dl.Deadline(kind=kind, due_at=due_at, start=at, at_risk_from=at_risk_at)
    row = Deadline(
        incident_id=incident.id,
        kind=kind,
        holder=holder,
        obligation_id=obligation_id,
        due_at=rule.due_at,
        at_risk_at=rule.at_risk_at,
        created_at=at,
    )
    session.add(row)
    session.flush()
    return row


def meet(session: Session, incident: Incident, kind: str, at: datetime) -> Deadline | None:
    """Stamp the open clock of `kind` as met at `at` (late if after its due instant)."""
    row = current(session, incident, kind)
    if row is not None:
        _meet_row(session, row, at)
    return row


def _meet_row(session: Session, row: Deadline, at: datetime) -> None:
    row.paused = False
    row.met_at = at
    row.breached_at = row.breached_at or dl.breached_at(_rule(row))
    session.add(row)


def settle(session: Session, row: Deadline, how: str, at: datetime) -> None:
    """Freeze a clock as `escalated` or `cancelled`, keeping whether it was already breached."""
    if not is_open(row):
        return
    row.paused = False
    row.breached_at = row.breached_at or dl.breached_at(_rule(row), at)
    row.settled = how
    session.add(row)


def settle_kind(session: Session, incident: Incident, kind: str, how: str, at: datetime) -> None:
    row = current(session, incident, kind)
    if row is not None:
        settle(session, row, how, at)


def settle_all(session: Session, incident: Incident, how: str, at: datetime) -> None:
    for row in clocks_of(session, incident):
        settle(session, row, how, at)


def pause(session: Session, incident: Incident, kind: str, at: datetime) -> None:
    """Hold the clock while a proposal awaits the customer; a clock already breached is not
    held, so a late proposal pauses nothing (SPEC 8.2)."""
    row = current(session, incident, kind)
    if row is not None and not was_breached(row, at):
        row.paused = True
        session.add(row)


def resume(session: Session, incident: Incident, kind: str) -> None:
    """Judge the clock against its original due instant again."""
    row = current(session, incident, kind)
    if row is not None:
        row.paused = False
        session.add(row)


def was_breached(row: Deadline | None, at: datetime) -> bool:
    """Breached now or at any time (met late, or frozen after its due instant)."""
    if row is None:
        return False
    if row.breached_at is not None:
        return True
    return is_open(row) and dl.breached_at(_rule(row), at) is not None


#: Clocks whose holder is reminded before the end: kind -> (when, notification kind).
_REMINDERS = {
    CUSTOMER_ANSWER: (lambda row, cal: dl.customer_reminder_at(row.created_at, cal), "customer_reminder"),
    ObligationKind.customer_return.value: (lambda row, cal: dl.return_reminder_at(row.due_at, cal), "return_reminder"),
}


def _reminder_at(incident: Incident, row: Deadline, at: datetime) -> datetime | None:
    """When this clock's holder is to be reminded, if it reminds and that is still to be done."""
    rule = _REMINDERS.get(row.kind)
    if rule is None or not is_open(row) or row.reminded_at is not None or dl.is_overdue(row.due_at, at):
        return None
    when = rule[0](row, calendar_of(incident))
    return when if when < row.due_at else None


def reminder_due(incident: Incident, row: Deadline, at: datetime) -> str | None:
    """The notification kind of the reminder to send now on this clock (the customer's answer
    after 3 business days, the return 3 business days before its end), or None."""
    when = _reminder_at(incident, row, at)
    return _REMINDERS[row.kind][1] if when is not None and when <= at else None


def _next_check(incident: Incident, row: Deadline, at: datetime) -> datetime | None:
    dated = [c for c in (dl.next_check_at(_rule(row), at), _reminder_at(incident, row, at)) if c is not None]
    return min(dated) if dated else None


def refresh(session: Session, incident: Incident, now: datetime) -> list[Change]:
    """Recompute every clock's state, then the incident's denormalised deadline fields."""
    changes: list[Change] = []
    rows = clocks_of(session, incident)
    for row in rows:
        state = dl.deadline_state(_rule(row), now)
        if state == DeadlineState.breached and row.breached_at is None:
            row.breached_at = dl.breach_instant(row.due_at)
        if state != row.state:
            changes.append(Change(row.id, incident.id, row.kind, row.holder, row.state, state.value, row.due_at))
            row.state = state.value
        row.next_check_at = _next_check(incident, row, now)
        session.add(row)
    running = [r for r in rows if is_open(r) and not r.paused]
    duties = [r for r in running if r.kind not in _RIGHTS]
    incident.next_due_at = min((r.due_at for r in running), default=None)
    incident.deadline_state = max(
        (DeadlineState(r.state) for r in duties if r.state in _OPEN_STATES),
        key=_SEVERITY.__getitem__,
        default=DeadlineState.on_track,
    ).value
    # The column holds the mover only; "waiting for an arbitrator" is arbitrator_id None.
    holder = ball_of(session, incident, rows).holder or ""
    incident.ball = "arbitrator" if holder == "waiting_arbitrator" else holder
    session.add(incident)
    return changes


def ball_of(session: Session, incident: Incident, rows: list[Deadline] | None = None) -> Ball:
    """Who holds the ball and by when (`lifecycle.ball` over the running clocks; `rows`:
    the incident's clocks when the caller has just read them)."""
    rows = clocks_of(session, incident) if rows is None else rows
    open_clocks = [OpenClock(r.holder, r.due_at) for r in rows if is_open(r) and not r.paused and r.kind not in _RIGHTS]
    # Obligations that cannot start yet (refund before the return arrives) have no clock.
    clocked = {r.obligation_id for r in rows if r.obligation_id is not None}
    open_clocks += [OpenClock(o.holder, None) for o in open_obligations(session, incident) if o.id not in clocked]
    return ball(incident.state, open_clocks, incident.arbitrator_id)


def announce(session: Session, incident: Incident, changes: Iterable[Change]) -> None:
    """Record and tell the clocks that turned at risk or breached by themselves, once each,
    and apply what a breach entails (a missed return, `_return_missed`).

    Shared by the services (a clock may turn while someone acts) and the sweep."""
    for change in changes:
        if change.after not in (DeadlineState.at_risk, DeadlineState.breached):
            continue
        detail: dict[str, Any] = {"deadline": change.kind, "holder": change.holder, "due_at": change.due_at}
        record_event(
            session,
            incident,
            SYSTEM,
            f"deadline_{change.after}",
            {"state": change.before},
            {**detail, "state": change.after},
        )
        if change.kind in _RIGHTS:
            continue
        if change.after == DeadlineState.breached and change.kind == ObligationKind.customer_return:
            _return_missed(session, incident, existing(session, Deadline, change.deadline_id))
            continue
        audiences = [HOLDER_AUDIENCE[change.holder]]
        if change.after == DeadlineState.breached:
            audiences.append("support")
        notifications.notify(session, f"deadline_{change.after}", incident, audiences, **detail)


def _return_missed(session: Session, incident: Incident, row: Deadline) -> None:
    """SPEC 8.1: the customer's return is breached. The seller's obligations that wait on it are
    cancelled, and the customer, the shop and support hear what follows (the case closes 7 days
    after the breach unless the item arrives) in one notice, instead of a plain breach alarm."""
    at = now()
    cancelled = [
        ob
        for ob in _waiting_on(session, existing(session, Obligation, row.obligation_id))
        if ob.met_at is None and ob.cancelled_at is None
    ]
    for ob in cancelled:
        ob.cancelled_at = at
        session.add(ob)
    closes_at = dl.return_not_sent_close_at(row.breached_at or at)  # breached now, when not recorded yet
    record_event(
        session,
        incident,
        SYSTEM,
        "return_missed",
        {},
        {"cancelled": [ob.kind for ob in cancelled], "closes_at": closes_at},
    )
    notifications.notify(
        session, "return_missed", incident, ["customer", "shop", "support"], due_at=row.due_at, closes_at=closes_at
    )


# --- obligations -------------------------------------------------------------------------


def open_obligations(session: Session, incident: Incident) -> list[Obligation]:
    """Neither met nor cancelled."""
    return list(
        session.exec(
            select(Obligation)
            .where(
                col(Obligation.incident_id) == incident.id,
                col(Obligation.met_at).is_(None),
                col(Obligation.cancelled_at).is_(None),
            )
            .order_by(col(Obligation.id))
        ).all()
    )


def _solution_of(session: Session, ob: Obligation) -> str:
    if ob.source == "decision":
        return existing(session, Decision, ob.source_id).outcome
    return existing(session, Proposal, ob.source_id).solution


def _waiting_on(session: Session, customer_return: Obligation) -> list[Obligation]:
    """The obligations of the same solution whose clock starts when this return is received."""
    solution = _solution_of(session, customer_return)
    siblings = session.exec(
        select(Obligation)
        .where(col(Obligation.source) == customer_return.source, col(Obligation.source_id) == customer_return.source_id)
        .order_by(col(Obligation.id))
    ).all()
    return [ob for ob in siblings if obligation_start(solution, ob.kind) == ObligationStart.receipt]


def create_obligations(
    session: Session,
    incident: Incident,
    source: str,
    source_id: int,
    solution: str,
    refund_cents: int | None,
    at: datetime,
) -> list[Obligation]:
    """The obligations an accepted proposal or a decision creates (policy.obligations_for).

    Each starts its clock when it can: the customer's return once a label exists, the
    refund of `return_and_refund` once the return is received."""
    created = []
    for kind in obligations_for(solution):
        starts_now = obligation_start(solution, kind) == ObligationStart.agreed
        ob = Obligation(
            incident_id=incident.id,
            source=source,
            source_id=source_id,
            kind=kind.value,
            holder=OBLIGATION_HOLDER[kind],
            amount_cents=refund_cents if kind == ObligationKind.refund else None,
            created_at=at,
        )
        if starts_now:
            ob.due_at = dl.obligation_due_at(kind, at, calendar_of(incident))
        session.add(ob)
        session.flush()
        if ob.due_at is not None:
            start(session, incident, ob.kind, ob.holder, ob.due_at, at, obligation_id=ob.id)
        created.append(ob)
    reconcile_obligations(session, incident, at)
    return created


def refunded_since(session: Session, incident: Incident, since: datetime) -> int:
    rows = session.exec(
        select(col(Refund.amount_cents)).where(col(Refund.incident_id) == incident.id, col(Refund.created_at) >= since)
    )
    return sum(rows.all())


def _labels(session: Session, incident: Incident) -> list[ReturnLabel]:
    return list(
        session.exec(
            select(ReturnLabel).where(col(ReturnLabel.incident_id) == incident.id).order_by(col(ReturnLabel.id))
        ).all()
    )


def _met_instant(ob: Obligation, session: Session, incident: Incident) -> datetime | None:
    """When the facts on record fulfilled this obligation, or None."""
    labels = _labels(session, incident)
    match ObligationKind(ob.kind):
        case ObligationKind.return_label:
            return max(labels[0].created_at, ob.created_at) if labels else None
        case ObligationKind.customer_return:
            done = [t for lb in labels for t in (lb.sent_back_at, lb.received_at) if t is not None]
            return max(min(done), ob.created_at) if done else None
        case ObligationKind.replacement_shipment:
            shipped = session.exec(
                select(col(ReplacementShipment.shipped_at)).where(
                    col(ReplacementShipment.incident_id) == incident.id,
                    col(ReplacementShipment.shipped_at) >= ob.created_at,
                )
            ).first()
            return shipped
        case ObligationKind.refund:
            if refunded_since(session, incident, ob.created_at) >= (ob.amount_cents or 0):
                return session.exec(
                    select(col(Refund.created_at))
                    .where(col(Refund.incident_id) == incident.id)
                    .order_by(col(Refund.id).desc())
                ).first()
            return None
    return None  # pragma: no cover


def _start_instant(ob: Obligation, session: Session, incident: Incident) -> datetime | None:
    """When an obligation waiting for a fact (label, received return) could start."""
    labels = _labels(session, incident)
    match obligation_start(_solution_of(session, ob), ob.kind):
        case ObligationStart.label:
            facts = [lb.created_at for lb in labels]
        case ObligationStart.receipt:
            facts = [lb.received_at for lb in labels if lb.received_at is not None]
        case _:
            facts = []
    return max(min(facts), ob.created_at) if facts else None


def reconcile_obligations(session: Session, incident: Incident, at: datetime) -> list[Obligation]:
    """Start and meet obligations from what is on record; returns those met now.

    A return sent back or received after its deadline reopens what was cancelled for want of
    it (SPEC 8.1), which may then start at once."""
    met = _start_and_meet(session, incident, at)
    if _reopen_after_late_return(session, incident):
        met += _start_and_meet(session, incident, at)
    return met


def _reopen_after_late_return(session: Session, incident: Incident) -> list[Obligation]:
    returned = session.exec(
        select(Obligation).where(
            col(Obligation.incident_id) == incident.id,
            col(Obligation.kind) == ObligationKind.customer_return,
            col(Obligation.met_at).is_not(None),
        )
    ).all()
    reopened = [ob for ret in returned for ob in _waiting_on(session, ret) if ob.cancelled_at is not None]
    for ob in reopened:
        ob.cancelled_at = None
        session.add(ob)
    if reopened:
        record_event(
            session, incident, SYSTEM, "obligations_reopened", {}, {"obligations": [ob.kind for ob in reopened]}
        )
    return reopened


def _start_and_meet(session: Session, incident: Incident, at: datetime) -> list[Obligation]:
    met = []
    for ob in open_obligations(session, incident):
        if ob.due_at is None and (start_at := _start_instant(ob, session, incident)) is not None:
            ob.due_at = dl.obligation_due_at(ob.kind, start_at, calendar_of(incident))
            start(
                session,
                incident,
                ob.kind,
                ob.holder,
                ob.due_at,
                at,
                obligation_id=ob.id,
                at_risk_at=ob.due_at - dl.at_risk_window(start_at, ob.due_at),
            )
        if (met_at := _met_instant(ob, session, incident)) is not None:
            ob.met_at = met_at
            met.append(ob)
            row = session.exec(select(Deadline).where(col(Deadline.obligation_id) == ob.id)).first()
            if row is not None and is_open(row):
                _meet_row(session, row, met_at)
        session.add(ob)
    return met
