"""Password reset by e-mail: a single-use link that expires after an hour.

Why this shape: the link's token is random and only its SHA-256 is stored, so a database
leak does not open accounts; asking for a link answers the same whether or not the
address has an account (nothing to probe), and requests are throttled per address typed and
per sender, silently; using a link ends every open session of the account, and every other
link it had.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pixmania_incidents import settings
from pixmania_incidents.i18n import tr
from pixmania_incidents.models import PasswordReset, User
from pixmania_incidents.services import mail, throttle
from pixmania_incidents.services.auth import (
    check_password_rule,
    hash_password,
    hash_token,
    normalize_email,
    revoke_sessions,
)
from pixmania_incidents.services.common import InvalidInput, now

log = logging.getLogger("pixmania.password_reset")

LIFETIME = timedelta(hours=1)


def request_reset(session: Session, email: str, ip: str = "") -> None:
    """Send a reset link if an active account has this address; always the same silence.

    `ip` is the sender's address (`network.client_address`)."""
    email = normalize_email(email)[:254]
    try:
        throttle.take(session, *throttle.mail_requests(email, ip))
    except throttle.Throttled:
        return
    user = session.exec(select(User).where(col(User.email) == email, col(User.active) == True)).first()  # noqa: E712
    if user is None:
        return
    url = new_link(session, user, LIFETIME)
    mail.enqueue(
        session,
        user.email,
        tr("password.mail_subject", user.locale),
        tr("password.mail_body", user.locale, name=user.name, url=url),
    )


def new_link(session: Session, user: User, lifetime: timedelta) -> str:
    """A single-use link to choose the account's password (also the invitation of a customer
    who arrived from the order system); only its token's hash is kept."""
    at = now()
    raw = secrets.token_urlsafe(32)
    session.add(PasswordReset(user_id=user.id, token_hash=hash_token(raw), created_at=at, expires_at=at + lifetime))
    return f"{settings.PUBLIC_URL}/password/reset/{raw}"


def _live(session: Session, raw_token: str | None) -> tuple[PasswordReset, User] | None:
    if not raw_token:
        return None
    row = session.exec(
        select(PasswordReset, User)
        .join(User, col(User.id) == col(PasswordReset.user_id))
        .where(col(PasswordReset.token_hash) == hash_token(raw_token))
    ).first()
    if row is None:
        return None
    reset, user = row
    if reset.used_at is not None or reset.expires_at <= now() or not user.active:
        return None
    return reset, user


def link_is_valid(session: Session, raw_token: str | None) -> bool:
    """For the reset page: show the form, or say at once that the link is spent."""
    return _live(session, raw_token) is not None


def reset_password(session: Session, raw_token: str | None, new_password: str) -> None:
    """Set the new password through a live link; the link and its siblings are spent."""
    found = _live(session, raw_token)
    if found is None:
        raise InvalidInput("password.error.invalid_link")
    reset, user = found
    check_password_rule(new_password or "")
    at = now()
    # Spend the link atomically: of two simultaneous uses, one wins.
    spent = session.connection().execute(
        sa.update(PasswordReset)
        .where(col(PasswordReset.id) == reset.id, col(PasswordReset.used_at).is_(None))
        .values(used_at=at)
    )
    if spent.rowcount != 1:
        raise InvalidInput("password.error.invalid_link")
    session.connection().execute(
        sa.update(PasswordReset)
        .where(col(PasswordReset.user_id) == user.id, col(PasswordReset.used_at).is_(None))
        .values(used_at=at)
    )
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    session.add(user)
    revoke_sessions(session, user.id)
    log.info("user %s reset their password by e-mail", user.id)
