"""The e-mail outbox: rows written with the change they tell about, sent later by a task.

Why an outbox: a mail server that is down must never lose or block a change, and a
crash between the commit and the send must not lose the mail either. So the change
and its `MailOutbox` row commit together; a sender then *claims* one due row at a time
with a lease (`services/outbox`, shared with the webhooks), sends it, and
marks it sent in its own commit right away. The lease (`LEASE`) outlasts the longest
send (`SEND_TIMEOUT`, enforced on the connection), so no other sender takes a row while
it is being sent: each mail goes out once. Only a sender that dies between the relay's
acceptance and its commit lets that one mail go out again when its lease ends, with the
same `Message-ID` so mail clients can drop the twin.

Failures: when the relay cannot be reached (connection refused, timeout, our own
credentials or sender address refused) the round stops and the row is retried within
`RELAY_RETRY_MAX`, so mail resumes within seconds of the relay's return; a temporary
refusal of this mail (SMTP 4xx) retries with exponential backoff for `GIVE_UP_AFTER`; a
permanent one (SMTP 5xx, an address that is not exactly one addr-spec, a non-ASCII
address the relay cannot take without SMTPUTF8) marks the row failed with its reason,
and the account's address as bouncing, which support sees; admins list failed mails.

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
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from pixmania_incidents import settings
from pixmania_incidents.db import session_scope
from pixmania_incidents.models import MailOutbox, User
from pixmania_incidents.services import outbox
from pixmania_incidents.services.common import Actor, authorize, now, reads

log = logging.getLogger("pixmania.mail")

MAIL_FROM = os.environ.get("PIXMANIA_MAIL_FROM", "Pixmania Incidents <no-reply@incidents.pixmania.example>")
MAIL_DOMAIN = os.environ.get("PIXMANIA_MAIL_DOMAIN", "incidents.pixmania.example")
#: One mail's whole SMTP exchange, from connecting to the end of DATA.
SEND_TIMEOUT = 30.0
#: A claimed row is left alone this long: longer than a send, with room for the commits.
LEASE = timedelta(minutes=2)
#: The relay unreachable: try again soon (5 s, 10 s, then every 20 s), it is ours.
RELAY_RETRY_FIRST = timedelta(seconds=5)
RELAY_RETRY_MAX = timedelta(seconds=20)
#: This mail deferred by the relay (4xx): 30 s, 1 min, 2 min... capped at one hour...
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
#: ...and given up (failed, "expired") once the mail is this old.
GIVE_UP_AFTER = timedelta(days=3)


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
    """Refused for good: retrying would not help. `reason` names why (`mail.failure.<reason>`);
    every reason but a refused message means the address cannot receive our mail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail

    @property
    def bounces(self) -> bool:
        return self.reason != "message_refused"


class TemporaryRefusal(Exception):
    """The relay deferred this mail (4xx): try it again later. Anything else a transport
    raises means the relay itself could not be used."""


class Transport(Protocol):
    def send(self, msg: EmailMessage) -> None:
        """Deliver to `msg["To"]` or raise `PermanentFailure`, `TemporaryRefusal`, or anything
        else when the relay is unavailable."""


def recipient_problem(to_addr: str) -> PermanentFailure | None:
    """Why `to_addr` cannot be a recipient, or None: it must be exactly one addr-spec (no
    display name, no list). Non-ASCII is judged by the relay (SMTPUTF8)."""
    try:
        Address(addr_spec="".join(ch if ch.isascii() else "x" for ch in to_addr))
    except Exception as exc:  # noqa: BLE001 - the parser raises several kinds on bad input
        return PermanentFailure("bad_address", f"not a single address: {to_addr!r} ({exc})")
    return None


class FileTransport:
    """Writes `<Message-ID>.eml` files: a resend overwrites the same file."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, msg: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9.@_-]", "", msg["Message-ID"]) + ".eml"
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(msg.as_bytes(policy=msg.policy.clone(utf8=True)))  # type: ignore[call-arg]  # EmailPolicy
        tmp.replace(self.folder / name)


@dataclass(frozen=True)
class SMTPTransport:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    #: The whole exchange, not each read: at the deadline the connection is cut.
    timeout: float = SEND_TIMEOUT

    def send(self, msg: EmailMessage) -> None:
        smtp = smtplib.SMTP(timeout=self.timeout)
        deadline = threading.Timer(self.timeout, _cut, args=(smtp,))
        deadline.start()
        try:
            smtp.connect(self.host, self.port)
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(msg, to_addrs=[msg["To"].addresses[0].addr_spec])
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentFailure("needs_smtputf8", f"the relay does not offer SMTPUTF8: {exc}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            [(code, text)] = exc.recipients.values()
            if code >= 500:
                raise PermanentFailure("recipient_refused", f"{code} {text.decode(errors='replace')}") from exc
            raise TemporaryRefusal(f"{code} {text.decode(errors='replace')}") from exc
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                raise PermanentFailure("message_refused", f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise TemporaryRefusal(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        else:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass  # the relay has the mail: how the session ends does not matter
        finally:
            deadline.cancel()
            smtp.close()


def _cut(smtp: smtplib.SMTP) -> None:
    """Ends a send that outlived its deadline: the blocked read fails at once."""
    sock = smtp.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


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
    #: The round stopped because the relay could not be used: wait before the next one.
    relay_down: bool = False

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed


def claim(engine: Engine, owner: str, lease: timedelta | None = None) -> MailOutbox | None:
    """Lease the next due mail to `owner` and commit, so no other sender takes it."""
    return outbox.claim(engine, MailOutbox, owner, lease or LEASE)


def _finish(engine: Engine, row: MailOutbox, owner: str, bounces: bool = False, **values: object) -> None:
    """Record the outcome, only if this sender still holds the lease."""
    with session_scope(engine) as session:
        outbox.finish(session, MailOutbox, row.id, owner, **values)
        if bounces:
            session.connection().execute(
                sa.update(User)
                .where(sa.func.lower(col(User.email)) == row.to_addr.lower(), col(User.email_bounced_at).is_(None))
                .values(email_bounced_at=now())
            )


def backoff(attempts: int) -> timedelta:
    """This mail deferred: 30 s, 1 min, 2 min, ... capped at one hour."""
    return outbox.backoff(attempts, FIRST_RETRY, MAX_RETRY)


def relay_backoff(attempts: int) -> timedelta:
    """The relay unreachable: 5 s, 10 s, then every 20 s."""
    return outbox.backoff(attempts, RELAY_RETRY_FIRST, RELAY_RETRY_MAX)


def _send_one(engine: Engine, transport: Transport, row: MailOutbox, owner: str, report: SendReport) -> None:
    try:
        problem = recipient_problem(row.to_addr)
        if problem is not None:
            raise problem
        transport.send(as_email(row))
    except PermanentFailure as exc:
        log.warning("mail %s to %s refused for good: %s", row.message_id, row.to_addr, exc.detail)
        _finish(
            engine,
            row,
            owner,
            bounces=exc.bounces,
            status="failed",
            failure=exc.reason,
            last_error=exc.detail[:1000],
            failed_at=now(),
        )
        report.failed += 1
    except TemporaryRefusal as exc:
        if row.created_at < now() - GIVE_UP_AFTER:
            log.warning("mail %s to %s deferred for too long: %s", row.message_id, row.to_addr, exc)
            _finish(
                engine,
                row,
                owner,
                bounces=True,
                status="failed",
                failure="expired",
                last_error=str(exc)[:1000],
                failed_at=now(),
            )
            report.failed += 1
        else:
            log.info("mail %s deferred (%s), retrying", row.message_id, exc)
            _finish(engine, row, owner, next_attempt_at=now() + backoff(row.attempts), last_error=str(exc)[:1000])
            report.retried += 1
    except Exception as exc:  # noqa: BLE001 - the relay is down, slow or refusing us: soon again
        log.warning("mail relay unavailable (%r), retrying in a few seconds", exc)
        _finish(engine, row, owner, next_attempt_at=now() + relay_backoff(row.attempts), last_error=repr(exc)[:1000])
        report.retried += 1
        report.relay_down = True
    else:
        _finish(engine, row, owner, status="sent", sent_at=now(), last_error=None)
        report.sent += 1


def send_due(
    engine: Engine, transport: Transport, owner: str | None = None, limit: int = 20, lease: timedelta | None = None
) -> SendReport:
    """One round of the sender: up to `limit` mails, each claimed, sent and recorded on its
    own; stops early when nothing is due or the relay is down. Blocking (run it in a thread
    from async code)."""
    owner = f"{owner or outbox.worker_name()}:{secrets.token_hex(4)}"
    report = SendReport()
    while report.claimed < limit and not report.relay_down:
        row = claim(engine, owner, lease)
        if row is None:
            break
        _send_one(engine, transport, row, owner, report)
    return report


# --- what support sees -------------------------------------------------------------------


@dataclass(frozen=True)
class BouncedAccount:
    user_id: int
    name: str
    email: str
    role: str
    bounced_at: datetime | None
    last_error: str | None


def bounced_accounts(session: Session, actor: Actor, user_ids: Sequence[int] | None = None) -> list[BouncedAccount]:
    """Accounts whose address refused mail for good (all, or among `user_ids`), for support."""
    authorize(actor, "incident.supervise")
    stmt = select(User).where(col(User.email_bounced_at).is_not(None)).order_by(col(User.email_bounced_at).desc())
    if user_ids is not None:
        stmt = stmt.where(col(User.id).in_(list(user_ids)))
    out = []
    for user in session.exec(stmt).all():
        error = session.exec(
            select(col(MailOutbox.last_error))
            .where(sa.func.lower(col(MailOutbox.to_addr)) == user.email.lower(), col(MailOutbox.status) == "failed")
            .order_by(col(MailOutbox.id).desc())
        ).first()
        out.append(BouncedAccount(user.id, user.name, user.email, user.role, user.email_bounced_at, error))
    return out


# --- what admins see ---------------------------------------------------------------------


@dataclass(frozen=True)
class FailedMail:
    id: int
    to_addr: str
    subject: str
    created_at: datetime
    failed_at: datetime | None
    attempts: int
    #: Catalogue key of why: mail.failure.recipient_refused, message_refused, bad_address, needs_smtputf8, expired.
    reason: str
    #: The relay's own words (or the parser's), untranslated.
    detail: str | None


@reads
def failed_mails(session: Session, actor: Actor, limit: int = 100) -> list[FailedMail]:
    """Mails given up for good, the latest first, for the admins."""
    authorize(actor, "admin.manage")
    rows = session.exec(
        select(MailOutbox).where(col(MailOutbox.status) == "failed").order_by(col(MailOutbox.id).desc()).limit(limit)
    ).all()
    # Rows failed before reasons were kept were all refused by the relay (5xx).
    return [
        FailedMail(
            row.id,
            row.to_addr,
            row.subject,
            row.created_at,
            row.failed_at,
            row.attempts,
            f"mail.failure.{row.failure or 'recipient_refused'}",
            row.last_error,
        )
        for row in rows
    ]
