"""API keys: how a back office (a shop's, or the marketplace operator's) acts through `/api/v1`.

Why this shape: a key is shown once and only its SHA-256 is kept, like a login session, so a
database leak opens nothing. A key acts as a real account, so every service authorizes it
exactly as it would that person in the browser and the case's history names who acted: a
shop's key acts as the shop's seller who owns it (read, or read and write), the operator's
as its admin. It stops working the moment it is revoked, or its owner is deactivated or
moves to another shop. Each request counts against the key's quota (`RATE`) and stamps
when the key was last used, in one short unit of work before the service call.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from pixmania_incidents.models import ApiKey, Role, Shop, User
from pixmania_incidents.services import throttle
from pixmania_incidents.services.auth import hash_token
from pixmania_incidents.services.common import (
    Actor,
    InvalidInput,
    NotFound,
    ServiceError,
    authorize,
    existing,
    now,
    reads,
)
from pixmania_incidents.services.inputs import clean_text
from pixmania_incidents.vocabulary import API_KEY_SCOPES

#: Every key starts so; a leaked one is easy to recognise (and to search for in code).
KEY_PREFIX = "pxm_"
RATE = throttle.Quota("api-key", int(os.environ.get("PIXMANIA_API_RATE_PER_MINUTE", "300")), timedelta(minutes=1))


class KeyRefused(ServiceError):
    """No such key, revoked, or its owner may no longer act: the same answer for all (401)."""

    def __init__(self) -> None:
        super().__init__("api.error.key_invalid")


@dataclass(frozen=True)
class KeyView:
    """What its owner sees of a key: never the key itself, only its first characters."""

    id: int
    name: str
    prefix: str
    scope: str
    shop_id: int | None
    shop_name: str
    owner_name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewKey:
    key: KeyView
    #: The key itself, to show once: it is never stored.
    secret: str


@dataclass(frozen=True)
class Holder:
    """Who a request's key acts as, and what it may do."""

    actor: Actor
    key_id: int
    scope: str
    shop_id: int | None


def _view(session: Session, key: ApiKey) -> KeyView:
    shop = existing(session, Shop, key.shop_id) if key.shop_id else None
    owner = existing(session, User, key.user_id)
    return KeyView(
        key.id,
        key.name,
        key.prefix,
        key.scope,
        key.shop_id,
        shop.name if shop else "",
        owner.name if owner else "",
        key.created_at,
        key.last_used_at,
        key.revoked_at,
    )


def _owner_for(session: Session, actor: Actor, scope: str, seller_id: int | None) -> User:
    """The account a new key acts as: the seller themself, or for an admin the seller they
    chose (a shop's key) or themself (the operator's key)."""
    if scope not in API_KEY_SCOPES:
        raise InvalidInput("api.error.scope")
    if actor.role == Role.seller:
        if scope == "operator" or actor.shop_id is None:
            raise InvalidInput("api.error.scope")
        return existing(session, User, actor.id)
    if scope == "operator":
        return existing(session, User, actor.id)
    seller = session.get(User, int(seller_id)) if seller_id else None
    if seller is None or seller.role != Role.seller or seller.shop_id is None or not seller.active:
        raise InvalidInput("api.error.seller_required")
    return seller


def create_key(session: Session, actor: Actor, name: str, scope: str, seller_id: int | None = None) -> NewKey:
    """A new key, shown once. A seller makes keys for their own shop; an admin for any
    shop's seller, or the operator's key."""
    authorize(actor, "api.manage")
    name = clean_text(name, "name", limit=80)
    owner = _owner_for(session, actor, scope, seller_id)
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        key_hash=hash_token(secret),
        prefix=secret[: len(KEY_PREFIX) + 6],
        user_id=owner.id,
        shop_id=owner.shop_id if scope != "operator" else None,
        scope=scope,
        created_by_id=actor.user_id,
        created_at=now(),
    )
    session.add(key)
    session.flush()
    return NewKey(_view(session, key), secret)


def _visible(actor: Actor, key: ApiKey) -> bool:
    return actor.role == Role.admin or (key.shop_id is not None and key.shop_id == actor.shop_id)


@reads
def keys(session: Session, actor: Actor) -> list[KeyView]:
    """The shop's keys for its seller, every key for an admin; the newest first."""
    authorize(actor, "api.manage")
    stmt = select(ApiKey).order_by(col(ApiKey.created_at).desc(), col(ApiKey.id).desc())
    if actor.role != Role.admin:
        stmt = stmt.where(col(ApiKey.shop_id) == actor.shop_id)
    return [_view(session, key) for key in session.exec(stmt).all()]


def revoke_key(session: Session, actor: Actor, key_id: int) -> KeyView:
    """Refused from the next request on, whatever it was doing."""
    authorize(actor, "api.manage")
    key = session.get(ApiKey, int(key_id))
    if key is None or not _visible(actor, key):
        raise NotFound()
    if key.revoked_at is None:
        key.revoked_at = now()
        session.add(key)
    return _view(session, key)


def _may_act(key: ApiKey, user: User | None) -> bool:
    if key.revoked_at is not None or user is None or not user.active:
        return False
    if key.scope == "operator":
        return user.role == Role.admin
    return user.role == Role.seller and user.shop_id is not None and user.shop_id == key.shop_id


def admit(session: Session, raw_key: str | None) -> Holder:
    """The holder of a live key, with this request counted against its quota (`Throttled`
    when spent) and the key's last use stamped; `KeyRefused` otherwise."""
    if not raw_key or not raw_key.startswith(KEY_PREFIX) or len(raw_key) > 200:
        raise KeyRefused()
    key = session.exec(select(ApiKey).where(col(ApiKey.key_hash) == hash_token(raw_key))).first()
    user = existing(session, User, key.user_id) if key is not None else None
    if key is None or user is None or not _may_act(key, user):
        raise KeyRefused()
    throttle.take_quota(session, RATE, RATE.key(key.id))
    key.last_used_at = now()
    session.add(key)
    return Holder(Actor.of(user), key.id, key.scope, key.shop_id)
