"""Accounts, passwords and login sessions.

Why this shape: the browser only ever holds a random token (in an HttpOnly cookie set by
the login route); the server keeps its SHA-256 with an expiry and a revocation instant, so
a session can be ended everywhere at once. Passwords are argon2id (OWASP parameters) and
are never truncated. Password guesses are slowed down per account and per address
(`services/throttle`); an address the account already logged in from is not slowed down by
a stranger's guesses on the account. The edge (`pixmania_incidents/edge.py`) seals the
cookie before the app sees it, so no raw token is kept anywhere on the server.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from passlib.context import CryptContext
from sqlmodel import Session, col, select

from pixmania_incidents import settings
from pixmania_incidents.models import LoginAttempt, LoginSession, Role, User
from pixmania_incidents.services import throttle
from pixmania_incidents.services.addresses import check_address
from pixmania_incidents.services.common import Actor, InvalidInput, ServiceError, existing, now, reads

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
#: What the edge puts before the SHA-256 of a session cookie it seals (never in a raw token).
SEALED_PREFIX = "sealed."
#: `Session.info` key: the users whose login sessions this unit of work ended (`sessions_ended_in`).
SESSIONS_ENDED = "pixmania.sessions_ended"


@dataclass(frozen=True)
class Identity:
    """Who holds a valid session, and whether they must first change their password."""

    actor: Actor
    must_change_password: bool
    #: The login session's row: a browser tab follows this one session and ends with it.
    session_id: int | None = None


# --- passwords ---------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def seal_token(raw: str) -> str:
    """What the app sees instead of the browser's cookie: enough to find the session, useless
    as a cookie (the edge seals whatever a client sends, a sealed value included)."""
    return SEALED_PREFIX + hash_token(raw)


def stored_hash(token: str) -> str:
    """The stored hash of a session token, sealed by the edge or raw (services and tests)."""
    return token.removeprefix(SEALED_PREFIX) if token.startswith(SEALED_PREFIX) else hash_token(token)


def hash_password(password: str) -> str:
    return pwd_context.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against for unknown e-mails, so they take as long as a wrong password."""
    return pwd_context.hash(secrets.token_urlsafe(16))


def check_password_rule(password: str) -> None:
    if len(password) > PASSWORD_MAX:
        raise InvalidInput("auth.error.password_too_long", max=PASSWORD_MAX)
    if len(password) < PASSWORD_MIN or not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise InvalidInput("auth.error.weak_password")


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


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


# --- the first administrator -------------------------------------------------------------


def create_administrator(session: Session, email: str, name: str, password: str) -> Actor:
    """An administrator created from the command line (no one is logged in to authorize it):
    how a fresh production database gets its first one without a known password."""
    email = check_address(email)
    name = (name or "").strip() or email.split("@")[0]
    if len(name) > 120:
        raise InvalidInput("auth.error.name_required")
    check_password_rule(password)
    if session.exec(select(col(User.id)).where(col(User.email) == email)).first() is not None:
        raise InvalidInput("auth.error.email_taken")
    user = User(email=email, name=name, role=Role.admin, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    log.info("administrator %s created from the command line", user.id)
    return Actor.of(user)


# --- login -------------------------------------------------------------------------------


def _known_address(session: Session, email: str, ip: str) -> bool:
    """Whether this account already logged in from this address: its owner, most likely."""
    if not ip:
        return False
    return (
        session.exec(
            select(col(LoginAttempt.id))
            .where(col(LoginAttempt.email) == email, col(LoginAttempt.ip) == ip, col(LoginAttempt.success).is_(True))
            .limit(1)
        ).first()
        is not None
    )


def _guess_keys(email: str, ip: str, per_account: bool = True) -> list[tuple[throttle.Rule, str]]:
    keys = [(throttle.ACCOUNT_GUESSES, throttle.ACCOUNT_GUESSES.key(email))] if per_account else []
    if ip:
        keys.append((throttle.ADDRESS_GUESSES, throttle.ADDRESS_GUESSES.key(ip)))
    return keys


def open_session(session: Session, user_id: int, ip: str = "", user_agent: str = "") -> str:
    """A new login session; returns the raw token, which only the browser keeps."""
    raw = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            user_id=user_id,
            token_hash=hash_token(raw),
            created_at=now(),
            expires_at=now() + timedelta(hours=settings.SESSION_HOURS),
            ip=ip,
            user_agent=(user_agent or "")[:255],
        )
    )
    session.flush()
    return raw


def login(session: Session, email: str, password: str, ip: str = "", user_agent: str = "") -> tuple[str, Actor]:
    """A new session token for valid credentials, else one message that does not say which part was wrong.

    The guess is counted and committed before the password is checked (parallel guesses
    count one by one); the caller commits even when this raises, so the failure is kept."""
    email = normalize_email(email)[:254]
    ip = (ip or "")[:64]
    taken = throttle.take(session, *_guess_keys(email, ip, per_account=not _known_address(session, email, ip)))
    user = session.exec(select(User).where(col(User.email) == email)).first() if email else None
    password = (password or "")[: PASSWORD_MAX + 1]  # over the cap can never match: bounded work
    ok = pwd_context.verify(
        password, user.password_hash if user and user.password_hash.startswith("$argon2") else _dummy_hash()
    )
    ok = ok and user is not None and user.active and len(password) <= PASSWORD_MAX
    session.add(LoginAttempt(email=email, ip=ip, success=ok, at=now()))
    if not ok or user is None:
        session.flush()
        log.info("login failed")
        raise ServiceError("auth.error.invalid_credentials")
    throttle.give_back(session, taken)
    if pwd_context.needs_update(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    raw = open_session(session, user.id, ip, user_agent)
    log.info("user %s logged in", user.id)
    return raw, Actor.of(user)


async def login_async(email: str, password: str, ip: str = "", user_agent: str = "") -> tuple[str, Identity]:
    """`login` for async callers: argon2 runs in a thread, and a refusal is still committed.

    It owns its unit of work because a refused attempt must still be recorded."""
    from pixmania_incidents.db import session_scope

    def attempt() -> tuple[tuple[str, Identity] | None, ServiceError | None]:
        with session_scope() as session:
            try:
                raw, actor = login(session, email, password, ip, user_agent)
                user = existing(session, User, actor.id)
                return (raw, Identity(actor, user.must_change_password)), None
            except ServiceError as exc:
                return None, exc

    result, refused = await asyncio.to_thread(attempt)
    if result is None:
        raise refused or ServiceError("auth.error.invalid_credentials")
    return result


# --- sessions ----------------------------------------------------------------------------


def identify(session: Session, token: str | None) -> Identity | None:
    """The holder of a live session: not expired, not revoked, account still active.

    `token` is the cookie as the app sees it (sealed by the edge) or a raw token."""
    if not token:
        return None
    row = session.exec(
        select(LoginSession, User)
        .join(User, col(User.id) == col(LoginSession.user_id))
        .where(col(LoginSession.token_hash) == stored_hash(token))
    ).first()
    if row is None:
        return None
    login_session, user = row
    if login_session.revoked_at is not None or login_session.expires_at <= now() or not user.active:
        return None
    return Identity(Actor.of(user), user.must_change_password, login_session.id)


def actor_for_token(session: Session, token: str | None) -> Actor | None:
    identity = identify(session, token)
    return identity.actor if identity else None


def revoke_sessions(session: Session, user_id: int, keep_token: str | None = None) -> int:
    """Ends every live session of a user (but `keep_token`'s); returns how many."""
    stmt = select(LoginSession).where(col(LoginSession.user_id) == user_id, col(LoginSession.revoked_at).is_(None))
    if keep_token:
        stmt = stmt.where(col(LoginSession.token_hash) != stored_hash(keep_token))
    rows = session.exec(stmt).all()
    for row in rows:
        row.revoked_at = now()
        session.add(row)
    session.flush()
    if rows:
        # Whoever commits this unit of work tells the user's open tabs at once (`sessions_ended_in`).
        session.info.setdefault(SESSIONS_ENDED, set()).add(user_id)
    return len(rows)


def sessions_ended_in(session: Session) -> set[int]:
    """The users whose sessions this unit of work ended: every service that ends sessions names
    them here (through `revoke_sessions`), so the interface can end their tabs once it commits."""
    return set(session.info.get(SESSIONS_ENDED, ()))


@reads
def sessions_running_out(session: Session, since: datetime, until: datetime) -> tuple[set[int], datetime | None]:
    """The users whose live sessions expired in (since, until] — their tabs are told now — and
    the next instant a live session expires (None when none will)."""
    live = col(LoginSession.revoked_at).is_(None)
    ended = session.exec(
        select(col(LoginSession.user_id)).where(
            live, col(LoginSession.expires_at) > since, col(LoginSession.expires_at) <= until
        )
    ).all()
    upcoming = session.exec(
        select(sa.func.min(col(LoginSession.expires_at))).where(live, col(LoginSession.expires_at) > until)
    ).one()
    return set(ended), upcoming


def logout(session: Session, token: str | None) -> None:
    """Logging out ends the session everywhere it was used (every device, every tab)."""
    actor = actor_for_token(session, token)
    if actor is not None:
        revoke_sessions(session, actor.user_id)
        log.info("user %s logged out everywhere", actor.id)


def change_password(
    session: Session, actor: Actor, current: str, new: str, keep_token: str | None = None, ip: str = ""
) -> None:
    """Also the forced change of a temporary password; other sessions of the user end.

    Checking the current password is a guess like a login (whoever holds a session may not be
    its owner): counted per account and per address (`ip`, see `network.client_address`)."""
    user = session.get(User, actor.id) if actor.id is not None else None
    if user is None or not user.active:
        raise ServiceError("error.login_required")
    check_password_rule(new)
    if new == current:
        raise InvalidInput("auth.error.same_password")
    taken = throttle.take(session, *_guess_keys(user.email, (ip or "")[:64]))
    if not pwd_context.verify((current or "")[: PASSWORD_MAX + 1], user.password_hash):
        raise InvalidInput("auth.error.wrong_current_password")
    throttle.give_back(session, taken)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.add(user)
    revoke_sessions(session, user.id, keep_token=keep_token)
    log.info("user %s changed their password", user.id)
