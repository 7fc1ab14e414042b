"""The deadline sweep: once per change, one at a time, in working time, the automatic steps,
and a quiet pass that reads an index."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlmodel import Session, select

from pixmania_incidents import cli, settings
from pixmania_incidents import deadlines as dl
from pixmania_incidents.calendar import PARIS
from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import (
    ChecklistItem,
    Deadline,
    Evidence,
    Incident,
    IncidentEvent,
    MailOutbox,
    Notification,
    Proposal,
    ReturnLabel,
)
from pixmania_incidents.services import clocks, sweep
from pixmania_incidents.services import fulfilment as ff
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.evidence import Upload
from tests.conftest import opening_evidence
from tests.samples import PDF

SUPPORT = {"support", "arbitrator", "arbitrator2"}


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(timezone.utc)


def open_case(world, type="defective"):
    line = world.lines["camille_tech_delivered"].id
    result = svc.open_incident(world.db, world.actor("camille"), line, type, "Écran noir.", opening_evidence(type))
    return world.db.get(Incident, result.incident_id)


def run(world) -> sweep.SweepReport:
    """A pass as the app runs it: committed work first, its own transaction, then reread."""
    world.db.commit()
    report = sweep.run(world.db.get_bind())
    world.db.expire_all()
    return report


def events(world, inc, kind=None) -> list[IncidentEvent]:
    stmt = select(IncidentEvent).where(IncidentEvent.incident_id == inc.id).order_by(IncidentEvent.id)
    return [e for e in world.db.exec(stmt).all() if kind is None or e.kind == kind]


def told(world, kind) -> set[str]:
    ids = world.db.exec(select(Notification.user_id).where(Notification.kind == kind)).all()
    names = {u.id: key for key, u in world.users.items()}
    return {names[i] for i in ids}


# --- once per change ---------------------------------------------------------------------


def test_a_change_is_recorded_once_however_often_the_sweep_runs(world, clock):
    inc = open_case(world)
    assert run(world).events == 0
    clock.advance(hours=24, seconds=1)
    first = run(world)
    assert [e.after["deadline"] for e in events(world, inc, "deadline_at_risk")] == ["response"]
    assert first.affected == [sweep.Affected(inc.id, inc.shop_id, (world.users["seller_tech"].id,))]
    again = run(world)
    assert (again.events, again.affected) == (0, [])
    assert len(events(world, inc, "deadline_at_risk")) == 1
    assert world.db.get(Incident, inc.id).deadline_state == "at_risk"


def test_breach_is_recorded_once_and_tells_the_holder_and_support(world, clock):
    inc = open_case(world)
    clock.advance(hours=48, seconds=1)  # the sweep was down through the at-risk phase
    run(world)
    run(world)
    [breach] = events(world, inc, "deadline_breached")
    assert (breach.after["deadline"], breach.after["holder"], breach.actor_role) == ("response", "seller", "system")
    assert told(world, "deadline_breached") == {"seller_tech"} | SUPPORT
    row = world.db.exec(select(Deadline).where(Deadline.incident_id == inc.id, Deadline.kind == "response")).one()
    assert (row.state, row.breached_at) == ("breached", row.due_at + timedelta(seconds=1))  # SPEC 8.8
    mails = world.db.exec(select(MailOutbox).where(MailOutbox.subject.contains("Délai dépassé"))).all()
    assert {m.to_addr for m in mails} == {
        "tech@example.com",
        "support@example.com",
        "arbitre@example.com",
        "arbitre2@example.com",
    }
    assert all(m.next_attempt_at == clock.at for m in mails)  # a breach is mailed at once


def test_two_sweeps_at_once_record_nothing_twice(world, clock, engine):
    inc = open_case(world)
    clock.advance(hours=48, seconds=1)
    world.db.commit()
    barrier = threading.Barrier(2)
    reports: list[sweep.SweepReport] = []

    def one() -> None:
        barrier.wait()
        reports.append(sweep.run(engine))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    world.db.expire_all()
    assert len(reports) == 2 and sum(r.events for r in reports) == 1
    assert len(events(world, inc, "deadline_breached")) == 1
    assert len(world.db.exec(select(Notification).where(Notification.kind == "deadline_breached")).all()) == 4


def test_the_sqlite_lock_row_refuses_a_second_pass_until_the_first_ends(engine, clock):
    with Session(engine) as first:
        assert sweep.try_lock(first, clock.at)
        first.commit()  # a pass that died without releasing: its lease still holds
    with Session(engine) as second:
        assert not sweep.try_lock(second, clock.at)
        assert sweep.try_lock(second, clock.at + sweep.LEASE + timedelta(seconds=1))


# --- reminders in working time -----------------------------------------------------------


def _weekdays_only(world):
    shop = world.shops["tech"]
    shop.calendar_kind = "ouvres"
    world.db.add(shop)
    world.db.flush()


def test_at_risk_on_sunday_evening_is_mailed_monday_0800_paris(world, clock):
    """Refund agreed Saturday 08:00 (jours ouvrés shop): 48 h, at risk in its last 12 h, from Sunday 20:00."""
    _weekdays_only(world)
    clock.at = paris(2026, 3, 14, 8, 0)
    inc = open_case(world)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_full", None, "Je rembourse.")
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    clock.at = paris(2026, 3, 15, 20, 0, 30)
    run(world)
    [note] = world.db.exec(select(Notification).where(Notification.kind == "deadline_at_risk")).all()
    assert note.created_at == clock.at and note.params["deadline"] == "refund"  # in-app at once
    [mail] = world.db.exec(select(MailOutbox).where(MailOutbox.subject.contains("Délai bientôt dépassé"))).all()
    assert mail.to_addr == "tech@example.com"
    assert mail.next_attempt_at == paris(2026, 3, 16, 8, 0)


def test_at_risk_on_saturday_evening_is_mailed_at_once_when_monday_is_too_late(world, clock):
    """Opened Friday 19:30: response at risk Saturday 19:30, due Sunday 19:30 — before Monday."""
    _weekdays_only(world)
    clock.at = paris(2026, 3, 13, 19, 30)
    open_case(world)
    clock.at = paris(2026, 3, 14, 19, 31)
    run(world)
    [mail] = world.db.exec(select(MailOutbox).where(MailOutbox.subject.contains("Délai bientôt dépassé"))).all()
    assert mail.next_attempt_at == clock.at


def test_the_customers_at_risk_is_mailed_at_once_whatever_the_shops_hours(world, clock):
    """SPEC 8.7: working hours are the seller's. The customer's return, due Tuesday 24 March,
    turns at risk on Monday 23 at 23:59:59, outside the shop's hours: mailed at once."""
    inc = open_case(world)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "return_and_refund", None, "Retour.")
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    ff.issue_return_label(world.db, world.actor("seller_tech"), inc.id)
    clock.at = paris(2026, 3, 23, 23, 59, 59)
    run(world)
    [mail] = world.db.exec(select(MailOutbox).where(MailOutbox.subject.contains("Délai bientôt dépassé"))).all()
    assert mail.to_addr == "camille@example.com" and mail.next_attempt_at == clock.at


def test_at_risk_in_working_hours_is_mailed_at_once(world, clock):
    open_case(world)
    clock.advance(hours=24, minutes=1)  # Wednesday 10:01 Paris
    run(world)
    [mail] = world.db.exec(select(MailOutbox).where(MailOutbox.subject.contains("Délai bientôt dépassé"))).all()
    assert mail.next_attempt_at == clock.at


# --- automatic steps ---------------------------------------------------------------------


def _proposed(world):
    inc = open_case(world)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_full", None, "Je rembourse.")
    return inc


def test_customer_is_reminded_after_three_business_days_once(world, clock):
    inc = _proposed(world)
    reminder_at = dl.customer_reminder_at(clock.at, clocks.calendar_of(inc))
    clock.at = reminder_at - timedelta(seconds=1)
    run(world)
    assert not events(world, inc, "customer_reminded")
    clock.at = reminder_at + timedelta(seconds=1)
    run(world)
    run(world)
    assert len(events(world, inc, "customer_reminded")) == 1
    assert told(world, "customer_reminder") == {"camille"}
    mail = world.db.exec(select(MailOutbox).where(MailOutbox.subject.contains("Rappel"))).one()
    assert mail.to_addr == "camille@example.com" and "l'incident sera clôturé" in mail.subject


def test_no_answer_within_five_business_days_closes_as_no_customer_reply(world, clock):
    inc = _proposed(world)
    version = world.db.get(Incident, inc.id).version
    clock.at = dl.customer_answer_due_at(clock.at, clocks.calendar_of(inc)) + timedelta(seconds=1)
    run(world)
    closed = world.db.get(Incident, inc.id)
    assert (closed.state, closed.outcome, closed.version) == ("closed", "no_customer_reply", version + 1)
    assert world.db.exec(select(Proposal.status).where(Proposal.incident_id == inc.id)).one() == "expired"
    assert len(events(world, inc, "closed_no_reply")) == 1
    assert told(world, "closed_no_reply") == {"camille", "seller_tech"}
    assert not told(world, "deadline_breached")  # the closing is the news, not an alarm to support
    assert run(world).events == 0


def test_no_customer_reply_even_when_someone_noticed_the_breach_first(world, clock):
    inc = _proposed(world)
    clock.at = dl.customer_answer_due_at(clock.at, clocks.calendar_of(inc)) + timedelta(seconds=1)
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Avez-vous vu ma proposition ?")
    run(world)
    assert world.db.get(Incident, inc.id).outcome == "no_customer_reply"


def test_a_return_declared_sent_counts_received_three_business_days_later(world, clock):
    inc = open_case(world)
    svc.propose(
        world.db,
        world.actor("seller_tech"),
        inc.id,
        inc.version,
        "return_and_refund",
        None,
        "Retour puis remboursement.",
    )
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    label = ff.issue_return_label(world.db, world.actor("seller_tech"), inc.id)
    svc.post_message(world.db, world.actor("camille"), inc.id, "Dépôt", [Upload("depot.pdf", PDF)])
    proof = world.db.exec(select(Evidence.id).where(Evidence.incident_id == inc.id)).first()
    ff.declare_sent_back(world.db, world.actor("camille"), inc.id, label.id, proof)
    due = dl.return_auto_received_at(clock.at, clocks.calendar_of(inc))
    clock.at = due - timedelta(minutes=1)
    run(world)
    assert world.db.get(ReturnLabel, label.id).received_at is None
    clock.at = due + timedelta(minutes=1)
    report = run(world)
    assert world.db.get(ReturnLabel, label.id).received_at == due
    assert len(events(world, inc, "return_auto_received")) == 1
    assert inc.id in {a.incident_id for a in report.affected}
    refund = world.db.exec(select(Deadline).where(Deadline.incident_id == inc.id, Deadline.kind == "refund")).one()
    assert refund.due_at == due + timedelta(hours=48)  # the refund's 48 h start at the receipt


def _refunded(world, clock):
    inc = _proposed(world)
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    clock.advance(hours=2)
    ff.record_refund(world.db, world.actor("seller_tech"), inc.id, 12_999, date(2026, 3, 10))
    return inc, clock.at


def test_closes_itself_seven_days_after_the_last_obligation(world, clock):
    inc, met_at = _refunded(world, clock)
    clock.at = met_at + timedelta(days=7) - timedelta(seconds=1)
    run(world)
    assert world.db.get(Incident, inc.id).state == "resolved"
    clock.at = met_at + timedelta(days=7)
    run(world)
    closed = world.db.get(Incident, inc.id)
    assert (closed.state, closed.outcome) == ("closed", "agreed")
    assert len(events(world, inc, "auto_closed")) == 1
    assert told(world, "auto_closed") == {"camille", "seller_tech"}


def test_no_automatic_closing_while_a_mandatory_step_is_open(world, clock):
    inc, met_at = _refunded(world, clock)
    step = world.db.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == inc.id, ChecklistItem.step_code == "communicate")
    ).one()
    step.done_at = None
    world.db.add(step)
    clock.at = met_at + timedelta(days=30)
    run(world)
    assert world.db.get(Incident, inc.id).state == "resolved"


# --- the command line --------------------------------------------------------------------


def test_cli_runs_one_pass_and_prints_a_summary(world, clock, engine, monkeypatch, capsys):
    open_case(world)
    clock.advance(hours=25)
    world.db.commit()
    monkeypatch.setattr(settings, "DB_URL", str(engine.url))
    assert cli.main(["sweep"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("sweep: 1 incidents examined, 1 events recorded") and "\n" not in out


# --- a quiet sweep over a large table reads the index ------------------------------------


LARGE = 200_000


def _large_deadline_rows(at: datetime) -> list[tuple]:
    """Mostly future or settled clocks (a quiet day), a handful due now."""
    naive = at.replace(tzinfo=None)
    rows = []
    for i in range(LARGE):
        if i % 3 == 0:
            check = None  # settled
        elif i % 50_000 == 1:
            check = naive - timedelta(seconds=5)
        else:
            check = naive + timedelta(minutes=1 + i % 10_000)
        rows.append((1, "resolution", "seller", naive, naive, "on_track", check, naive))
    return rows


_INSERT = (
    "INSERT INTO deadline (incident_id, kind, holder, due_at, at_risk_at, state, next_check_at, created_at, paused) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, false)"
)


def _sweep_query(dialect, at):
    stmt = (
        select(Deadline.incident_id)
        .where(Deadline.next_check_at <= at)
        .order_by(Deadline.next_check_at)
        .limit(sweep.BATCH)
    )
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def test_quiet_sweep_uses_the_index_on_sqlite(engine, clock):
    path = engine.url.database
    with sqlite3.connect(path) as con:  # foreign keys off: the rows only need their clock columns
        con.executemany(_INSERT.format(p="?"), _large_deadline_rows(clock.at))
        con.execute("ANALYZE")
    query = _sweep_query(engine.dialect, clock.at)
    with sqlite3.connect(path) as con:
        plan = " ".join(row[-1] for row in con.execute(f"EXPLAIN QUERY PLAN {query}"))
        started = time.perf_counter()
        due = con.execute(query).fetchall()
        elapsed = time.perf_counter() - started
    assert "ix_deadline_sweep" in plan and "SCAN deadline" not in plan.replace("USING INDEX", "")
    assert len(due) == len([i for i in range(LARGE) if i % 3 and i % 50_000 == 1])
    assert elapsed < 0.05


def test_quiet_sweep_uses_the_index_on_postgresql(pg_url, clock):
    engine = make_engine(pg_url)
    try:
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("SET session_replication_role = replica")  # skip FK checks for the bulk rows
            cur.executemany(_INSERT.format(p="%s"), _large_deadline_rows(clock.at))
            cur.execute("SET session_replication_role = origin")
            raw.commit()
            cur.execute("ANALYZE deadline")
            raw.commit()
        finally:
            raw.close()
        with engine.connect() as conn:
            plan = "\n".join(r[0] for r in conn.execute(sa.text("EXPLAIN " + _sweep_query(engine.dialect, clock.at))))
        assert "ix_deadline_sweep" in plan and "Seq Scan" not in plan
    finally:
        engine.dispose()


def test_postgresql_lets_one_sweep_hold_the_lease(pg_url, clock):
    engine = make_engine(pg_url)
    try:
        with session_scope(engine) as first:
            assert sweep.try_lock(first, clock.at)
        with session_scope(engine) as second:
            assert not sweep.try_lock(second, clock.at)  # committed: the lease outlives its transaction
        report = sweep.run(engine, clock.at + sweep.LEASE + timedelta(seconds=1))  # the holder died: taken over
        assert report.ran and report.events == 0
        with session_scope(engine) as third:
            assert sweep.try_lock(third, clock.at + sweep.LEASE + timedelta(seconds=2))  # released by `run`
    finally:
        engine.dispose()


# --- the app's loops ---------------------------------------------------------------------


def test_the_app_registers_its_loops_and_pushes_each_room_once(monkeypatch):
    from pixmania_incidents import live, tasks

    class App:
        def __init__(self) -> None:
            self.tasks = []

        def register_lifespan_task(self, fn):  # noqa: ANN001
            self.tasks.append(fn)

    app = App()
    monkeypatch.delenv("PIXMANIA_BACKGROUND", raising=False)
    tasks.register(app)
    assert app.tasks == [
        tasks.sweep_loop,
        tasks.mail_loop,
        tasks.webhook_loop,
        tasks.cleanup_loop,
        tasks.session_expiry_loop,
    ]
    report = sweep.SweepReport(ran=True, affected=[sweep.Affected(1, 7, (3, 4)), sweep.Affected(2, 7, (3,))])
    rooms = tasks.rooms_of(report)
    assert len(rooms) == len(set(rooms))
    assert set(rooms) == {live.incident_room(1, 7), live.incident_room(2, 7), live.user_room(3), live.user_room(4)}
