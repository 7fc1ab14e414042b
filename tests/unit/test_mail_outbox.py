"""The e-mail outbox against a real SMTP server (aiosmtpd): each mail once with several
slow senders, nothing lost and only the mail in flight resent when a sender is killed,
mail resumed within 30 s of a relay outage, and refusals for good marked failed with
their reason for support and the admins."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from pixmania_incidents import tasks
from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import MailOutbox, User
from pixmania_incidents.services import mail
from pixmania_incidents.services.common import Forbidden, set_clock
from tests.conftest import NOW, ROOT
from tests.server import free_port


class Inbox:
    """An aiosmtpd handler: keeps what it accepts (in order); refuses for good addresses
    starting with `bounce` and messages whose subject says SPAM, defers addresses starting
    with `defer`; can be slow at each step, and can hang in the DATA of its n-th message
    after keeping it (the relay has the mail, the sender never hears back)."""

    def __init__(
        self, step_delay: float = 0.0, data_delay: float = 0.0, hang_at: int | None = None, refuse_sender: bool = False
    ) -> None:
        self.messages: list[email.message.Message] = []
        self.step_delay, self.data_delay = step_delay, data_delay
        self.hang_at, self.refuse_sender = hang_at, refuse_sender
        self.hanging = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: ANN001
        await asyncio.sleep(self.step_delay)
        if self.refuse_sender:
            return "550 5.7.1 sender not allowed to relay"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        await asyncio.sleep(self.step_delay)
        if address.startswith("bounce"):
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address.startswith("defer"):
            return f"451 4.2.0 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        await asyncio.sleep(self.step_delay + self.data_delay)
        message = email.message_from_bytes(policy=email.policy.default, s=envelope.original_content)
        if "SPAM" in message["Subject"]:
            return "554 5.6.0 message refused as spam"
        self.messages.append(message)
        if len(self.messages) == self.hang_at:
            self.hanging.set()
            await asyncio.sleep(60)
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


@pytest.fixture
def relay():
    """`relay(**handler_options)` -> (inbox, controller, transport): a local SMTP server on
    a free port, started by the test when it wants it up."""
    controllers = []

    def make(smtputf8: bool = False, timeout: float = 5, **options):
        inbox = Inbox(**options)
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
        controllers.append(controller)
        return inbox, controller, mail.SMTPTransport("127.0.0.1", port, timeout=timeout)

    yield make
    for controller in controllers:
        try:
            controller.stop()
        except AssertionError:
            pass  # never started


def enqueue(engine, n: int, to: str = "client{}@example.com", subject: str = "Sujet {}") -> list[str]:
    with session_scope(engine) as session:
        rows = [mail.enqueue(session, to.format(i), subject.format(i), f"Corps {i}") for i in range(n)]
    return [r.message_id for r in rows]


def rows(engine) -> list[MailOutbox]:
    with session_scope(engine) as session:
        return list(session.exec(select(MailOutbox).order_by(MailOutbox.id)).all())


def pending(engine) -> int:
    return sum(r.status == "pending" for r in rows(engine))


# --- exactly once in normal operation ------------------------------------------------------


class Accelerated:
    """`now()` running `factor` times faster than the wall clock, from the tests' NOW."""

    def __init__(self, factor: float) -> None:
        self.factor, self.started = factor, time.monotonic()

    def __call__(self):  # noqa: ANN204
        return NOW + timedelta(seconds=(time.monotonic() - self.started) * self.factor)


def test_a_slow_relay_with_three_senders_sends_each_mail_once(engine, relay):
    """Issue #12 scaled 20× down: 45 mails, a relay taking 7 s a mail, 3 workers, the
    2-minute lease. Each sender works as the app's loop does (its pauses included)."""
    factor = 20
    inbox, controller, transport = relay(data_delay=7 / factor, timeout=mail.SEND_TIMEOUT / factor)
    controller.start()
    set_clock(Accelerated(factor))
    try:
        ids = enqueue(engine, 45)
        give_up = time.monotonic() + 60

        def worker(name: str) -> None:
            while pending(engine) and time.monotonic() < give_up:
                report = mail.send_due(engine, transport, owner=name)
                time.sleep(tasks.pause_after(report) / factor)

        threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        set_clock(None)
    counts = Counter(inbox.ids())
    assert sorted(counts) == sorted(ids)
    assert set(counts.values()) == {1}
    assert {r.status for r in rows(engine)} == {"sent"}


class SlowRecorder:
    """A transport that takes a little time, so two senders really overlap."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def send(self, msg) -> None:  # noqa: ANN001
        time.sleep(0.005)
        with self.lock:
            self.sent.append(msg["Message-ID"])


def _two_senders_send_each_once(engine) -> None:
    ids = enqueue(engine, 60)
    transport = SlowRecorder()

    def worker(name: str) -> None:
        while mail.send_due(engine, transport, owner=name, limit=5).claimed:
            pass

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    counts = Counter(transport.sent)
    assert sorted(counts) == sorted(ids)
    assert set(counts.values()) == {1}
    assert {r.status for r in rows(engine)} == {"sent"}


def test_two_senders_never_send_the_same_row_sqlite(engine, clock):
    _two_senders_send_each_once(engine)


@pytest.fixture
def pg_engine(pg_url):
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


def test_two_senders_never_send_the_same_row_postgresql(pg_engine, clock):
    _two_senders_send_each_once(pg_engine)


def test_a_send_never_outlives_its_timeout_even_when_each_step_is_on_time(engine, clock, relay):
    """The lease outlasts `SEND_TIMEOUT`, so the timeout must bound the whole exchange: a
    relay answering each command just in time, but slowly overall, is cut at the deadline."""
    assert mail.LEASE.total_seconds() > 2 * mail.SEND_TIMEOUT
    _, controller, transport = relay(step_delay=0.4, timeout=0.6)
    controller.start()
    enqueue(engine, 1)
    started = time.monotonic()
    report = mail.send_due(engine, transport)
    assert time.monotonic() - started < 1.2
    assert (report.sent, report.retried, report.relay_down) == (0, 1, True)
    [row] = rows(engine)
    assert row.status == "pending" and row.lease_owner is None


# --- crashes: nothing lost, only the mail in flight may go twice -----------------------------


SENDER = """
import sys, time
from datetime import timedelta
from pixmania_incidents.db import make_engine
from pixmania_incidents.services import mail
engine = make_engine(sys.argv[1])
transport = mail.SMTPTransport("127.0.0.1", int(sys.argv[2]), timeout=2)
while True:
    report = mail.send_due(engine, transport, lease=timedelta(seconds=5))
    if not report.claimed or report.relay_down:
        time.sleep(0.05)
"""


def test_a_sender_killed_in_the_middle_of_a_send_resends_only_that_mail(engine, relay):
    inbox, controller, _ = relay(hang_at=5)
    controller.start()
    ids = enqueue(engine, 10)
    command = [sys.executable, "-c", SENDER, str(engine.url), str(controller.port)]
    first = subprocess.Popen(command, cwd=ROOT)
    try:
        assert inbox.hanging.wait(timeout=60)  # the relay has mail 5; the sender waits for its answer
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    in_flight = next(r for r in rows(engine) if r.status == "pending" and r.lease_owner)
    assert in_flight.message_id == ids[4] and sum(r.status == "sent" for r in rows(engine)) == 4
    second = subprocess.Popen(command, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while pending(engine) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.kill(second.pid, signal.SIGKILL)
        second.wait()
    counts = Counter(inbox.ids())
    assert sorted(counts) == sorted(ids) and counts[ids[4]] == 2
    assert all(counts[mid] == 1 for mid in ids if mid != ids[4])
    done = {r.message_id: r for r in rows(engine)}
    assert {r.status for r in done.values()} == {"sent"}
    # The restarted sender did not wait out the dead one's lease for the other mails.
    assert all(done[mid].sent_at < in_flight.lease_until for mid in ids[5:])


def test_a_sender_that_sent_but_died_before_marking_resends_the_same_message(engine, clock, tmp_path):
    """At least once: the twin carries the same Message-ID (and overwrites the same file)."""
    [mid] = enqueue(engine, 1)
    transport = mail.FileTransport(tmp_path / "mail")
    row = mail.claim(engine, "dying-worker")
    transport.send(mail.as_email(row))  # sent, then the process dies before recording it
    assert mail.send_due(engine, transport).claimed == 0  # the lease still protects the row
    clock.advance(seconds=mail.LEASE.total_seconds() + 1)
    assert mail.send_due(engine, transport).sent == 1
    [file] = (tmp_path / "mail").glob("*.eml")
    assert email.message_from_bytes(policy=email.policy.default, s=file.read_bytes())["Message-ID"] == mid


def test_a_late_sender_cannot_overwrite_the_new_holders_outcome(engine, clock):
    enqueue(engine, 1)
    row = mail.claim(engine, "slow")
    clock.advance(seconds=mail.LEASE.total_seconds() + 1)
    assert mail.send_due(engine, SlowRecorder()).sent == 1
    mail._finish(engine, row, "slow", next_attempt_at=clock.at, last_error="timeout")  # the slow one wakes up
    assert rows(engine)[0].status == "sent"


# --- outages and refusals --------------------------------------------------------------------


def test_after_a_relay_outage_mail_resumes_within_30_s_of_its_return(engine, clock, relay):
    """Issue #12: the relay down for 147 s; the senders keep the app loop's cadence."""
    inbox, controller, transport = relay()
    ids = enqueue(engine, 3)
    start, back = clock.at, None
    while len(inbox.messages) < 3:
        if back is None and clock.at - start >= timedelta(seconds=147):
            controller.start()
            back = clock.at
        report = mail.send_due(engine, transport)
        assert back is not None or report.sent == 0
        clock.advance(seconds=tasks.pause_after(report))
        assert clock.at - start < timedelta(minutes=10)
    assert clock.at - back <= timedelta(seconds=30)
    assert sorted(inbox.ids()) == sorted(ids)
    assert all(r.status == "sent" and r.lease_owner is None for r in rows(engine))


def test_backoffs():
    assert [mail.relay_backoff(n).total_seconds() for n in (1, 2, 3, 4, 50)] == [5, 10, 20, 20, 20]
    assert [mail.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert mail.backoff(40) == mail.backoff(100_000) == timedelta(hours=1)  # a long outage counts many attempts


def test_a_refused_sender_address_is_our_relay_problem_not_a_failed_mail(engine, clock, relay, world):
    _, controller, transport = relay(refuse_sender=True)
    controller.start()
    enqueue(engine, 2, to="camille@example.com")
    report = mail.send_due(engine, transport)
    assert (report.failed, report.retried, report.relay_down) == (0, 1, True)
    assert {r.status for r in rows(engine)} == {"pending"}
    world.db.expire_all()
    assert world.db.get(User, world.users["camille"].id).email_bounced_at is None


def test_permanent_refusal_marks_the_mail_failed_and_the_address_for_support(engine, clock, relay, world):
    _, controller, transport = relay()
    controller.start()
    bad = world.users["paul"]
    bad.email = "bounce.paul@example.com"
    world.db.add(bad)
    world.db.commit()
    enqueue(engine, 1, to="bounce.paul@example.com")
    enqueue(engine, 1, to="camille@example.com")
    report = mail.send_due(engine, transport)
    assert (report.sent, report.failed) == (1, 1)
    [failed] = [r for r in rows(engine) if r.status == "failed"]
    assert failed.to_addr == "bounce.paul@example.com" and "550" in failed.last_error
    assert (failed.failure, failed.failed_at) == ("recipient_refused", clock.at)
    world.db.expire_all()
    assert world.db.get(User, bad.id).email_bounced_at == clock.at
    seen = mail.bounced_accounts(world.db, world.actor("support"))
    assert [(b.email, b.bounced_at) for b in seen] == [("bounce.paul@example.com", clock.at)]
    assert "550" in seen[0].last_error
    with pytest.raises(Forbidden):
        mail.bounced_accounts(world.db, world.actor("seller_tech"))
    clock.advance(hours=2)
    assert mail.send_due(engine, transport).claimed == 0  # failed rows are not retried


def test_a_message_refused_for_good_fails_without_flagging_the_address(engine, clock, relay, world):
    _, controller, transport = relay()
    controller.start()
    enqueue(engine, 1, to="camille@example.com", subject="SPAM {}")
    assert mail.send_due(engine, transport).failed == 1
    [row] = rows(engine)
    assert (row.status, row.failure) == ("failed", "message_refused") and "554" in row.last_error
    world.db.expire_all()
    assert world.db.get(User, world.users["camille"].id).email_bounced_at is None


@pytest.mark.parametrize(
    "address",
    [
        "camille@example.com, paul@example.com",
        "Camille <camille@example.com>",
        "camille@",
        "camille@example.com\r\nBcc: paul@example.com",
    ],
)
def test_an_address_that_is_not_exactly_one_addr_spec_fails_before_the_relay(engine, clock, relay, address):
    inbox, controller, transport = relay()
    controller.start()
    enqueue(engine, 1, to=address)
    assert mail.send_due(engine, transport).failed == 1
    [row] = rows(engine)
    assert (row.status, row.failure) == ("failed", "bad_address")
    assert inbox.messages == []


def test_a_non_ascii_address_fails_on_a_relay_without_smtputf8_and_goes_out_on_one_with_it(engine, clock, relay, world):
    """Issue #12: josé@exemple.fr was retried forever and never flagged."""
    jose = world.users["paul"]
    jose.email = "josé@exemple.fr"
    world.db.add(jose)
    world.db.commit()
    _, controller, transport = relay()
    controller.start()
    enqueue(engine, 1, to="josé@exemple.fr")
    assert mail.send_due(engine, transport).failed == 1
    [row] = rows(engine)
    assert (row.status, row.failure) == ("failed", "needs_smtputf8")
    world.db.expire_all()
    assert world.db.get(User, jose.id).email_bounced_at == clock.at
    inbox8, controller8, transport8 = relay(smtputf8=True)
    controller8.start()
    [mid] = enqueue(engine, 1, to="josé@exemple.fr")
    assert mail.send_due(engine, transport8).sent == 1
    assert inbox8.ids() == [mid] and inbox8.messages[0]["To"] == "josé@exemple.fr"


def test_a_deferred_mail_is_retried_with_backoff_then_given_up_after_three_days(engine, clock, relay):
    _, controller, transport = relay()
    controller.start()
    enqueue(engine, 1, to="defer.lucas@example.com")
    report = mail.send_due(engine, transport)
    assert (report.retried, report.relay_down) == (1, False)
    [row] = rows(engine)
    assert row.status == "pending" and row.next_attempt_at == clock.at + mail.FIRST_RETRY and "451" in row.last_error
    clock.advance(days=3, seconds=1)
    assert mail.send_due(engine, transport).failed == 1
    [row] = rows(engine)
    assert (row.status, row.failure) == ("failed", "expired")


def test_failed_mails_are_listed_for_admins_only(engine, clock, relay, world):
    _, controller, transport = relay()
    controller.start()
    enqueue(engine, 1, to="bounce.x@example.com", subject="Votre dossier {}")
    enqueue(engine, 1, to="a@b.fr, c@d.fr")
    enqueue(engine, 1, to="ok@example.com")
    mail.send_due(engine, transport)
    listed = mail.failed_mails(world.db, world.actor("admin"))
    assert [(f.to_addr, f.reason) for f in listed] == [
        ("a@b.fr, c@d.fr", "mail.failure.bad_address"),
        ("bounce.x@example.com", "mail.failure.recipient_refused"),
    ]
    assert listed[1].subject == "Votre dossier 0" and listed[1].failed_at == clock.at and "550" in listed[1].detail
    for who in ("support", "arbitrator", "seller_tech", "camille"):
        with pytest.raises(Forbidden):
            mail.failed_mails(world.db, world.actor(who))


def test_default_transport_writes_eml_files(monkeypatch, tmp_path):
    from pixmania_incidents import settings

    monkeypatch.delenv("PIXMANIA_SMTP_HOST", raising=False)
    monkeypatch.setattr(settings, "MAIL_DIR", tmp_path / "outbox")
    transport = mail.transport_from_env()
    assert isinstance(transport, mail.FileTransport) and transport.folder == tmp_path / "outbox"
    monkeypatch.setenv("PIXMANIA_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("PIXMANIA_SMTP_PORT", "587")
    monkeypatch.setenv("PIXMANIA_SMTP_STARTTLS", "true")
    smtp = mail.transport_from_env()
    assert (smtp.host, smtp.port, smtp.starttls, smtp.timeout) == ("smtp.example.com", 587, True, mail.SEND_TIMEOUT)
