"""Listing-correction flags: a seller or support tells the product team that a listing
is wrong, from the incident that showed it; the product team acknowledges, fixes or
rejects it with a note, and whoever raised it hears back.

Why the incident is required: the product team sees only the listings flags name and a
read-only view of the incidents flags point at (`common.load_incident`), so every flag
carries the case that justifies it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from pixmania_incidents.models import Incident, Listing, ListingFlag, Role, Shop, User
from pixmania_incidents.policy import StepAction, type_policy
from pixmania_incidents.services import notifications
from pixmania_incidents.services.common import (
    Actor,
    InvalidInput,
    NotFound,
    ServiceError,
    authorize,
    existing,
    load_incident,
    now,
)
from pixmania_incidents.services.incidents import auto_tick, finish, incident_for, snapshot
from pixmania_incidents.services.inputs import clean_text
from pixmania_incidents.vocabulary import FLAG_REASONS as REASONS
from pixmania_incidents.vocabulary import FLAG_STATUSES as STATUSES
from pixmania_incidents.vocabulary import OPEN_FLAG_STATUSES as OPEN

#: status -> the statuses a flag may move to from it.
_MOVES = {"raised": ("acknowledged", "fixed", "rejected"), "acknowledged": ("fixed", "rejected")}


@dataclass(frozen=True)
class FlagView:
    id: int
    status: str
    reason: str
    details: str
    listing_id: int
    listing_title: str
    sku: str
    shop_id: int
    shop_name: str
    incident_id: int | None
    incident_reference: str
    raised_by: str
    raised_by_role: str
    created_at: datetime
    updated_at: datetime
    handled_by: str
    resolution_note: str


@dataclass(frozen=True)
class FlagChange:
    """What a page needs to push the change: the flag, its case and who was told."""

    flag: FlagView
    shop_id: int
    notified: tuple[int, ...]


@dataclass(frozen=True)
class ListingGroup:
    listing_id: int
    listing_title: str
    sku: str
    shop_name: str
    open_count: int
    flags: list[FlagView] = field(default_factory=list)


@dataclass(frozen=True)
class CaseSummary:
    """A flagged incident as the product team may see it: no contact details, no notes."""

    id: int
    reference: str
    type: str
    type_fr: str
    type_en: str
    state: str
    opened_at: datetime
    description: str


@dataclass(frozen=True)
class ListingPage:
    id: int
    title: str
    sku: str
    description: str
    price_cents: int
    shop_name: str
    flags: list[FlagView]
    incidents: list[CaseSummary]


# --- reading -----------------------------------------------------------------------------


def _views(session: Session, flags: Iterable[ListingFlag]) -> list[FlagView]:
    flags = list(flags)
    listings = {
        listing.id: listing
        for listing in session.exec(select(Listing).where(col(Listing.id).in_({f.listing_id for f in flags}))).all()
    }
    shop_ids = {listing.shop_id for listing in listings.values()}
    shops = {s.id: s for s in session.exec(select(Shop).where(col(Shop.id).in_(shop_ids))).all()}
    people = {f.raised_by_id for f in flags} | {f.handled_by_id for f in flags if f.handled_by_id}
    users: dict[int | None, User] = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(people))).all()}
    refs: dict[int | None, str] = dict(
        session.exec(
            select(col(Incident.id), col(Incident.reference)).where(
                col(Incident.id).in_({f.incident_id for f in flags if f.incident_id})
            )
        ).all()
    )
    out = []
    for f in flags:
        listing = listings[f.listing_id]
        raiser, handler = users.get(f.raised_by_id), users.get(f.handled_by_id)
        out.append(
            FlagView(
                id=f.id,
                status=f.status,
                reason=f.reason,
                details=f.details,
                listing_id=listing.id,
                listing_title=listing.title,
                sku=listing.sku,
                shop_id=listing.shop_id,
                shop_name=shops[listing.shop_id].name,
                incident_id=f.incident_id,
                incident_reference=refs.get(f.incident_id, ""),
                raised_by=raiser.name if raiser else "",
                raised_by_role=raiser.role if raiser else "",
                created_at=f.created_at,
                updated_at=f.updated_at,
                handled_by=handler.name if handler else "",
                resolution_note=f.resolution_note or "",
            )
        )
    return out


def inbox(session: Session, actor: Actor, status: str = "open") -> list[FlagView]:
    """The product team's inbox (support may read it too): open flags oldest first, or
    one status, or `all` newest first."""
    authorize(actor, "flag.view")
    stmt = select(ListingFlag)
    if status == "open":
        stmt = stmt.where(col(ListingFlag.status).in_(OPEN)).order_by(col(ListingFlag.created_at), col(ListingFlag.id))
    elif status in STATUSES:
        stmt = stmt.where(col(ListingFlag.status) == status).order_by(
            col(ListingFlag.updated_at).desc(), col(ListingFlag.id).desc()
        )
    elif status == "all":
        stmt = stmt.order_by(col(ListingFlag.created_at).desc(), col(ListingFlag.id).desc())
    else:
        raise InvalidInput("flags.error.unknown_status")
    return _views(session, session.exec(stmt.limit(500)).all())


def group_by_listing(flags: Iterable[FlagView]) -> list[ListingGroup]:
    """Repeated problems first: listings with the most open flags, then the most flags."""
    groups: dict[int, ListingGroup] = {}
    for f in flags:
        group = groups.get(f.listing_id)
        if group is None:
            group = groups[f.listing_id] = ListingGroup(f.listing_id, f.listing_title, f.sku, f.shop_name, 0)
        group.flags.append(f)
    ranked = [
        ListingGroup(g.listing_id, g.listing_title, g.sku, g.shop_name, sum(f.status in OPEN for f in g.flags), g.flags)
        for g in groups.values()
    ]
    return sorted(ranked, key=lambda g: (-g.open_count, -len(g.flags), g.listing_title))


def flags_for_incident(session: Session, actor: Actor, incident_id: int) -> list[FlagView]:
    """The flags raised from a case, for whoever may see the case."""
    incident = load_incident(session, actor, incident_id)
    rows = session.exec(
        select(ListingFlag).where(col(ListingFlag.incident_id) == incident.id).order_by(col(ListingFlag.id))
    ).all()
    return _views(session, rows)


def listing_page(session: Session, actor: Actor, listing_id: int) -> ListingPage:
    """A listing, its flags and the incidents they point at (read-only).

    A seller sees only their own shop's listings; customers none."""
    authorize(actor, "listing.view")
    listing = session.get(Listing, int(listing_id))
    if listing is None or (actor.role == Role.seller and listing.shop_id != actor.shop_id):
        raise NotFound()
    flags = session.exec(
        select(ListingFlag)
        .where(col(ListingFlag.listing_id) == listing.id)
        .order_by(col(ListingFlag.created_at).desc(), col(ListingFlag.id).desc())
    ).all()
    incident_ids = {f.incident_id for f in flags if f.incident_id is not None}
    incidents = session.exec(
        select(Incident).where(col(Incident.id).in_(incident_ids)).order_by(col(Incident.opened_at).desc())
    ).all()
    cases = []
    for inc in incidents:
        policy = type_policy(inc.type)
        cases.append(
            CaseSummary(
                inc.id,
                inc.reference,
                inc.type,
                policy.label_fr,
                policy.label_en,
                inc.state,
                inc.opened_at,
                inc.description,
            )
        )
    return ListingPage(
        listing.id,
        listing.title,
        listing.sku,
        listing.description,
        listing.price_cents,
        existing(session, Shop, listing.shop_id).name,
        _views(session, flags),
        cases,
    )


# --- raising -----------------------------------------------------------------------------


def raise_flag(session: Session, actor: Actor, incident_id: int, reason: str, details: str) -> FlagChange:
    """Flag the incident's listing to the product team; ticks the playbook step that asks for it."""
    incident = incident_for(session, actor, int(incident_id), "flag.raise")
    if reason not in REASONS:
        raise InvalidInput("flags.error.reason")
    details = clean_text(details, "details")
    duplicate = session.exec(
        select(col(ListingFlag.id)).where(
            col(ListingFlag.incident_id) == incident.id,
            col(ListingFlag.reason) == reason,
            col(ListingFlag.status).in_(OPEN),
        )
    ).first()
    if duplicate is not None:
        raise ServiceError("flags.error.duplicate")
    at = now()
    flag = ListingFlag(
        listing_id=incident.listing_id,
        incident_id=incident.id,
        raised_by_id=actor.user_id,
        reason=reason,
        details=details,
        created_at=at,
        updated_at=at,
    )
    session.add(flag)
    session.flush()
    auto_tick(session, incident, actor, StepAction.listing_flag)
    finish(session, incident, actor, "flag_raised", snapshot(incident), {"flag_id": flag.id, "reason": reason})
    listing = existing(session, Listing, incident.listing_id)
    notified = notifications.notify(
        session, "flag_raised", incident, ["product"], actor, listing=listing.title, reason=reason, link="/flags"
    )
    return FlagChange(_views(session, [flag])[0], incident.shop_id, tuple(notified))


# --- handling (product team) -------------------------------------------------------------


def _move(
    session: Session, actor: Actor, flag_id: int, to: str, note_field: str | None = None, note: str = ""
) -> FlagChange:
    authorize(actor, "flag.handle")
    note_text = clean_text(note, note_field) if note_field else None
    stmt = select(ListingFlag).where(col(ListingFlag.id) == int(flag_id))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    flag = session.exec(stmt).first()
    if flag is None:
        raise NotFound()
    if to not in _MOVES.get(flag.status, ()):
        raise ServiceError("flags.error.already_handled", status=flag.status)
    before = flag.status
    flag.status, flag.handled_by_id, flag.updated_at = to, actor.id, now()
    if note_text is not None:
        flag.resolution_note = note_text
    session.add(flag)
    session.flush()
    incident = existing(session, Incident, flag.incident_id)
    finish(
        session,
        incident,
        actor,
        f"flag_{to}",
        snapshot(incident),
        {"flag_id": flag.id, "flag_before": before, "note": note_text or ""},
    )
    listing = existing(session, Listing, flag.listing_id)
    notified = notifications.notify(
        session,
        f"flag_{to}",
        incident,
        [f"user:{flag.raised_by_id}"],
        actor,
        listing=listing.title,
        note=note_text or "",
    )
    return FlagChange(_views(session, [flag])[0], incident.shop_id, tuple(notified))


def acknowledge(session: Session, actor: Actor, flag_id: int) -> FlagChange:
    return _move(session, actor, flag_id, "acknowledged")


def mark_fixed(session: Session, actor: Actor, flag_id: int, change: str) -> FlagChange:
    """Fixed, saying what changed on the listing (the raiser reads it)."""
    return _move(session, actor, flag_id, "fixed", "change", change)


def reject(session: Session, actor: Actor, flag_id: int, why: str) -> FlagChange:
    """Rejected, saying why (the raiser reads it)."""
    return _move(session, actor, flag_id, "rejected", "why", why)
