"""The cases a back office reads page by page: a shop's for its seller, every case for customer
service (the API's lists, and the summary every webhook carries).

Why a query of its own: a back office syncs by asking "what changed since", so cases come in
the order they last changed (`updated_at`, then id) and each page ends with a token naming
where the next starts. A case that changes while a client pages moves to the end, where the
client meets it again: nothing is skipped, whatever happens between two pages.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pixmania_incidents.deadlines import OPEN_DEADLINE_STATES
from pixmania_incidents.models import CustomerOrder, Incident, Listing, Role
from pixmania_incidents.models import IncidentState as S
from pixmania_incidents.policy import TYPES
from pixmania_incidents.services.common import Actor, Forbidden, InvalidInput, authorize, reads
from pixmania_incidents.vocabulary import MARKETPLACE_STATUS, STAFF

MAX_LIMIT = 200


def iso(at: datetime | None) -> str | None:
    """An instant as the API and webhooks write it: UTC, ISO-8601, `Z`."""
    return at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if at is not None else None


def case_summary(incident: Incident) -> dict[str, Any]:
    """A case in a list or an event: where it stands, in the desk's words and the marketplace's."""
    return {
        "id": incident.id,
        "reference": incident.reference,
        "type": incident.type,
        "state": incident.state,
        "status": MARKETPLACE_STATUS[incident.state],
        "outcome": incident.outcome,
        "version": incident.version,
        "shop_id": incident.shop_id,
        "ball": incident.ball or None,
        "deadline_state": incident.deadline_state if incident.state != S.closed else None,
        "next_due_at": iso(incident.next_due_at),
        "opened_at": iso(incident.opened_at),
        "updated_at": iso(incident.updated_at),
    }


@dataclass(frozen=True)
class FeedFilters:
    """Each field narrows the list ("" / empty: any); several values of one field are alternatives."""

    states: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    deadline_states: tuple[str, ...] = ()
    due_before: datetime | None = None
    updated_since: datetime | None = None
    #: Customer service only: one shop's cases.
    shop_id: int | None = None


@dataclass(frozen=True)
class FeedPage:
    cases: list[dict[str, Any]]
    next_page_token: str | None


def _token(incident: Incident) -> str:
    raw = json.dumps([iso(incident.updated_at), incident.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _sane(at: datetime | None) -> bool:
    """An aware instant the database can take (far years overflow once turned to UTC)."""
    return at is None or (at.tzinfo is not None and 2000 <= at.year <= 2100)


def _after(token: str) -> tuple[datetime, int]:
    try:
        updated, last_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        at, last = datetime.fromisoformat(updated.replace("Z", "+00:00")), int(last_id)
    except (ValueError, TypeError, AttributeError):
        raise InvalidInput("api.error.page_token") from None
    if not _sane(at) or not 0 <= last < 2**31:
        raise InvalidInput("api.error.page_token")
    return at, last


def _check(filters: FeedFilters) -> None:
    known = (
        (filters.states, {s.value for s in S}),
        (filters.statuses, set(MARKETPLACE_STATUS.values())),
        (filters.types, set(TYPES)),
        (filters.deadline_states, set(OPEN_DEADLINE_STATES)),
    )
    if any(not set(values) <= allowed for values, allowed in known):
        raise InvalidInput("support.error.filter")
    if not (_sane(filters.due_before) and _sane(filters.updated_since)):
        raise InvalidInput("support.error.filter")


def _conditions(actor: Actor, filters: FeedFilters) -> list[Any]:
    if actor.role == Role.seller:
        authorize(actor, "board.view")
        if actor.shop_id is None:
            raise Forbidden()
        conditions: list[Any] = [col(Incident.shop_id) == actor.shop_id]
    elif actor.role in STAFF:
        authorize(actor, "incident.supervise")
        conditions = [col(Incident.shop_id) == int(filters.shop_id)] if filters.shop_id else []
    else:
        raise Forbidden()
    states = set(filters.states)
    if filters.statuses:
        by_status = {state for state, status in MARKETPLACE_STATUS.items() if status in filters.statuses}
        states = states & by_status if states else by_status
    if filters.states or filters.statuses:
        conditions.append(col(Incident.state).in_(sorted(states)))
    if filters.types:
        conditions.append(col(Incident.type).in_(filters.types))
    if filters.deadline_states:
        conditions += [col(Incident.deadline_state).in_(filters.deadline_states), col(Incident.state) != S.closed]
    if filters.due_before is not None:
        conditions.append(col(Incident.next_due_at) <= filters.due_before)
    if filters.updated_since is not None:
        conditions.append(col(Incident.updated_at) >= filters.updated_since)
    return conditions


@reads
def case_feed(
    session: Session, actor: Actor, filters: FeedFilters = FeedFilters(), page_token: str | None = None, limit: int = 50
) -> FeedPage:
    """One page of the cases this actor may list, least recently changed first."""
    _check(filters)
    conditions = _conditions(actor, filters)
    if page_token:
        updated, last_id = _after(page_token)
        conditions.append(
            sa.or_(
                col(Incident.updated_at) > updated,
                sa.and_(col(Incident.updated_at) == updated, col(Incident.id) > last_id),
            )
        )
    limit = max(1, min(int(limit), MAX_LIMIT))
    rows = session.exec(
        select(Incident, col(CustomerOrder.reference), col(Listing.title))
        .join(CustomerOrder, col(CustomerOrder.id) == col(Incident.order_id))
        .join(Listing, col(Listing.id) == col(Incident.listing_id))
        .where(*conditions)
        .order_by(col(Incident.updated_at), col(Incident.id))
        .limit(limit + 1)
    ).all()
    cases = [case_summary(i) | {"order_reference": ref, "listing_title": title} for i, ref, title in rows[:limit]]
    return FeedPage(cases, _token(rows[limit - 1][0]) if len(rows) > limit else None)
