"""Accounts, passwords and login sessions.

Why this shape: the browser only ever holds a random token (in an HttpOnly cookie set by
the login route); the server keeps its SHA-256 with an expiry and a revocation instant, so
a session can be ended everywhere at once. Passwords are argon2id (OWASP parameters) and
are never truncated. Failed logins are recorded and throttled per account and per address.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import sqlalchemy as sa
from passlib.context import CryptContext
from sqlmodel import Session, select

from pixmania_incidents import settings
from pixmania_incidents.models import LoginAttempt, LoginSession, Role, User
from pixmania_incidents.services.common import Actor, InvalidInput, ServiceError, now

log = logging.getLogger("pixmania.auth")

#: Where each role lands after login; the one place every page and route reads it from.
HOME_BY_ROLE: dict[str, str] = {
    Role.customer: "/orders",
    Role.seller: "/board",
    Role.support: "/supervision",
    Role.arbitrator: "/supervision",
    Role.product: "/flags",
    Role.admin: "/admin/accounts",
}
ACCOUNT_PAGE = "/account"
LOGIN_PAGE = "/login"

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
pwd_context = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=19456,
    argon2__time_cost=2,
    argon2__parallelism=1,
)

PASSWORD_MIN = 12
PASSWORD_MAX = 1024  # long passphrases are welcome; the cap only bounds hashing work
FAILURE_LIMIT = 5
FAILURE_WINDOW = timedelta(minutes=15)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class LoginRefused(ServiceError):
    """A refused login; `failures` (recent ones) sets how long the answer is delayed."""

    def __init__(self, code: str, failures: int = 0, **params: object) -> None:
        super().__init__(code, **params)
        self.failures = failures


@dataclass(frozen=True)
class Identity:
    """Who holds a valid session, and whether they must first change their password."""

    actor: Actor
    must_change_password: bool


# --- passwords ---------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return pwd_context.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against for unknown e-mails, so they take as long as a wrong password."""
    return pwd_context.hash(secrets.token_urlsafe(16))


def check_password_rule(password: str) -> None:
    if len(password) > PASSWORD_MAX:
        raise InvalidInput("auth.error.password_too_long", max=PASSWORD_MAX)
    if (
        len(password) < PASSWORD_MIN
        or not any(c.isalpha() for c in password)
        or not any(c.isdigit() for c in password)
    ):
        raise InvalidInput("auth.error.weak_password")


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    email = normalize_email(email)
    if len(email) > 254 or not _EMAIL_RE.match(email):
        raise InvalidInput("auth.error.email_invalid")
    return email


def new_temporary_password() -> str:
    """Readable, ~100 bits, and always satisfies the password rule (letters and digits)."""
    return f"{secrets.token_urlsafe(12)}-{secrets.randbelow(90) + 10}"


def home_for(role: str, must_change_password: bool = False) -> str:
    return ACCOUNT_PAGE if must_change_password else HOME_BY_ROLE.get(role, LOGIN_PAGE)


def safe_next(path: str | None) -> str | None:
    """A local path to return to after login, or None (no open redirect to another site)."""
    if not path or not path.startswith("/") or path.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 32 or c == "\\" for c in path):
        return None
    return path


# --- registration ------------------------------------------------------------------------


def register_customer(session: Session, name: str, email: str, password: str) -> Actor:
    """Customer self-registration; the caller logs the new customer in."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput("auth.error.name_required")
    email = check_email(email)
    check_password_rule(password)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise InvalidInput("auth.error.email_taken")
    user = User(email=email, name=name, role=Role.customer, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    log.info("customer account %s registered", user.id)
    return Actor.of(user)


# --- login -------------------------------------------------------------------------------


def _recent_failures(session: Session, column: sa.ColumnElement, value: str, since_success: bool) -> list:
    """Instants of failures in the window, newest first; for an account, only since its last success."""
    start = now() - FAILURE_WINDOW
    if since_success:
        last_ok = session.exec(
            select(sa.func.max(LoginAttempt.at)).where(column == value, LoginAttempt.success.is_(True))
        ).one()
        if last_ok is not None and last_ok > start:
            start = last_ok
    return list(
        session.exec(
            select(LoginAttempt.at)
            .where(column == value, LoginAttempt.success.is_(False), LoginAttempt.at > start)
            .order_by(LoginAttempt.at.desc())
        ).all()
    )


def _check_throttle(session: Session, email: str, ip: str) -> int:
    """Refuses while an account or an address has too many recent failures; returns their count."""
    counts = []
    for column, value, since_success in ((LoginAttempt.email, email, True), (LoginAttempt.ip, ip, False)):
        if not value:
            continue
        failures = _recent_failures(session, column, value, since_success)
        if len(failures) >= FAILURE_LIMIT:
            unlock = failures[FAILURE_LIMIT - 1] + FAILURE_WINDOW
            minutes = max(1, -(-int((unlock - now()).total_seconds()) // 60))
            raise LoginRefused("auth.error.throttled", failures=len(failures), minutes=minutes)
        counts.append(len(failures))
    return max(counts, default=0)


def login(session: Session, email: str, password: str, ip: str = "", user_agent: str = "") -> tuple[str, Actor]:
    """A new session token for valid credentials, else one message that does not say which part was wrong.

    The caller must commit even when this raises: failures are recorded for throttling."""
    email = normalize_email(email)[:254]
    ip = (ip or "")[:64]
    failures = _check_throttle(session, email, ip)
    user = session.exec(select(User).where(User.email == email)).first() if email else None
    password = (password or "")[:PASSWORD_MAX + 1]  # over the cap can never match: bounded work
    ok = pwd_context.verify(password, user.password_hash if user and user.password_hash.startswith("$argon2") else _dummy_hash())
    ok = ok and user is not None and user.active and len(password) <= PASSWORD_MAX
    session.add(LoginAttempt(email=email, ip=ip, success=ok, at=now()))
    if not ok:
        session.flush()
        log.info("login failed (recent failures: %s)", failures + 1)
        raise LoginRefused("auth.error.invalid_credentials", failures=failures + 1)
    if pwd_context.needs_update(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    raw = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            user_id=user.id,
            token_hash=hash_token(raw),
            created_at=now(),
            expires_at=now() + timedelta(hours=settings.SESSION_HOURS),
            ip=ip,
            user_agent=(user_agent or "")[:255],
        )
    )
    session.flush()
    log.info("user %s logged in", user.id)
    return raw, Actor.of(user)


def failure_delay(failures: int) -> float:
    """Seconds an answer to a refused login waits: grows with recent failures, capped."""
    return min(0.5 * failures, 3.0)


async def login_async(email: str, password: str, ip: str = "", user_agent: str = "") -> tuple[str, Identity]:
    """`login` for async callers: argon2 runs in a thread, failures are committed and answered late.

    It owns its unit of work because a refused attempt must still be recorded."""
    from pixmania_incidents.db import session_scope

    def attempt() -> tuple[tuple[str, Identity] | None, LoginRefused | None]:
        with session_scope() as session:
            try:
                raw, actor = login(session, email, password, ip, user_agent)
                user = session.get(User, actor.id)
                return (raw, Identity(actor, user.must_change_password)), None
            except LoginRefused as exc:
                return None, exc

    result, refused = await asyncio.to_thread(attempt)
    if refused is not None:
        await asyncio.sleep(failure_delay(refused.failures))
        raise refused
    return result


# --- sessions ----------------------------------------------------------------------------


def identify(session: Session, raw_token: str | None) -> Identity | None:
    """The holder of a live session: not expired, not revoked, account still active."""
    if not raw_token:
        return None
    row = session.exec(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token_hash == hash_token(raw_token))
    ).first()
    if row is None:
        return None
    login_session, user = row
    if login_session.revoked_at is not None or login_session.expires_at <= now() or not user.active:
        return None
    return Identity(Actor.of(user), user.must_change_password)


def actor_for_token(session: Session, raw_token: str | None) -> Actor | None:
    identity = identify(session, raw_token)
    return identity.actor if identity else None


def revoke_sessions(session: Session, user_id: int, keep_token: str | None = None) -> int:
    """Ends every live session of a user (but `keep_token`'s); returns how many."""
    stmt = select(LoginSession).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
    if keep_token:
        stmt = stmt.where(LoginSession.token_hash != hash_token(keep_token))
    rows = session.exec(stmt).all()
    for row in rows:
        row.revoked_at = now()
        session.add(row)
    session.flush()
    return len(rows)


def logout(session: Session, raw_token: str | None) -> None:
    """Logging out ends the session everywhere it was used (every device, every tab)."""
    actor = actor_for_token(session, raw_token)
    if actor is not None:
        revoke_sessions(session, actor.id)
        log.info("user %s logged out everywhere", actor.id)


def change_password(session: Session, actor: Actor, current: str, new: str, keep_token: str | None = None) -> None:
    """Also the forced change of a temporary password; other sessions of the user end."""
    user = session.get(User, actor.id) if actor.id is not None else None
    if user is None or not user.active:
        raise ServiceError("error.login_required")
    if not pwd_context.verify((current or "")[:PASSWORD_MAX + 1], user.password_hash):
        raise InvalidInput("auth.error.wrong_current_password")
    check_password_rule(new)
    if new == current:
        raise InvalidInput("auth.error.same_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.add(user)
    revoke_sessions(session, user.id, keep_token=keep_token)
    log.info("user %s changed their password", user.id)
