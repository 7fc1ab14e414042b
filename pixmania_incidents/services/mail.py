"""The e-mail outbox: rows written with the change they tell about, sent later by a task.

Why an outbox: a mail server that is down must never lose or block a change, and a
crash between the commit and the send must not lose the mail either. So the change
and its `MailOutbox` row commit together; a sender then *claims* due rows with a
lease (one UPDATE, with `FOR UPDATE SKIP LOCKED` on PostgreSQL), sends them, and
marks them sent. Delivery is at least once: a sender that dies after sending but
before marking lets the lease expire and the row goes out again, with the same
`Message-ID` so mail clients can drop the twin. A temporary failure (server down,
SMTP 4xx) retries with exponential backoff, forever; a permanent one (SMTP 5xx)
marks the row failed and the account's address as bouncing, which support sees.

By default (no `PIXMANIA_SMTP_HOST`) mails are written as `.eml` files into
`settings.MAIL_DIR`, so running the app needs no mail server.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import smtplib
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pixmania_incidents import settings
from pixmania_incidents.db import session_scope
from pixmania_incidents.models import MailOutbox, User
from pixmania_incidents.services.common import Actor, authorize, now

log = logging.getLogger("pixmania.mail")

MAIL_FROM = os.environ.get("PIXMANIA_MAIL_FROM", "Pixmania Incidents <no-reply@incidents.pixmania.example>")
MAIL_DOMAIN = os.environ.get("PIXMANIA_MAIL_DOMAIN", "incidents.pixmania.example")
LEASE = timedelta(minutes=2)
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)


# --- writing -----------------------------------------------------------------------------


def enqueue(session: Session, to_addr: str, subject: str, body: str, *, send_at: datetime | None = None) -> MailOutbox:
    """Add a mail to the outbox in the caller's transaction; its Message-ID is fixed now."""
    row = MailOutbox(
        message_id=f"<{uuid.uuid4().hex}@{MAIL_DOMAIN}>",
        to_addr=to_addr,
        subject=subject[:300],
        body=body[:20000],
        created_at=now(),
        next_attempt_at=send_at or now(),
    )
    session.add(row)
    return row


def as_email(row: MailOutbox) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = MAIL_FROM
    msg["To"] = row.to_addr
    msg["Subject"] = row.subject
    msg["Message-ID"] = row.message_id
    msg["Date"] = format_datetime(row.created_at)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.body)
    return msg


# --- transports --------------------------------------------------------------------------


class PermanentFailure(Exception):
    """The server refused for good (5xx): retrying would not help."""


class Transport(Protocol):
    def send(self, msg: EmailMessage) -> None:
        """Deliver or raise: `PermanentFailure` for a refusal, anything else is temporary."""


class FileTransport:
    """Writes `<Message-ID>.eml` files: a resend overwrites the same file."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, msg: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9.@_-]", "", msg["Message-ID"]) + ".eml"
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(msg.as_bytes())
        tmp.replace(self.folder / name)


@dataclass(frozen=True)
class SMTPTransport:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 20.0

    def send(self, msg: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(str(exc.recipients)) from exc
            raise
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            if exc.smtp_code >= 500:
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise


def transport_from_env() -> Transport:
    host = os.environ.get("PIXMANIA_SMTP_HOST")
    if not host:
        return FileTransport(settings.MAIL_DIR)
    return SMTPTransport(
        host=host,
        port=int(os.environ.get("PIXMANIA_SMTP_PORT", "25")),
        user=os.environ.get("PIXMANIA_SMTP_USER") or None,
        password=os.environ.get("PIXMANIA_SMTP_PASSWORD") or None,
        starttls=os.environ.get("PIXMANIA_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
    )


# --- sending -----------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}"


def claim(engine: Engine, owner: str, limit: int = 20, lease: timedelta = LEASE) -> list[MailOutbox]:
    """Lease up to `limit` due rows to `owner` and commit, so no other sender takes them.

    One statement does the choosing and the leasing: SQLite runs it under its single
    writer lock, PostgreSQL skips rows another sender is leasing right now."""
    at = now()
    with session_scope(engine) as session:
        due = (
            select(MailOutbox.id)
            .where(
                MailOutbox.status == "pending",
                MailOutbox.next_attempt_at <= at,
                sa.or_(MailOutbox.lease_until.is_(None), MailOutbox.lease_until < at),
            )
            .order_by(MailOutbox.next_attempt_at)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = session.connection().execute(
            sa.update(MailOutbox)
            .where(MailOutbox.id.in_(due.scalar_subquery()))
            .values(lease_owner=owner, lease_until=at + lease, attempts=MailOutbox.attempts + 1)
            .returning(MailOutbox.id)
        ).scalars().all()
        rows = list(session.exec(select(MailOutbox).where(MailOutbox.id.in_(ids)).order_by(MailOutbox.id)).all())
    return rows


def _finish(engine: Engine, row: MailOutbox, owner: str, **values: object) -> None:
    """Record the outcome, only if this sender still holds the lease."""
    with session_scope(engine) as session:
        session.connection().execute(
            sa.update(MailOutbox)
            .where(MailOutbox.id == row.id, MailOutbox.lease_owner == owner)
            .values(lease_owner=None, lease_until=None, **values)
        )
        if values.get("status") == "failed":
            session.connection().execute(
                sa.update(User)
                .where(sa.func.lower(User.email) == row.to_addr.lower(), User.email_bounced_at.is_(None))
                .values(email_bounced_at=now())
            )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


def send_due(engine: Engine, transport: Transport, owner: str | None = None, limit: int = 20) -> SendReport:
    """One round of the sender: claim, send each, record each outcome. Blocking (run it in
    a thread from async code)."""
    owner = f"{owner or worker_name()}:{secrets.token_hex(4)}"
    report = SendReport()
    for row in claim(engine, owner, limit):
        try:
            transport.send(as_email(row))
        except PermanentFailure as exc:
            log.warning("mail %s to %s refused for good: %s", row.message_id, row.to_addr, exc)
            _finish(engine, row, owner, status="failed", last_error=str(exc)[:1000])
            report.failed += 1
        except Exception as exc:  # noqa: BLE001 - any other failure is worth a retry
            log.info("mail %s not sent yet (%r), retrying", row.message_id, exc)
            _finish(engine, row, owner, next_attempt_at=now() + backoff(row.attempts), last_error=repr(exc)[:1000])
            report.retried += 1
        else:
            _finish(engine, row, owner, status="sent", sent_at=now(), last_error=None)
            report.sent += 1
    return report


# --- what support sees -------------------------------------------------------------------


@dataclass(frozen=True)
class BouncedAccount:
    user_id: int
    name: str
    email: str
    role: str
    bounced_at: datetime
    last_error: str | None


def bounced_accounts(session: Session, actor: Actor, user_ids: Sequence[int] | None = None) -> list[BouncedAccount]:
    """Accounts whose address refused mail for good (all, or among `user_ids`), for support."""
    authorize(actor, "incident.supervise")
    stmt = select(User).where(User.email_bounced_at.is_not(None)).order_by(User.email_bounced_at.desc())
    if user_ids is not None:
        stmt = stmt.where(User.id.in_(list(user_ids)))
    out = []
    for user in session.exec(stmt).all():
        error = session.exec(
            select(MailOutbox.last_error)
            .where(sa.func.lower(MailOutbox.to_addr) == user.email.lower(), MailOutbox.status == "failed")
            .order_by(MailOutbox.id.desc())
        ).first()
        out.append(BouncedAccount(user.id, user.name, user.email, user.role, user.email_bounced_at, error))
    return out
