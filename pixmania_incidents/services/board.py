"""The seller's kanban board: one column per state, most urgent card first.

Why a query of its own: a shop may hold thousands of open incidents, so the board reads
only the columns a card shows (no messages, no events), orders and limits each column in
the database through `ix_incident_board` (shop, state, next_due_at), and counts columns
in one grouped query. The payload grows with the limits the viewer asked for, never with
the shop's history: the closed column only holds recently closed cases.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from pixmania_incidents.deadlines import OPEN_DEADLINE_STATES
from pixmania_incidents.formats import money
from pixmania_incidents.models import Incident, Listing, Obligation, OrderLine, User
from pixmania_incidents.models import IncidentState as S
from pixmania_incidents.policy import IncidentType
from pixmania_incidents.services.common import Actor, Forbidden, authorize, now, reads
from pixmania_incidents.services.inputs import clean_text

Assignee = aliased(User)
COLUMNS: tuple[str, ...] = tuple(s.value for s in S)
PAGE = 25
MAX_LIMIT = 500
CLOSED_RECENT_DAYS = 30
# How a seller orders the cards inside every column: nearest deadline (the default), oldest
# opening first (first come, first served), largest order line first (what is at stake).
SORTS: tuple[str, ...] = ("deadline", "opened", "amount")


@dataclass(frozen=True)
class BoardFilters:
    """What the seller narrowed the board to; unknown values are ignored, not trusted."""

    type: str = ""
    deadline_state: str = ""
    text: str = ""
    sort: str = "deadline"
    mine: bool = False  # only the cases assigned to the viewer

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> "BoardFilters":
        type_ = str(raw.get("type") or "")
        state = str(raw.get("deadline_state") or "")
        sort = str(raw.get("sort") or "")
        return cls(
            type=type_ if type_ in IncidentType.__members__ else "",
            deadline_state=state if state in OPEN_DEADLINE_STATES else "",
            text=str(raw.get("text") or "").strip()[:100],
            sort=sort if sort in SORTS else "deadline",
            mine=str(raw.get("mine") or "") in ("1", "true", "True"),
        )


@dataclass(frozen=True)
class ObligationDue:
    kind: str
    holder: str
    due_at: str  # ISO-8601, "" until it can start (refund before the return arrives)


@dataclass(frozen=True)
class Card:
    id: int
    reference: str
    type: str
    state: str
    customer_name: str
    listing_title: str
    ball: str
    next_due_at: str  # ISO-8601 or "" (nothing running)
    deadline_state: str
    obligations: list[ObligationDue] = field(default_factory=list)
    outcome: str = ""  # how a closed case ended
    amount: str = ""  # the order line's total, in the viewer's language
    wanted: str = ""  # the solution the customer asked for when opening, "" for no preference
    assignee: str = ""  # the colleague the case is assigned to


@dataclass(frozen=True)
class Column:
    state: str
    count: int
    limit: int
    cards: list[Card]
    has_more: bool  # "show more": the column holds more cards than it shows


def limit_for(limits: Mapping[str, int], state: str) -> int:
    try:
        wanted = int(limits.get(state, PAGE))
    except (TypeError, ValueError):
        wanted = PAGE
    return max(PAGE, min(wanted, MAX_LIMIT))


def _where(actor: Actor, filters: BoardFilters) -> list[Any]:
    conditions: list[Any] = [col(Incident.shop_id) == actor.shop_id]
    if filters.type:
        conditions.append(col(Incident.type) == filters.type)
    if filters.mine:
        conditions.append(col(Incident.assignee_id) == actor.id)
    if filters.deadline_state:
        conditions.append(col(Incident.deadline_state) == filters.deadline_state)
        conditions.append(col(Incident.state) != S.closed)
    if text := clean_text(filters.text, "text", required=False, limit=100):
        pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            sa.or_(
                func.lower(col(Incident.reference)).like(pattern, escape="\\"),
                func.lower(col(User.name)).like(pattern, escape="\\"),
                func.lower(col(Listing.title)).like(pattern, escape="\\"),
            )
        )
    # Closed cases stay on the board for a month, so the column does not grow with history.
    conditions.append(
        sa.or_(col(Incident.state) != S.closed, col(Incident.closed_at) >= now() - timedelta(days=CLOSED_RECENT_DAYS))
    )
    return conditions


def _joined(stmt: Any) -> Any:
    return stmt.join(User, col(User.id) == col(Incident.customer_id)).join(
        Listing, col(Listing.id) == col(Incident.listing_id)
    )


def _order(state: str, sort: str) -> tuple[Any, ...]:
    if sort == "opened":
        return (col(Incident.opened_at).asc(),)
    if sort == "amount":
        return (col(OrderLine.total_cents).desc(), col(Incident.next_due_at).asc().nulls_last())
    # By deadline: a closed case has none left, so the latest closed comes first.
    return (col(Incident.closed_at).desc(),) if state == S.closed else (col(Incident.next_due_at).asc().nulls_last(),)


@reads
def board(
    session: Session,
    actor: Actor,
    filters: BoardFilters = BoardFilters(),
    limits: Mapping[str, int] | None = None,
    locale: str = "fr",
) -> list[Column]:
    """The shop's columns in state order, each in the order the seller chose (nearest open
    deadline first by default, none last)."""
    authorize(actor, "board.view")
    if actor.shop_id is None:
        raise Forbidden()
    where = _where(actor, filters)
    counts = dict(
        session.exec(
            _joined(select(col(Incident.state), func.count())).where(*where).group_by(col(Incident.state))
        ).all()
    )
    rows: dict[str, list[Any]] = {}
    for state in COLUMNS:
        if not counts.get(state):
            rows[state] = []
            continue
        rows[state] = list(
            session.exec(
                _joined(
                    select(  # type: ignore[call-overload]  # sqlmodel types up to four columns
                        col(Incident.id),
                        col(Incident.reference),
                        col(Incident.type),
                        col(Incident.state),
                        col(User.name),
                        col(Listing.title),
                        col(Incident.ball),
                        col(Incident.next_due_at),
                        col(Incident.deadline_state),
                        col(Incident.outcome),
                        col(OrderLine.total_cents),
                        col(Incident.wanted),
                        Assignee.name,
                    )
                )
                .join(OrderLine, col(OrderLine.id) == col(Incident.order_line_id))
                .outerjoin(Assignee, Assignee.id == col(Incident.assignee_id))
                .where(*where, col(Incident.state) == state)
                .order_by(*_order(state, filters.sort), col(Incident.id))
                .limit(limit_for(limits or {}, state))
            ).all()
        )
    dues = _open_obligations(session, [r[0] for state_rows in rows.values() for r in state_rows])
    return [
        Column(
            state=state,
            count=int(counts.get(state, 0)),
            limit=limit_for(limits or {}, state),
            has_more=int(counts.get(state, 0)) > len(rows[state]),
            cards=[
                Card(
                    id=r[0],
                    reference=r[1],
                    type=r[2],
                    state=r[3],
                    customer_name=r[4],
                    listing_title=r[5],
                    ball=r[6] or "",
                    next_due_at=r[7].isoformat() if r[7] else "",
                    deadline_state=r[8] if r[3] != S.closed else "",
                    obligations=dues.get(r[0], []),
                    outcome=r[9] or "",
                    amount=money(r[10], locale),
                    wanted=r[11] or "",
                    assignee=r[12] or "",
                )
                for r in rows[state]
            ],
        )
        for state in COLUMNS
    ]


EXPORT_COLUMNS = (
    "reference",
    "state",
    "type",
    "customer_name",
    "listing_title",
    "amount",
    "wanted",
    "assignee",
    "ball",
    "next_due_at",
    "deadline_state",
    "outcome",
)


def _cell(value: object) -> str:
    """Text a spreadsheet shows as text: a leading =, +, - or @ would run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@reads
def board_csv(session: Session, actor: Actor, filters: BoardFilters = BoardFilters(), locale: str = "fr") -> str:
    """The board as the seller narrowed and sorted it, one case a line, up to MAX_LIMIT per column."""
    columns = board(session, actor, filters, {state: MAX_LIMIT for state in COLUMNS}, locale)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for column in columns:
        for card in column.cards:
            writer.writerow([_cell(getattr(card, name)) for name in EXPORT_COLUMNS])
    return out.getvalue()


def _open_obligations(session: Session, incident_ids: list[int]) -> dict[int, list[ObligationDue]]:
    """What an accepted proposal or a decision still asks, for the cards shown only."""
    found: dict[int, list[ObligationDue]] = {}
    if not incident_ids:
        return found
    rows = session.exec(
        select(col(Obligation.incident_id), col(Obligation.kind), col(Obligation.holder), col(Obligation.due_at))
        .where(
            col(Obligation.incident_id).in_(incident_ids),
            col(Obligation.met_at).is_(None),
            col(Obligation.cancelled_at).is_(None),
        )
        .order_by(col(Obligation.incident_id), col(Obligation.due_at).asc().nulls_last(), col(Obligation.id))
    ).all()
    for incident_id, kind, holder, due_at in rows:
        found.setdefault(incident_id, []).append(ObligationDue(kind, holder, due_at.isoformat() if due_at else ""))
    return found
