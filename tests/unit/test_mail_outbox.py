"""The e-mail outbox: nothing lost when the server is down or the app dies, nothing sent
twice by two senders, and a permanently refused address marked for support."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import MailOutbox, User
from pixmania_incidents.services import mail
from pixmania_incidents.services.common import Forbidden
from tests.server import free_port


class Inbox:
    """An aiosmtpd handler: keeps what it accepts, refuses addresses starting with `bounce`."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        if address.startswith("bounce"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        self.messages.append(email.message_from_bytes(policy=email.policy.default, s=envelope.original_content))
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


@pytest.fixture
def smtp():
    """A local SMTP server on a free port, started by the test when it wants it up."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    yield inbox, controller, mail.SMTPTransport("127.0.0.1", port, timeout=5)
    try:
        controller.stop()
    except AssertionError:
        pass  # never started


def enqueue(engine, n: int, to: str = "client{}@example.com") -> list[str]:
    with session_scope(engine) as session:
        rows = [mail.enqueue(session, to.format(i), f"Sujet {i}", f"Corps {i}") for i in range(n)]
    return [r.message_id for r in rows]


def rows(engine) -> list[MailOutbox]:
    with session_scope(engine) as session:
        return list(session.exec(select(MailOutbox).order_by(MailOutbox.id)).all())


def test_server_down_then_up_every_message_delivered_once(engine, clock, smtp):
    inbox, controller, transport = smtp
    ids = enqueue(engine, 5)
    down = mail.send_due(engine, transport)
    assert (down.sent, down.retried) == (0, 5)
    assert all(r.status == "pending" and r.next_attempt_at > clock.at for r in rows(engine))
    assert mail.send_due(engine, transport).claimed == 0  # not before the backoff
    controller.start()
    clock.advance(seconds=31)
    up = mail.send_due(engine, transport)
    assert up.sent == 5
    assert mail.send_due(engine, transport).claimed == 0
    assert sorted(inbox.ids()) == sorted(ids)  # each once, with the Message-ID chosen at writing
    assert inbox.messages[0]["Subject"].startswith("Sujet")
    assert all(r.status == "sent" and r.sent_at is not None and r.lease_owner is None for r in rows(engine))


def test_backoff_doubles_and_is_capped():
    assert [mail.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert mail.backoff(40) == timedelta(hours=1)


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


def test_crash_between_commit_and_send_still_delivers(engine, clock, tmp_path):
    """Rows committed, the sender dies holding the lease: after the lease, a new one sends."""
    ids = enqueue(engine, 3)
    leased = mail.claim(engine, "dead-worker", limit=10)
    assert [r.message_id for r in leased] == ids  # ...and the process dies here
    transport = mail.FileTransport(tmp_path / "mail")
    assert mail.send_due(engine, transport).claimed == 0  # the lease still protects the rows
    clock.advance(seconds=mail.LEASE.total_seconds() + 1)
    assert mail.send_due(engine, transport).sent == 3
    files = sorted(p.name for p in (tmp_path / "mail").glob("*.eml"))
    assert len(files) == 3
    parsed = [email.message_from_bytes(policy=email.policy.default, s=p.read_bytes()) for p in (tmp_path / "mail").glob("*.eml")]
    assert sorted(m["Message-ID"] for m in parsed) == sorted(ids)


def test_a_sender_that_sent_but_died_before_marking_resends_the_same_message(engine, clock, tmp_path):
    """At least once: the twin carries the same Message-ID (and overwrites the same file)."""
    [mid] = enqueue(engine, 1)
    transport = mail.FileTransport(tmp_path / "mail")
    [row] = mail.claim(engine, "dying-worker")
    transport.send(mail.as_email(row))  # sent, then the process dies before recording it
    clock.advance(seconds=mail.LEASE.total_seconds() + 1)
    assert mail.send_due(engine, transport).sent == 1
    [file] = (tmp_path / "mail").glob("*.eml")
    assert email.message_from_bytes(policy=email.policy.default, s=file.read_bytes())["Message-ID"] == mid


def test_a_late_sender_cannot_overwrite_the_new_holders_outcome(engine, clock):
    enqueue(engine, 1)
    [row] = mail.claim(engine, "slow")
    clock.advance(seconds=mail.LEASE.total_seconds() + 1)
    assert mail.send_due(engine, SlowRecorder()).sent == 1
    mail._finish(engine, row, "slow", next_attempt_at=clock.at, last_error="timeout")  # the slow one wakes up
    assert rows(engine)[0].status == "sent"


def test_permanent_refusal_marks_the_address_for_support(engine, clock, smtp, world):
    inbox, controller, transport = smtp
    controller.start()
    bad = world.users["paul"]
    bad.email = "bounce.paul@example.com"
    world.db.add(bad)
    world.db.commit()
    enqueue(engine, 1, to="bounce.paul@example.com")
    enqueue(engine, 1, to="camille@example.com")
    report = mail.send_due(engine, transport)
    assert (report.sent, report.failed) == (1, 1)
    failed = [r for r in rows(engine) if r.status == "failed"]
    assert [r.to_addr for r in failed] == ["bounce.paul@example.com"] and "550" in failed[0].last_error
    world.db.expire_all()
    assert world.db.get(User, bad.id).email_bounced_at == clock.at
    seen = mail.bounced_accounts(world.db, world.actor("support"))
    assert [(b.email, b.bounced_at) for b in seen] == [("bounce.paul@example.com", clock.at)]
    assert "550" in seen[0].last_error
    with pytest.raises(Forbidden):
        mail.bounced_accounts(world.db, world.actor("seller_tech"))
    clock.advance(hours=2)
    assert mail.send_due(engine, transport).claimed == 0  # failed rows are not retried


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
    assert (smtp.host, smtp.port, smtp.starttls) == ("smtp.example.com", 587, True)
