"""The deadline sweep: what changes by itself with time, found, recorded once, told.

One pass reads only what may have changed, through indexes: clocks whose `next_check_at`
has passed (`ix_deadline_sweep`), proposals left unanswered past their deadline and
resolved cases with nothing left running (`ix_incident_supervision`), returns declared
sent back, returns missed 7 days ago. For each incident it sends the customer's reminders,
refreshes the clocks (`clocks.refresh` reports only states that differ from the stored ones,
so a repeated pass records nothing twice), announces at-risk and breached clocks, and
performs the automatic steps of SPEC sections 3, 4 and 8 as the system: `no_customer_reply`
after the customer's 5 business days, the return counted received, the closing 7 days after
the last obligation was met, `return_not_sent` 7 days after a missed return.

Exactly one pass runs at a time across workers: a `JobLock` lease row, taken and released
in transactions of their own. The pass never holds the database's write lock for long: it
reads which incidents are due, then handles each in its own short transaction that locks
that incident (`BEGIN IMMEDIATE` on SQLite, `SELECT … FOR UPDATE` on PostgreSQL) and decides
again from what it reads there, so a user acting on the same case at the same instant and
the sweep never both take effect. The caller pushes the rooms of `affected`.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from pixmania_incidents import deadlines as dl
from pixmania_incidents.db import get_engine, session_scope
from pixmania_incidents.lifecycle import Action, TransitionError, transition
from pixmania_incidents.models import (
    ChecklistItem,
    Deadline,
    Incident,
    IncidentEvent,
    JobLock,
    Notification,
    Obligation,
)
from pixmania_incidents.models import (
    IncidentState as S,
)
from pixmania_incidents.policy import RETURN_NOT_SENT_CLOSE_DAYS, ObligationKind
from pixmania_incidents.services import clocks, fulfilment, incidents, notifications
from pixmania_incidents.services.common import SYSTEM, now, record_event

log = logging.getLogger("pixmania.sweep")

LOCK_NAME = "sweep"
LEASE = timedelta(minutes=5)
#: Clocks handled per pass; more are left for the next pass, which the loop runs at once.
BATCH = 500


@dataclass(frozen=True)
class Affected:
    """An incident the pass changed, and who was notified about it (their bells)."""

    incident_id: int
    shop_id: int
    notified: tuple[int, ...]


@dataclass
class SweepReport:
    ran: bool
    examined: int = 0
    events: int = 0
    notifications: int = 0
    more: bool = False
    affected: list[Affected] = field(default_factory=list)

    def summary(self) -> str:
        if not self.ran:
            return "sweep: another sweep is running, nothing done"
        return (
            f"sweep: {self.examined} incidents examined, {self.events} events recorded, "
            f"{len(self.affected)} incidents changed, {self.notifications} notifications"
            + (" (more to do)" if self.more else "")
        )


# --- the lock ----------------------------------------------------------------------------


def _owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def try_lock(session: Session, at: datetime) -> bool:
    """Take the sweep's lease in the caller's transaction; False while another pass holds it."""
    conn = session.connection()
    taken = conn.execute(
        sa.update(JobLock)
        .where(col(JobLock.name) == LOCK_NAME, col(JobLock.until) < at)
        .values(owner=_owner(), until=at + LEASE)
    ).rowcount
    if taken:
        return True
    if conn.execute(sa.select(col(JobLock.name)).where(col(JobLock.name) == LOCK_NAME)).first() is not None:
        return False
    try:
        with conn.begin_nested():
            conn.execute(sa.insert(JobLock).values(name=LOCK_NAME, owner=_owner(), until=at + LEASE))
    except sa.exc.IntegrityError:  # another worker created the row at the same instant
        return False
    return True


def _release(session: Session, at: datetime) -> None:
    session.connection().execute(
        sa.update(JobLock).where(col(JobLock.name) == LOCK_NAME, col(JobLock.owner) == _owner()).values(until=at)
    )


def run(engine: Engine | None = None, at: datetime | None = None) -> SweepReport:
    """One pass under the lease; what the CLI and the app's loop call."""
    at = at or now()
    engine = engine or get_engine()
    with session_scope(engine) as session:
        if not try_lock(session, at):
            return SweepReport(ran=False)
    try:
        report = sweep_pass(engine, at)
    finally:
        with session_scope(engine) as session:
            _release(session, at)
    if report.events:
        log.info(report.summary())
    return report


# --- one pass ----------------------------------------------------------------------------


def due_clock_incidents(session: Session, at: datetime, limit: int = BATCH) -> list[int]:
    """Incidents with a clock to look at now: the indexed heart of a quiet sweep."""
    rows = session.exec(
        select(col(Deadline.incident_id))
        .where(col(Deadline.next_check_at) <= at)
        .order_by(col(Deadline.next_check_at))
        .limit(limit)
    ).all()
    return list(dict.fromkeys(rows))


def _lapsed_proposals(session: Session, at: datetime) -> list[int]:
    """Awaiting the customer past the answer's deadline, whoever noticed the breach first."""
    return list(
        session.exec(
            select(col(Incident.id)).where(col(Incident.state) == S.awaiting_customer, col(Incident.next_due_at) <= at)
        ).all()
    )


def _open_obligation(holder: str | None = None) -> sa.Exists:
    """An obligation of the incident at hand (of `holder`, if given) neither met nor cancelled."""
    stmt = select(col(Obligation.id)).where(
        col(Obligation.incident_id) == col(Incident.id),
        col(Obligation.met_at).is_(None),
        col(Obligation.cancelled_at).is_(None),
    )
    return (stmt if holder is None else stmt.where(col(Obligation.holder) == holder)).exists()


def _closable(session: Session, at: datetime) -> list[int]:
    """Resolved, nothing running or open, last obligation met 7 days ago (SPEC section 4)."""
    open_obligation = _open_obligation()
    open_step = (
        select(col(ChecklistItem.id))
        .where(
            col(ChecklistItem.incident_id) == col(Incident.id),
            col(ChecklistItem.mandatory).is_(True),
            col(ChecklistItem.done_at).is_(None),  # noqa: E712
        )
        .exists()
    )
    last_met = (
        select(sa.func.max(col(Obligation.met_at)))
        .where(col(Obligation.incident_id) == col(Incident.id))
        .scalar_subquery()
    )
    rows = session.exec(
        select(col(Incident.id), col(Incident.resolved_at), last_met).where(
            col(Incident.state) == S.resolved, col(Incident.next_due_at).is_(None), ~open_obligation, ~open_step
        )
    ).all()
    ready = []
    for incident_id, resolved_at, met in rows:
        last = met or resolved_at
        if last is not None and dl.auto_close_at(last) <= at:
            ready.append(incident_id)
    return ready


def _return_not_sent(session: Session, at: datetime) -> list[int]:
    """Resolved, the customer's return missed 7 days ago, nothing left that the seller owes (SPEC 8.1).

    The missed return still runs, so the case's nearest due instant is at least as old (the index)."""
    rows = session.exec(
        select(col(Incident.id), col(Deadline.breached_at))
        .join(Deadline, col(Deadline.incident_id) == col(Incident.id))
        .where(
            col(Incident.state) == S.resolved,
            col(Incident.next_due_at) <= at - timedelta(days=RETURN_NOT_SENT_CLOSE_DAYS),
            col(Deadline.kind) == ObligationKind.customer_return,
            col(Deadline.breached_at).is_not(None),
            col(Deadline.met_at).is_(None),
            col(Deadline.settled).is_(None),
            ~_open_obligation("seller"),
        )
    ).all()
    return list(dict.fromkeys(i for i, breached in rows if breached and dl.return_not_sent_close_at(breached) <= at))


def _remind(session: Session, incident: Incident, at: datetime) -> None:
    """The customer's reminders, once each: a pending proposal after 3 business days, the
    item to send back 3 business days before its deadline."""
    for row in clocks.clocks_of(session, incident):
        if (kind := clocks.reminder_due(incident, row, at)) is not None:
            row.reminded_at = at
            session.add(row)
            record_event(
                session, incident, SYSTEM, "customer_reminded", {}, {"deadline": row.kind, "due_at": row.due_at}
            )
            notifications.notify(session, kind, incident, [clocks.HOLDER_AUDIENCE[row.holder]], due_at=row.due_at)


def _system_close(session: Session, incident: Incident, action: Action, event: str, at: datetime) -> bool:
    """Close as the system if the lifecycle allows it now (it names what blocks it if not)."""
    before = incidents.snapshot(incident)
    try:
        move = transition(incident.state, action, SYSTEM.role, incidents.case_facts(session, incident, SYSTEM))
    except TransitionError as exc:
        log.info("incident %s not closed automatically: %s", incident.id, exc.code)
        return False
    if action == Action.auto_close:
        incidents.close(session, incident, at)
    else:
        proposal = incidents.pending_proposal(session, incident)
        if proposal is not None:
            proposal.status, proposal.answered_at = "expired", at
            session.add(proposal)
        # a system close always names both a state and an outcome (lifecycle's table)
        incident.state, incident.outcome, incident.closed_at = move.to.value, move.outcome.value, at  # type: ignore[union-attr]
        clocks.settle_all(session, incident, "cancelled", at)
    incident.version += 1
    incidents.finish(session, incident, SYSTEM, event, before)
    notifications.notify(session, event, incident, ["customer", "shop"])
    return True


def _sweep_incident(session: Session, incident: Incident, at: datetime) -> None:
    fulfilment.apply_auto_receipts(session, incident, at)
    _remind(session, incident, at)
    changes = clocks.refresh(session, incident, at)
    answer = clocks.current(session, incident, clocks.CUSTOMER_ANSWER)
    lapsed = incident.state == S.awaiting_customer and answer is not None and dl.is_overdue(answer.due_at, at)
    if lapsed:
        # The closing itself tells both parties: no separate "breached" alarm for it.
        changes = [c for c in changes if c.kind != clocks.CUSTOMER_ANSWER]
    clocks.announce(session, incident, changes)
    if lapsed:
        _system_close(session, incident, Action.no_customer_reply, "closed_no_reply", at)


@contextmanager
def _tally(session: Session) -> Iterator[tuple[list[int], list[int]]]:
    """The events recorded and the users notified in this unit of work (before each flush)."""
    events: list[int] = []
    notified: list[int] = []

    def count(sess: Session, _context: object, _instances: object) -> None:
        for row in sess.new:
            if isinstance(row, IncidentEvent):
                events.append(row.incident_id)
            elif isinstance(row, Notification):
                notified.append(row.user_id)

    sa.event.listen(session, "before_flush", count)
    try:
        yield events, notified
    finally:
        sa.event.remove(session, "before_flush", count)


def _in_own_transaction(
    engine: Engine,
    incident_id: int,
    at: datetime,
    work: Callable[[Session, Incident, datetime], object],
    report: SweepReport,
) -> None:
    """One incident, locked, decided again from what this transaction reads, committed alone.

    A case that cannot be handled now (changed meanwhile, a bad row) is logged and left for
    the next pass; it never stops the others."""
    try:
        with session_scope(engine) as session, _tally(session) as (events, notified):
            stmt = select(Incident).where(col(Incident.id) == incident_id)
            if session.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update()
            incident = session.exec(stmt).first()
            if incident is None:
                return
            work(session, incident, at)
            session.flush()
            shop_id = incident.shop_id
    except Exception:  # noqa: BLE001 - logged with the case; the next pass tries again
        log.exception("sweep: incident %s left for the next pass", incident_id)
        return
    report.examined += 1
    if events:
        report.events += len(events)
        report.notifications += len(notified)
        report.affected.append(Affected(incident_id, shop_id, tuple(dict.fromkeys(notified))))


def _auto_close(session: Session, incident: Incident, at: datetime) -> None:
    _system_close(session, incident, Action.auto_close, "auto_closed", at)


def _close_return_not_sent(session: Session, incident: Incident, at: datetime) -> None:
    _system_close(session, incident, Action.close_return_not_sent, "closed_return_not_sent", at)


def sweep_pass(engine: Engine, at: datetime) -> SweepReport:
    """Read what is due, then each incident in its own transaction (the caller holds the lease)."""
    with session_scope(engine, write=False) as session:
        due = due_clock_incidents(session, at)
        ids = list(dict.fromkeys([*fulfilment.due_auto_receipts(session, at), *due, *_lapsed_proposals(session, at)]))
        closable = [i for i in _closable(session, at) if i not in ids]
        missed = [i for i in _return_not_sent(session, at) if i not in ids and i not in closable]
    report = SweepReport(ran=True, more=len(due) >= BATCH)
    for incident_id in ids:
        _in_own_transaction(engine, incident_id, at, _sweep_incident, report)
    for incident_id in closable:
        _in_own_transaction(engine, incident_id, at, _auto_close, report)
    for incident_id in missed:
        _in_own_transaction(engine, incident_id, at, _close_return_not_sent, report)
    return report
