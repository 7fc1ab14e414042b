"""Passive supervision by customer service (policy steps 1–3): every incident, filtered,
ordered by the nearest deadline and paginated on the server, plus the four queues.

Why bounded: at marketplace size (a million cases) every queue and filter reads through an
index (see `models.Incident`), the order `next_due_at NULLS LAST, opened_at, id` follows one,
pages stop at `MAX_PAGES` (an offset of at most 975 rows) and counts stop at `COUNT_CAP`
(shown as "1000+"): past that, a filter narrows the list. The text search finds a case by
its reference (whole, or its number), a customer's e-mail (whole) or an article's SKU (whole)
through their unique indexes; any other text is looked for in customer names and listing
titles, which scans them (README "Performance").

Why passive: the policy says support watches and steps in only when asked. So the only
writes here are an assisting message (public, both parties see it) and an internal note
(staff only); both go through `incidents.post_message`, which owns the thread rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from pixmania_incidents.calendar import PARIS, paris_date
from pixmania_incidents.deadlines import OPEN_DEADLINE_STATES as DEADLINE_STATES
from pixmania_incidents.models import (
    Incident,
    Listing,
    Message,
    Role,
    Shop,
    User,
)
from pixmania_incidents.models import (
    IncidentState as S,
)
from pixmania_incidents.policy import TYPES, type_policy
from pixmania_incidents.services import incidents
from pixmania_incidents.services.common import Actor, InvalidInput, authorize, load_incident, now, reads
from pixmania_incidents.services.incidents import Result
from pixmania_incidents.services.inputs import clean_text, search_day
from pixmania_incidents.vocabulary import SUPERVISION_QUEUES as QUEUES

#: The longest text search (a reference, a name, an e-mail, a title).
MAX_SEARCH = 100

PAGE_SIZE = 25
#: The deepest page: the offset stays bounded whatever the number of cases.
MAX_PAGES = 40
#: Counts stop here ("1000+"); counting a million rows on every change would not.
COUNT_CAP = PAGE_SIZE * MAX_PAGES

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_REFERENCE = re.compile(r"(?:INC-)?(?:(\d{4})-)?(\d{6})")


@dataclass(frozen=True)
class Filters:
    """What the supervision page filters on; every field is optional ("" = any)."""

    queue: str = "all"
    state: str = ""
    type: str = ""
    shop_id: int | None = None
    deadline_state: str = ""
    opened_from: date | None = None
    opened_to: date | None = None
    text: str = ""


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int  # at most COUNT_CAP
    page: int
    pages: int
    queue_counts: dict[str, int]  # each at most COUNT_CAP


def _paris_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=PARIS)


def _unanswered_help() -> Any:
    """Help requested on a case not closed, with no assisting message since."""
    answered = (
        select(col(Message.id))
        .where(
            col(Message.incident_id) == col(Incident.id),
            col(Message.kind) == "assist",
            col(Message.created_at) >= col(Incident.help_requested_at),
        )
        .exists()
    )
    # A range rather than IS NOT NULL: SQLite reads a range through `ix_incident_help`, not a NOT NULL test.
    asked = col(Incident.help_requested_at) >= _EPOCH
    return sa.and_(asked, col(Incident.state) != S.closed.value, ~answered)


def _queue_condition(queue: str) -> Any:
    active = col(Incident.state) != S.closed.value
    return {
        "all": sa.true(),
        "help_requested": _unanswered_help(),
        "at_risk": sa.and_(active, col(Incident.deadline_state) == "at_risk"),
        "breached": sa.and_(active, col(Incident.deadline_state) == "breached"),
        "arbitration": col(Incident.state) == S.in_arbitration.value,
    }[queue]


def _check(filters: Filters) -> None:
    if filters.queue not in QUEUES:
        raise InvalidInput("support.error.filter")
    if filters.state and filters.state not in {s.value for s in S}:
        raise InvalidInput("support.error.filter")
    if filters.type and filters.type not in TYPES:
        raise InvalidInput("support.error.filter")
    if filters.deadline_state and filters.deadline_state not in DEADLINE_STATES:
        raise InvalidInput("support.error.filter")
    for day in (filters.opened_from, filters.opened_to):
        if day is not None:
            search_day(day, "support.error.period")
    if filters.opened_from and filters.opened_to and filters.opened_from > filters.opened_to:
        raise InvalidInput("support.error.period")
    clean_text(filters.text, "text", required=False, limit=MAX_SEARCH)


def _conditions(session: Session, filters: Filters) -> list[Any]:
    conds = [_queue_condition(filters.queue)]
    if filters.state:
        conds.append(col(Incident.state) == filters.state)
    if filters.type:
        conds.append(col(Incident.type) == filters.type)
    if filters.shop_id:
        conds.append(col(Incident.shop_id) == int(filters.shop_id))
    if filters.deadline_state:
        conds.append(
            sa.and_(col(Incident.deadline_state) == filters.deadline_state, col(Incident.state) != S.closed.value)
        )
    if filters.opened_from:
        conds.append(col(Incident.opened_at) >= _paris_start(filters.opened_from))
    if filters.opened_to:
        conds.append(col(Incident.opened_at) < _paris_start(filters.opened_to + timedelta(days=1)))
    if filters.text.strip():
        conds.append(_text_condition(session, filters.text.strip()))
    return conds


def _text_condition(session: Session, text: str) -> Any:
    """A reference, an e-mail or a SKU through its unique index; other text in names and titles."""
    reference = _REFERENCE.fullmatch(text.upper())
    if reference is not None:
        year, number = reference.groups()
        if year is not None:
            return col(Incident.reference) == f"INC-{year}-{number}"
        first = session.exec(select(func.min(col(Incident.opened_at)))).one()
        years = range(paris_date(first or now()).year, paris_date(now()).year + 1)
        return col(Incident.reference).in_([f"INC-{y}-{number}" for y in years])
    if "@" in text:
        return col(Incident.customer_id).in_(select(col(User.id)).where(col(User.email) == text.lower()))
    listings = session.exec(select(col(Listing.id)).where(col(Listing.sku).in_({text, text.upper()}))).all()
    if listings:
        return col(Incident.listing_id).in_(listings)
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{escaped}%"
    return sa.or_(
        col(Incident.customer_id).in_(select(col(User.id)).where(func.lower(col(User.name)).like(like, escape="\\"))),
        col(Incident.listing_id).in_(
            select(col(Listing.id)).where(func.lower(col(Listing.title)).like(like, escape="\\"))
        ),
    )


def _base(*columns: Any) -> Any:
    return (
        select(*columns)
        .select_from(Incident)
        .join(User, col(User.id) == col(Incident.customer_id))
        .join(Listing, col(Listing.id) == col(Incident.listing_id))
        .join(Shop, col(Shop.id) == col(Incident.shop_id))
    )


def _count(session: Session, *conds: Any) -> int:
    """How many cases match, counted up to `COUNT_CAP` only (an index range of that length at most)."""
    found = select(col(Incident.id)).where(*conds).limit(COUNT_CAP).subquery()
    return int(session.exec(select(func.count()).select_from(found)).one())


def queue_counts(session: Session) -> dict[str, int]:
    return {q: _count(session, _queue_condition(q)) for q in QUEUES}


@reads
def supervise(session: Session, actor: Actor, filters: Filters = Filters(), page: int = 1) -> Page:
    """One page of incidents, nearest deadline first (cases with no running clock last); past
    `COUNT_CAP` matches, the total and the pages stop there."""
    authorize(actor, "incident.supervise")
    _check(filters)
    conds = _conditions(session, filters)
    total = _count(session, *conds)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, int(page)), pages)
    due: Any = col(Incident.next_due_at)
    if filters.queue == "help_requested":
        # The few cases asking for help (`ix_incident_help`), then sorted: ordering on an expression
        # stops SQLite from walking the whole deadline index in search of them instead.
        due = func.coalesce(col(Incident.next_due_at), col(Incident.next_due_at))
    rows = session.exec(
        _base(Incident, col(User.name), col(Listing.title), col(Shop.name))
        .where(*conds)
        .order_by(due.asc().nulls_last(), col(Incident.opened_at), col(Incident.id))
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    arbitrators: dict[int | None, str] = dict(
        session.exec(
            select(col(User.id), col(User.name)).where(col(User.role).in_([Role.arbitrator, Role.support]))
        ).all()
    )
    help_open = set(
        session.exec(
            select(col(Incident.id)).where(col(Incident.id).in_([r[0].id for r in rows]), _unanswered_help())
        ).all()
    )
    return Page(
        rows=[
            _row(inc, customer, title, shop, arbitrators, inc.id in help_open) for inc, customer, title, shop in rows
        ],
        total=total,
        page=page,
        pages=pages,
        queue_counts=queue_counts(session),
    )


def _row(
    inc: Incident, customer: str, title: str, shop: str, arbitrators: dict[int | None, str], help_open: bool
) -> dict[str, Any]:
    policy = type_policy(inc.type)
    return {
        "id": inc.id,
        "reference": inc.reference,
        "type": inc.type,
        "type_fr": policy.label_fr,
        "type_en": policy.label_en,
        "state": inc.state,
        "outcome": inc.outcome or "",
        "shop": shop,
        "customer": customer,
        "listing": title,
        "ball": inc.ball,
        "waiting_arbitrator": inc.state == S.in_arbitration and inc.arbitrator_id is None,
        "arbitrator": arbitrators.get(inc.arbitrator_id, ""),
        "agent": arbitrators.get(inc.agent_id, ""),  # the agent who took the case ("je m'en occupe")
        "deadline_state": inc.deadline_state if inc.state != S.closed else "",
        "next_due_at": inc.next_due_at,
        "opened_at": inc.opened_at,
        "help_requested": help_open,
    }


@reads
def shops(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The shop filter's choices."""
    authorize(actor, "incident.supervise")
    return [{"id": s.id, "name": s.name} for s in session.exec(select(Shop).order_by(col(Shop.name))).all()]


# --- the only two things support writes ---------------------------------------------------


def assist(session: Session, actor: Actor, incident_id: int, body: str) -> Result:
    """An assisting message to both parties (kind "assist"); it is not the seller's response."""
    authorize(actor, "incident.assist")
    return incidents.post_message(session, actor, incident_id, body, visibility="public")


def add_internal_note(session: Session, actor: Actor, incident_id: int, body: str) -> Result:
    """A note only staff see."""
    authorize(actor, "incident.internal_note")
    return incidents.post_message(session, actor, incident_id, body, visibility="internal")


@reads
def internal_notes(session: Session, actor: Actor, incident_id: int) -> list[dict[str, Any]]:
    authorize(actor, "incident.view_internal")
    incident = load_incident(session, actor, incident_id)
    rows = session.exec(
        select(Message, col(User.name))
        .join(User, col(User.id) == col(Message.author_id), isouter=True)
        .where(col(Message.incident_id) == incident.id, col(Message.visibility) == "internal")
        .order_by(col(Message.created_at), col(Message.id))
    ).all()
    return [
        {"id": m.id, "author": name or "", "author_role": m.author_role, "body": m.body, "created_at": m.created_at}
        for m, name in rows
    ]
