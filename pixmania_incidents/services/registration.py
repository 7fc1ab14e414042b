"""Customer self-registration, confirmed by a link sent to the address.

Why this shape: registration must answer the same whether or not the address already has
an account, or it tells a stranger who is a customer. So the form always answers "check
your mailbox": a new address gets a link that creates the account (which also proves the
address is theirs), a known one gets a note to its owner that someone tried. Requests are
throttled per address and per e-mail; the link's token is stored only as a hash.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pixmania_incidents import settings
from pixmania_incidents.i18n import tr
from pixmania_incidents.models import PendingRegistration, Role, User
from pixmania_incidents.services import mail, throttle
from pixmania_incidents.services.addresses import check_address
from pixmania_incidents.services.auth import check_password_rule, hash_password, hash_token
from pixmania_incidents.services.common import Actor, InvalidInput, now

log = logging.getLogger("pixmania.registration")

LIFETIME = timedelta(hours=24)
CONFIRM_PATH = "/auth/register/confirm/"


def register_customer(session: Session, name: str, email: str, password: str, ip: str = "") -> None:
    """Mails a confirmation link, or a warning to the address's owner; the caller answers the same.

    Refusals only judge what was typed (name, address, password rule) or the request rate,
    never whether the address has an account."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InvalidInput("auth.error.name_required")
    email = check_address(email)
    check_password_rule(password)
    throttle.take(session, *throttle.mail_requests(email, ip))
    owner = session.exec(select(User).where(col(User.email) == email)).first()
    if owner is not None:
        mail.enqueue(
            session,
            owner.email,
            tr("auth.register_exists_subject", owner.locale),
            tr(
                "auth.register_exists_body",
                owner.locale,
                name=owner.name,
                login_url=f"{settings.PUBLIC_URL}/login",
                reset_url=f"{settings.PUBLIC_URL}/password/forgot",
            ),
        )
        log.info("registration attempted for existing account %s", owner.id)
        return
    raw = secrets.token_urlsafe(32)
    at = now()
    session.add(
        PendingRegistration(
            email=email,
            name=name,
            password_hash=hash_password(password),
            token_hash=hash_token(raw),
            created_at=at,
            expires_at=at + LIFETIME,
        )
    )
    mail.enqueue(
        session,
        email,
        tr("auth.register_mail_subject"),
        tr("auth.register_mail_body", name=name, url=f"{settings.PUBLIC_URL}{CONFIRM_PATH}{raw}"),
    )
    session.flush()


def confirm(session: Session, raw_token: str | None) -> Actor:
    """Creates the account of a live link (once); the caller logs the new customer in."""
    row = (
        session.exec(
            select(PendingRegistration).where(col(PendingRegistration.token_hash) == hash_token(raw_token or ""))
        ).first()
        if raw_token
        else None
    )
    if row is None or row.used_at is not None or row.expires_at <= now():
        raise InvalidInput("auth.error.registration_link_invalid")
    # Spend the link atomically (of two simultaneous uses, one wins), then its siblings.
    spend = sa.update(PendingRegistration).where(col(PendingRegistration.used_at).is_(None)).values(used_at=now())
    if session.connection().execute(spend.where(col(PendingRegistration.id) == row.id)).rowcount != 1:
        raise InvalidInput("auth.error.registration_link_invalid")
    session.connection().execute(spend.where(col(PendingRegistration.email) == row.email))
    if session.exec(select(col(User.id)).where(col(User.email) == row.email)).first() is not None:
        raise InvalidInput("auth.error.registration_link_invalid")
    user = User(email=row.email, name=row.name, role=Role.customer, password_hash=row.password_hash)
    session.add(user)
    session.flush()
    log.info("customer account %s registered", user.id)
    return Actor.of(user)
