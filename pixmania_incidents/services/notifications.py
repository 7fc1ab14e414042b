"""Who hears about what: one function turns an event into Notification rows.

Why one function: every service says *which audiences* care ("customer", "shop",
"support", ...) and this module alone knows who those people are today (active
accounts only, never the actor themselves). E-mail for the same events is added here,
in the same transaction, so a notification and its mail can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pixmania_incidents import settings
from pixmania_incidents.calendar import BusinessCalendar
from pixmania_incidents.formats import money, when
from pixmania_incidents.i18n import CATALOGUE, norm_locale, tr
from pixmania_incidents.models import Incident, Notification, Role, User
from pixmania_incidents.policy import OBLIGATION_LABELS, SOLUTION_LABELS, type_policy
from pixmania_incidents.services import mail
from pixmania_incidents.services.common import Actor, NotFound, now, reads
from pixmania_incidents.vocabulary import case_path

AUDIENCES = ("customer", "shop", "support", "arbitrator", "product", "user:<id>")
#: E-mails of these kinds wait for the holder's working hours (SPEC section 3, Reminders).
WORKING_TIME_KINDS = frozenset({"deadline_at_risk"})
NOTIFIED = "pixmania.notified_users"


def _active(session: Session, *conditions: Any) -> list[int]:
    return list(session.exec(select(col(User.id)).where(col(User.active) == True, *conditions)).all())  # noqa: E712


def _resolve(session: Session, audience: str, incident: Incident | None) -> list[int]:
    if audience.startswith("user:"):
        return _active(session, col(User.id) == int(audience.removeprefix("user:")))
    if audience == "support":
        return _active(session, col(User.role).in_((Role.support, Role.arbitrator)))
    if audience == "product":
        return _active(session, col(User.role) == Role.product)
    if incident is None:
        raise ValueError(f"audience {audience!r} needs an incident")
    if audience == "customer":
        return _active(session, col(User.id) == incident.customer_id)
    if audience == "shop":
        return _active(session, col(User.role) == Role.seller, col(User.shop_id) == incident.shop_id)
    if audience == "arbitrator":
        if incident.arbitrator_id is not None:
            return _active(session, col(User.id) == incident.arbitrator_id)
        return _active(session, col(User.role) == Role.arbitrator)
    raise ValueError(f"unknown audience {audience!r} (expected one of {AUDIENCES})")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def notify(
    session: Session,
    kind: str,
    incident: Incident | None,
    audiences: Iterable[str],
    actor: Actor | None = None,
    **params: Any,
) -> list[int]:
    """Notify every user of `audiences` (deduplicated, never the actor); returns their ids.

    `kind` names the event (the incident services' texts are `incidents.notif.<kind>`),
    filled with `params` plus the incident's reference."""
    if incident is not None:
        params.setdefault("reference", incident.reference)
    raw_due = params.get("due_at")
    params = {k: _jsonable(v) for k, v in params.items()}
    recipients: list[int] = []
    for audience in audiences:
        for user_id in _resolve(session, audience, incident):
            if user_id not in recipients and (actor is None or user_id != actor.id):
                recipients.append(user_id)
    at = now()
    for user_id in recipients:
        session.add(
            Notification(
                user_id=user_id,
                kind=kind,
                incident_id=incident.id if incident is not None else None,
                params=params,
                created_at=at,
            )
        )
    _mail(session, kind, incident, recipients, params, mail_at(kind, incident, params.get("holder"), raw_due, at))
    # Whoever commits this unit of work can push these users' bells (`notified_in`).
    session.info.setdefault(NOTIFIED, set()).update(recipients)
    return recipients


def notified_in(session: Session) -> set[int]:
    """Every user notified in this session's unit of work so far (for live bell pushes)."""
    return set(session.info.get(NOTIFIED, ()))


# --- e-mail ------------------------------------------------------------------------------


def mail_at(kind: str, incident: Incident | None, holder: Any, due_at: Any, at: datetime) -> datetime:
    """When the e-mail of a notification goes out: at once, except a warning before one of
    the seller's deadlines, which waits for the next working instant of the shop's calendar
    unless that comes after the deadline itself (working hours are the seller's, SPEC 8.7)."""
    if kind not in WORKING_TIME_KINDS or holder != "seller" or incident is None or not isinstance(due_at, datetime):
        return at
    working = BusinessCalendar.from_dict(incident.calendar).next_working_instant(at)
    return working if working <= due_at else at


def link_for(incident: Incident | None, params: dict[str, Any]) -> str:
    return params.get("link") or (case_path(incident.reference) if incident is not None else "/")


def _mail(
    session: Session,
    kind: str,
    incident: Incident | None,
    recipients: list[int],
    params: dict[str, Any],
    send_at: datetime,
) -> None:
    """One outbox row per recipient, in their locale, in the caller's transaction.

    Addresses that already refused mail for good are skipped (support sees them)."""
    if not recipients:
        return
    users = session.exec(select(User).where(col(User.id).in_(recipients), col(User.email_bounced_at).is_(None))).all()
    url = settings.PUBLIC_URL + link_for(incident, params)
    for user in users:
        locale = norm_locale(user.locale)
        text = describe(kind, params, locale)
        body = tr("mail.body", locale, name=user.name, text=text, url=url)
        mail.enqueue(session, user.email, tr("mail.subject", locale, text=text), body, send_at=send_at)


# --- texts -------------------------------------------------------------------------------


@cache
def text_key(kind: str) -> str:
    """The catalogue key of a notification kind: `notif.<kind>` or any area's `<area>.notif.<kind>`."""
    suffix = f"notif.{kind}"
    keys = sorted(k for k in CATALOGUE if k == suffix or k.endswith(f".{suffix}"))
    return keys[0] if keys else "mail.notif.generic"


def _pair_label(pair: tuple[str, str] | None, locale: str, default: str) -> str:
    if pair is None:
        return default
    return pair[1] if locale == "en" else pair[0]


def _display(params: dict[str, Any], locale: str) -> dict[str, Any]:
    """Stored params (codes, ISO instants, cents) as words for the reader."""
    out = dict(params)
    for key, value in params.items():
        if value is None:
            out[key] = ""
        elif key.endswith("_at") and isinstance(value, str):
            try:
                out[key] = when(datetime.fromisoformat(value), locale)
            except ValueError:
                pass
        elif key.endswith("_cents") and isinstance(value, int):
            out[key.removesuffix("_cents")] = money(value, locale)
    if "deadline" in params:
        kind = str(params["deadline"])
        clock = f"clock.{kind}"
        out["deadline"] = (
            tr(clock, locale) if clock in CATALOGUE else _pair_label(OBLIGATION_LABELS.get(kind), locale, kind)
        )
    if "holder" in params:
        role = f"role.{params['holder']}"
        out["holder"] = tr(role, locale) if role in CATALOGUE else str(params["holder"])
    if "solution" in params:
        out["solution"] = _pair_label(SOLUTION_LABELS.get(params["solution"]), locale, str(params["solution"]))
    if "type" in params:
        try:
            policy = type_policy(str(params["type"]))
            out["type"] = policy.label_en if locale == "en" else policy.label_fr
        except ValueError:
            pass
    if "reason" in params and f"flags.reason.{params['reason']}" in CATALOGUE:
        out["reason"] = tr(f"flags.reason.{params['reason']}", locale)
    return out


def describe(kind: str, params: dict[str, Any], locale: str) -> str:
    """The one-line text of a notification, in `locale` (the bell and the e-mail subject)."""
    locale = norm_locale(locale)
    shown = _display(params, locale)
    try:
        return tr(text_key(kind), locale, **shown)
    except (KeyError, IndexError, ValueError):
        return tr("mail.notif.generic", locale, reference=shown.get("reference", ""))


# --- the bell ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    unread: bool


@reads
def unread_count(session: Session, actor: Actor) -> int:
    if actor.id is None:
        return 0
    stmt = select(sa.func.count(col(Notification.id))).where(
        col(Notification.user_id) == actor.id, col(Notification.read_at).is_(None)
    )
    return int(session.exec(stmt).one())


@reads
def recent(session: Session, actor: Actor, limit: int = 20, locale: str | None = None) -> list[NotificationView]:
    """The actor's own latest notifications, newest first, in `locale` (the page's) or theirs."""
    if actor.id is None:
        return []
    rows = session.exec(
        select(Notification, Incident)
        .join(Incident, col(Incident.id) == col(Notification.incident_id), isouter=True)
        .where(col(Notification.user_id) == actor.id)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(max(1, min(int(limit), 100)))
    ).all()
    return [
        NotificationView(
            n.id,
            n.kind,
            describe(n.kind, n.params, locale or actor.locale),
            link_for(incident, n.params),
            n.created_at,
            n.read_at is None,
        )
        for n, incident in rows
    ]


def mark_read(session: Session, actor: Actor, notification_id: int) -> None:
    """Only one's own notifications: someone else's id is simply not found."""
    row = session.get(Notification, int(notification_id))
    if row is None or actor.id is None or row.user_id != actor.id:
        raise NotFound()
    if row.read_at is None:
        row.read_at = now()
        session.add(row)


def mark_all_read(session: Session, actor: Actor) -> int:
    if actor.id is None:
        return 0
    result = session.connection().execute(
        sa.update(Notification)
        .where(col(Notification.user_id) == actor.id, col(Notification.read_at).is_(None))
        .values(read_at=now())
    )
    return result.rowcount
