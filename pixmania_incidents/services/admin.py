"""Shops and staff accounts, for administrators only.

Every function authorizes `admin.manage` first. There is no admin event table: each change
is one `pixmania.admin` log line naming who did what (never a password or a hash).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from pixmania_incidents.calendar import (
    CALENDAR_KINDS,
    SUBDIVISIONS,
    SUPPORTED_YEARS,
    BusinessCalendar,
    CalendarError,
    paris_date,
)
from pixmania_incidents.models import Role, Shop, User
from pixmania_incidents.services.addresses import check_address
from pixmania_incidents.services.auth import hash_password, new_temporary_password, revoke_sessions
from pixmania_incidents.services.common import Actor, InvalidInput, NotFound, authorize, existing, now
from pixmania_incidents.services.inputs import clean_text, day
from pixmania_incidents.vocabulary import ACCOUNT_ROLES

log = logging.getLogger("pixmania.admin")

#: How far ahead a shop may declare a closed day.
CLOSED_DAYS_AHEAD = timedelta(days=2 * 365)


@dataclass(frozen=True)
class ShopView:
    id: int
    name: str
    address: str
    calendar_kind: str
    subdiv: str  # "" for none
    closed_days: list[str]
    work_start: str
    work_end: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AccountView:
    """What an admin sees of an account: never the hash."""

    id: int
    name: str
    email: str
    role: str
    shop_id: int | None
    shop_name: str
    active: bool
    must_change_password: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _id(value: Any) -> int:
    """Ids come from the browser: anything that is not one is simply not found."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


def _shop_view(shop: Shop) -> ShopView:
    return ShopView(
        shop.id,
        shop.name,
        shop.address,
        shop.calendar_kind,
        shop.subdiv or "",
        list(shop.closed_days),
        shop.work_start,
        shop.work_end,
    )


def _account_view(user: User, shop_names: dict[int, str]) -> AccountView:
    return AccountView(
        user.id,
        user.name,
        user.email,
        user.role,
        user.shop_id,
        shop_names.get(user.shop_id, "") if user.shop_id else "",
        user.active,
        user.must_change_password,
    )


def _get(session: Session, model: type, value: Any) -> Any:
    row = session.get(model, _id(value))
    if row is None:
        raise NotFound()
    return row


# --- shops -------------------------------------------------------------------------------


def calendar_fields(
    calendar_kind: str, subdiv: str | None, closed_days: Sequence[str] | str, work_start: str, work_end: str
) -> dict[str, Any]:
    """Validated through `BusinessCalendar`, so a shop can never hold a calendar deadlines refuse."""
    if calendar_kind not in CALENDAR_KINDS:
        raise InvalidInput("admin.error.calendar_kind")
    subdiv = (subdiv or "").strip() or None
    if subdiv not in SUBDIVISIONS:
        raise InvalidInput("admin.error.subdiv")
    if isinstance(closed_days, str):
        closed_days = [d for d in closed_days.replace(";", ",").replace("\n", ",").split(",")]
    days: set[str] = set()
    earliest, latest = date(SUPPORTED_YEARS.start, 1, 1), paris_date(now()) + CLOSED_DAYS_AHEAD
    for raw in closed_days:
        raw = str(raw).strip()
        if not raw:
            continue
        try:
            parsed = date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput("admin.error.closed_day", value=raw[:20]) from None
        days.add(day(parsed, "admin.error.closed_day_range", earliest=earliest, latest=latest, value=raw).isoformat())
    work_start, work_end = (work_start or "").strip(), (work_end or "").strip()
    if len(work_start) != 5 or len(work_end) != 5:
        raise InvalidInput("admin.error.hours")
    try:
        BusinessCalendar.stored(calendar_kind, subdiv, days, work_start, work_end)
    except CalendarError:
        raise InvalidInput("admin.error.hours") from None
    return {
        "calendar_kind": calendar_kind,
        "subdiv": subdiv,
        "closed_days": sorted(days),
        "work_start": work_start,
        "work_end": work_end,
    }


def _shop_name(session: Session, name: str, shop_id: int | None = None) -> str:
    name = clean_text(name, "name", limit=120)
    other = session.exec(select(col(Shop.id)).where(col(Shop.name) == name)).first()
    if other is not None and other != shop_id:
        raise InvalidInput("admin.error.shop_name_taken")
    return name


def list_shops(session: Session, actor: Actor) -> list[ShopView]:
    authorize(actor, "admin.manage")
    return [_shop_view(s) for s in session.exec(select(Shop).order_by(col(Shop.name))).all()]


def create_shop(
    session: Session,
    actor: Actor,
    name: str,
    calendar_kind: str = "ouvrables",
    subdiv: str | None = None,
    closed_days: Sequence[str] | str = (),
    work_start: str = "08:00",
    work_end: str = "19:00",
    address: str = "",
) -> ShopView:
    authorize(actor, "admin.manage")
    shop = Shop(
        name=_shop_name(session, name),
        address=clean_text(address, "address", required=False, limit=400),
        **calendar_fields(calendar_kind, subdiv, closed_days, work_start, work_end),
    )
    session.add(shop)
    session.flush()
    log.info("admin %s created shop %s", actor.id, shop.id)
    return _shop_view(shop)


def update_shop(
    session: Session,
    actor: Actor,
    shop_id: Any,
    name: str,
    calendar_kind: str,
    subdiv: str | None,
    closed_days: list[str] | str,
    work_start: str,
    work_end: str,
    address: str = "",
) -> ShopView:
    """Incidents already open keep the calendar they copied at opening."""
    authorize(actor, "admin.manage")
    shop = _get(session, Shop, shop_id)
    shop.name = _shop_name(session, name, shop.id)
    shop.address = clean_text(address, "address", required=False, limit=400)
    for key, value in calendar_fields(calendar_kind, subdiv, closed_days, work_start, work_end).items():
        setattr(shop, key, value)
    session.add(shop)
    session.flush()
    log.info("admin %s updated shop %s", actor.id, shop.id)
    return _shop_view(shop)


# --- accounts ----------------------------------------------------------------------------


def list_accounts(session: Session, actor: Actor) -> list[AccountView]:
    authorize(actor, "admin.manage")
    names = {s.id: s.name for s in session.exec(select(Shop)).all()}
    return [_account_view(u, names) for u in session.exec(select(User).order_by(col(User.role), col(User.name))).all()]


def create_account(
    session: Session, actor: Actor, name: str, email: str, role: str, shop_id: Any = None
) -> tuple[AccountView, str]:
    """A staff or seller account with a temporary password, returned once to show to the admin."""
    authorize(actor, "admin.manage")
    name = clean_text(name, "name", limit=120)
    email = check_address(clean_text(email, "email", limit=254))
    if role not in ACCOUNT_ROLES:
        raise InvalidInput("admin.error.role")
    shop = None
    if role == Role.seller:
        if shop_id in (None, ""):
            raise InvalidInput("admin.error.seller_needs_shop")
        shop = _get(session, Shop, shop_id)
    if session.exec(select(col(User.id)).where(col(User.email) == email)).first() is not None:
        raise InvalidInput("auth.error.email_taken")
    temporary = new_temporary_password()
    user = User(
        email=email,
        name=name,
        role=role,
        shop_id=shop.id if shop else None,
        password_hash=hash_password(temporary),
        must_change_password=True,
    )
    session.add(user)
    session.flush()
    log.info("admin %s created account %s (%s)", actor.id, user.id, role)
    return _account_view(user, {shop.id: shop.name} if shop else {}), temporary


def attach_seller(session: Session, actor: Actor, user_id: Any, shop_id: Any) -> AccountView:
    authorize(actor, "admin.manage")
    user = _get(session, User, user_id)
    if user.role != Role.seller:
        raise InvalidInput("admin.error.not_seller")
    shop = _get(session, Shop, shop_id)
    user.shop_id = shop.id
    session.add(user)
    # The seller's open pages were built for the old shop: make them log in again.
    revoke_sessions(session, user.id)
    log.info("admin %s attached seller %s to shop %s", actor.id, user.id, shop.id)
    return _account_view(user, {shop.id: shop.name})


def set_active(session: Session, actor: Actor, user_id: Any, active: bool) -> AccountView:
    """Deactivation ends the user's sessions at once; they can no longer log in."""
    authorize(actor, "admin.manage")
    user = _get(session, User, user_id)
    if user.id == actor.id and not active:
        raise InvalidInput("admin.error.self")
    user.active = bool(active)
    session.add(user)
    if not user.active:
        revoke_sessions(session, user.id)
    log.info("admin %s %s account %s", actor.id, "reactivated" if user.active else "deactivated", user.id)
    names = {user.shop_id: existing(session, Shop, user.shop_id).name} if user.shop_id else {}
    return _account_view(user, names)


def set_temporary_password(session: Session, actor: Actor, user_id: Any) -> str:
    """A new password to hand over once; it must be changed at next login, and sessions end now."""
    authorize(actor, "admin.manage")
    user = _get(session, User, user_id)
    temporary = new_temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    session.add(user)
    revoke_sessions(session, user.id)
    log.info("admin %s set a temporary password for account %s", actor.id, user.id)
    return temporary
