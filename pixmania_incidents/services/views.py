"""Read models for the customer, seller and support pages, and the presenter of the incident page.

Why here: what a viewer may see (contact details, internal notes, staff-only events) is
decided once, next to the authorization, instead of in each page. Instants are ISO-8601
with their offset so browsers can tick countdowns without asking the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from pixmania_incidents.deadlines import OPEN_DEADLINE_STATES
from pixmania_incidents.formats import due_when, file_size, late_by, money, short_when, when
from pixmania_incidents.i18n import CATALOGUE, norm_locale, tr
from pixmania_incidents.lifecycle import allowed_actions
from pixmania_incidents.models import (
    ArbitrationRequest,
    CarrierInquiry,
    ChecklistItem,
    CustomerOrder,
    Decision,
    Evidence,
    Incident,
    IncidentEvent,
    Listing,
    Message,
    Obligation,
    OrderLine,
    Proposal,
    Rating,
    Refund,
    ReplacementShipment,
    ReturnLabel,
    Role,
    Shipment,
    ShipmentEvent,
    Shop,
    User,
)
from pixmania_incidents.models import (
    IncidentState as S,
)
from pixmania_incidents.policy import OBLIGATION_LABELS, SOLUTION_LABELS, TYPES, type_policy
from pixmania_incidents.services import arbitration, clocks, flags, guidelines
from pixmania_incidents.services.common import STAFF, Actor, authorize, existing, load_incident, reads
from pixmania_incidents.services.evidence import visibilities
from pixmania_incidents.services.incidents import case_facts, opening_refusal, refundable_cents, refusal_of

#: Events only staff see (internal notes) or only the shop and staff (its own working notes).
_STAFF_EVENTS = frozenset({"internal_note", "taken", "released"})
_SHOP_EVENTS = frozenset(
    {
        "assigned",
        "outside_exchange",
        "lesson_added",
        "first_viewed",
        "flag_raised",
        "flag_acknowledged",
        "flag_fixed",
        "flag_rejected",
    }
)


def iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def _rows(session: Session, model: Any, incident: Incident, order: Any = None) -> list[Any]:
    return list(session.exec(select(model).where(model.incident_id == incident.id).order_by(order or model.id)).all())


def _sees_contact(actor: Actor, incident: Incident) -> bool:
    return actor.role in STAFF or (actor.role == Role.seller and actor.shop_id == incident.shop_id)


def _event_visible(actor: Actor, kind: str) -> bool:
    if kind in _STAFF_EVENTS:
        return actor.role in STAFF
    if kind in _SHOP_EVENTS:
        return actor.role in STAFF or actor.role == Role.seller
    return True


def _evidence_dict(ev: Evidence) -> dict[str, Any]:
    return {"id": ev.id, "filename": ev.filename, "content_type": ev.content_type, "size": ev.size}


def _messages(
    session: Session, incident_id: int, shown: tuple[str, ...], limit: int, before_id: int | None = None
) -> list[dict]:
    """The last `limit` messages of the given visibilities (before `before_id`), oldest first."""
    stmt = select(Message).where(col(Message.incident_id) == incident_id, col(Message.visibility).in_(shown))
    if before_id is not None:
        stmt = stmt.where(col(Message.id) < before_id)
    rows = list(session.exec(stmt.order_by(col(Message.id).desc()).limit(limit)).all())[::-1]
    ids = [m.id for m in rows]
    files: dict[int | None, list[dict]] = {}
    if ids:
        for ev in session.exec(
            select(Evidence).where(col(Evidence.message_id).in_(ids)).order_by(col(Evidence.id))
        ).all():
            files.setdefault(ev.message_id, []).append(_evidence_dict(ev))
    authors: dict[int | None, str] = {
        u.id: u.name for u in session.exec(select(User).where(col(User.id).in_({m.author_id for m in rows}))).all()
    }
    return [
        {
            "id": m.id,
            "author": authors.get(m.author_id, ""),
            "author_role": m.author_role,
            "kind": m.kind,
            "visibility": m.visibility,
            "body": m.body,
            "channel": m.channel,
            "counterpart": m.counterpart,
            "occurred_at": iso(m.occurred_at),
            "created_at": iso(m.created_at),
            "evidence": files.get(m.id, []),
        }
        for m in rows
    ]


def _deadline(row) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "holder": row.holder,
        "due_at": iso(row.due_at),
        "at_risk_at": iso(row.at_risk_at),
        "state": row.state,
        "paused": row.paused,
        "met_at": iso(row.met_at),
        "breached_at": iso(row.breached_at),
    }


def _proposal(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "solution": p.solution,
        "label_fr": SOLUTION_LABELS[p.solution][0],
        "label_en": SOLUTION_LABELS[p.solution][1],
        "amount_cents": p.amount_cents,
        "message": p.message,
        "status": p.status,
        **refusal_of(p),
        "created_at": iso(p.created_at),
        "answered_at": iso(p.answered_at),
    }


def _arbitration(session: Session, incident: Incident) -> dict[str, Any] | None:
    request = session.exec(
        select(ArbitrationRequest)
        .where(col(ArbitrationRequest.incident_id) == incident.id)
        .order_by(col(ArbitrationRequest.id).desc())
    ).first()
    if request is None:
        return None
    decision = session.exec(select(Decision).where(col(Decision.arbitration_id) == request.id)).first()
    return {
        "id": request.id,
        "requester_role": request.requester_role,
        "reason": request.reason,
        "created_at": iso(request.created_at),
        "statement_due_at": iso(request.statement_due_at),
        "statement": request.statement,
        "statement_at": iso(request.statement_at),
        "taken": request.taken_by_id is not None,
        "taken_at": iso(request.taken_at),
        "withdrawn_at": iso(request.withdrawn_at),
        "decision": None
        if decision is None
        else {
            "outcome": decision.outcome,
            "label_fr": SOLUTION_LABELS[decision.outcome][0],
            "label_en": SOLUTION_LABELS[decision.outcome][1],
            "amount_cents": decision.amount_cents,
            "rationale": decision.rationale,
            "created_at": iso(decision.created_at),
        },
    }


# Who checks the parcel on the case page: the shop, customer service and the arbitrator
# ("non reçu" starts with the tracking); the customer follows it in their orders.
PARCEL_VIEWERS = frozenset({Role.seller, Role.support, Role.arbitrator})


def _parcel(session: Session, order_id: int) -> dict[str, Any] | None:
    shipment = session.exec(
        select(Shipment).where(col(Shipment.order_id) == order_id).order_by(col(Shipment.id))
    ).first()
    if shipment is None:
        return None
    events = session.exec(
        select(ShipmentEvent)
        .where(col(ShipmentEvent.shipment_id) == shipment.id)
        .order_by(col(ShipmentEvent.at), col(ShipmentEvent.id))
    ).all()
    return {
        "state": shipment.state,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "shipped_at": iso(shipment.shipped_at),
        "delivered_at": iso(shipment.delivered_at),
        "events": [{"event": e.event, "at": iso(e.at), "received_at": iso(e.received_at)} for e in events],
    }


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else ""


@reads
def incident_view(session: Session, actor: Actor, incident_id: int) -> dict[str, Any]:
    """Everything the incident page shows to this viewer, and the buttons they get; its
    thread is apart (`public_window` through the live room, `thread_messages`)."""
    incident = load_incident(session, actor, incident_id)
    policy = type_policy(incident.type)
    shop = existing(session, Shop, incident.shop_id)
    listing = existing(session, Listing, incident.listing_id)
    order = existing(session, CustomerOrder, incident.order_id)
    line = existing(session, OrderLine, incident.order_line_id)
    customer = existing(session, User, incident.customer_id)
    ball = clocks.ball_of(session, incident)
    pending = [p for p in _rows(session, Proposal, incident) if p.status == "pending"]
    rating = session.exec(select(Rating).where(col(Rating.incident_id) == incident.id)).first()
    customer_info: dict[str, Any] = {"name": customer.name}
    if _sees_contact(actor, incident):
        customer_info |= {
            "email": customer.email,
            "phone": customer.phone,
            "address": order.shipping_address or customer.address,
        }
    events = [e for e in _rows(session, IncidentEvent, incident) if _event_visible(actor, e.kind)]
    return _incident_summary(incident) | {
        "version": incident.version,
        "shop": {"id": shop.id, "name": shop.name},
        "listing": {"id": listing.id, "title": listing.title, "sku": listing.sku},
        "order_reference": order.reference,
        "line_total_cents": line.total_cents,
        "customer": customer_info,
        "description": incident.description,
        "first_response_at": iso(incident.first_response_at),
        "resolved_at": iso(incident.resolved_at),
        "closed_at": iso(incident.closed_at),
        "help_requested_at": iso(incident.help_requested_at),
        "deadlines": [_deadline(d) for d in clocks.clocks_of(session, incident)],
        "ball": {"holder": ball.holder, "due_at": iso(ball.due_at)},
        "pending_proposal": _proposal(pending[0]) if pending else None,
        "proposals": [_proposal(p) for p in _rows(session, Proposal, incident)],
        "obligations": [
            {
                "id": o.id,
                "kind": o.kind,
                "holder": o.holder,
                "label_fr": OBLIGATION_LABELS[o.kind][0],
                "label_en": OBLIGATION_LABELS[o.kind][1],
                "amount_cents": o.amount_cents,
                "due_at": iso(o.due_at),
                "met_at": iso(o.met_at),
                "cancelled_at": iso(o.cancelled_at),
                "source": o.source,
            }
            for o in _rows(session, Obligation, incident)
        ],
        "checklist": [
            {
                "id": item.id,
                "code": item.step_code,
                "fr": policy.step(item.step_code).fr,
                "en": policy.step(item.step_code).en,
                "mandatory": item.mandatory,
                "done": item.done_at is not None,
                "done_at": iso(item.done_at),
                "note": item.note,
            }
            for item in _rows(session, ChecklistItem, incident, col(ChecklistItem.position))
        ],
        "return_labels": [
            {
                "id": lb.id,
                "carrier": lb.carrier,
                "tracking_number": lb.tracking_number,
                "created_at": iso(lb.created_at),
                "sent_back_at": iso(lb.sent_back_at),
                "received_at": iso(lb.received_at),
            }
            for lb in _rows(session, ReturnLabel, incident)
        ],
        "refunds": [
            {
                "id": r.id,
                "amount_cents": r.amount_cents,
                "refunded_on": r.refunded_on.isoformat(),
                "created_at": iso(r.created_at),
            }
            for r in _rows(session, Refund, incident)
        ],
        "shipments": [
            {
                "id": s.id,
                "kind": s.kind,
                "carrier": s.carrier,
                "tracking_number": s.tracking_number,
                "shipped_at": iso(s.shipped_at),
            }
            for s in _rows(session, ReplacementShipment, incident)
        ],
        "carrier_inquiries": [
            {
                "id": c.id,
                "carrier": c.carrier,
                "reference": c.reference,
                "opened_at": iso(c.opened_at),
                "outcome": c.outcome,
                "outcome_at": iso(c.outcome_at),
            }
            for c in _rows(session, CarrierInquiry, incident)
        ],
        "arbitration": _arbitration(session, incident),
        "opening_evidence": [_evidence_dict(ev) for ev in _rows(session, Evidence, incident) if ev.message_id is None],
        "timeline": [
            {
                "id": e.id,
                "kind": e.kind,
                "actor_role": e.actor_role,
                "at": iso(e.at),
                "before": e.before,
                "after": e.after,
            }
            for e in events
        ],
        "allowed": sorted(
            a.value for a in allowed_actions(incident.state, actor.role, case_facts(session, incident, actor))
        ),
        "rating": None if rating is None else {"score": rating.score, "comment": rating.comment},
        "parcel": _parcel(session, incident.order_id) if actor.role in PARCEL_VIEWERS else None,
        # Who works the case: the shop's assignee for the shop and staff, the agent for staff only.
        "assignee": _name(session, incident.assignee_id) if _sees_contact(actor, incident) else "",
        "assignee_id": incident.assignee_id if _sees_contact(actor, incident) else None,
        "agent": _name(session, incident.agent_id) if actor.role in STAFF else "",
        "agent_is_me": incident.agent_id is not None and incident.agent_id == actor.id,
    }


@reads
def thread_messages(
    session: Session, actor: Actor, incident_id: int, limit: int = 30, before_id: int | None = None
) -> list[dict]:
    """The viewer's last `limit` messages of a case (before `before_id`: "show earlier messages")."""
    incident = load_incident(session, actor, incident_id)
    return _messages(
        session,
        incident.id,
        visibilities(actor.role),
        max(1, min(int(limit), 1000)),
        None if before_id is None else int(before_id),
    )


def public_window(session: Session, incident_id: int, limit: int) -> list[dict]:
    """The last public messages of a case, for its live room: only pages allowed to see the
    case are linked to that room, and public messages are what every one of them reads."""
    return _messages(session, incident_id, ("public",), limit)


def _incident_summary(incident: Incident) -> dict[str, Any]:
    policy = type_policy(incident.type)
    return {
        "id": incident.id,
        "reference": incident.reference,
        "type": incident.type,
        "type_label_fr": policy.label_fr,
        "type_label_en": policy.label_en,
        "state": incident.state,
        "outcome": incident.outcome,
        "wanted": incident.wanted,
        "ball": incident.ball,
        "deadline_state": incident.deadline_state,
        "next_due_at": iso(incident.next_due_at),
        "opened_at": iso(incident.opened_at),
        "updated_at": iso(incident.updated_at),
    }


@reads
def customer_orders(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """My orders, their lines, and for each line its incidents and what may be opened."""
    authorize(actor, "order.view")
    orders = session.exec(
        select(CustomerOrder)
        .where(col(CustomerOrder.customer_id) == actor.id)
        .order_by(col(CustomerOrder.placed_at).desc())
    ).all()
    result = []
    for order in orders:
        shop = existing(session, Shop, order.shop_id)
        shipment = session.exec(select(Shipment).where(col(Shipment.order_id) == order.id)).first()
        lines = []
        for line in session.exec(
            select(OrderLine).where(col(OrderLine.order_id) == order.id).order_by(col(OrderLine.id))
        ).all():
            listing = existing(session, Listing, line.listing_id)
            incidents = session.exec(
                select(Incident).where(col(Incident.order_line_id) == line.id).order_by(col(Incident.id))
            ).all()
            openable = [code.value for code in TYPES if opening_refusal(session, line, code) is None]
            lines.append(
                {
                    "id": line.id,
                    "title": listing.title,
                    "quantity": line.quantity,
                    "total_cents": line.total_cents,
                    "incidents": [_incident_summary(i) for i in incidents if i.state != S.closed],
                    "closed_incidents": [_incident_summary(i) for i in incidents if i.state == S.closed],
                    "can_open": bool(openable),
                    "openable_types": openable,
                }
            )
        result.append(
            {
                "id": order.id,
                "reference": order.reference,
                "placed_at": iso(order.placed_at),
                "shop": shop.name,
                "shipment": None
                if shipment is None
                else {
                    "state": shipment.state,
                    "carrier": shipment.carrier,
                    "tracking_number": shipment.tracking_number,
                    "shipped_at": iso(shipment.shipped_at),
                    "delivered_at": iso(shipment.delivered_at),
                },
                "lines": lines,
            }
        )
    return result


@reads
def customer_incidents(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """My incidents, most recently changed first."""
    authorize(actor, "order.view")
    rows = session.exec(
        select(Incident, col(Shop.name), col(Listing.title))
        .join(Shop, col(Shop.id) == col(Incident.shop_id))
        .join(Listing, col(Listing.id) == col(Incident.listing_id))
        .where(col(Incident.customer_id) == actor.id)
        .order_by(col(Incident.updated_at).desc(), col(Incident.id).desc())
    ).all()
    return [_incident_summary(i) | {"shop": shop, "listing_title": title} for i, shop, title in rows]


# --- the incident page, as its viewer reads it ---------------------------------------------------
# One presenter for the case: what `incident_view` says this viewer may see, with every label,
# amount and date already in the viewer's language, as typed records the page reads by attribute.


@dataclass(frozen=True)
class EvidenceFile:
    id: int
    filename: str
    url: str
    is_image: bool
    size_label: str


@dataclass(frozen=True)
class RunningDeadline:
    """A deadline still running, as the case's header counts it down."""

    kind: str
    label: str
    state: str
    paused: bool
    due_at: str  # ISO-8601, for the browser's countdown
    when: str


@dataclass(frozen=True)
class BallView:
    holder: str  # seller | customer | arbitrator | waiting_arbitrator | "" (nobody)
    due_at: str
    when: str


@dataclass(frozen=True)
class ProposalView:
    label: str
    amount_label: str
    message: str
    when: str


@dataclass(frozen=True)
class DecisionView:
    label: str
    amount_label: str
    rationale: str
    when: str


@dataclass(frozen=True)
class ArbitrationView:
    requester_role: str
    statement: str
    taken: bool
    decision: DecisionView | None
    withdrawn_when: str = ""  # "" unless the customer withdrew the request (SPEC 8.5)


@dataclass(frozen=True)
class ChecklistStepView:
    id: int
    fr: str
    en: str
    mandatory: bool
    done: bool
    note: str


@dataclass(frozen=True)
class ObligationView:
    label: str
    amount_label: str
    due_at: str
    met: bool
    cancelled: bool = False  # waited on a return that never came (SPEC 8.1)


@dataclass(frozen=True)
class ReturnLabelView:
    id: int
    carrier: str
    tracking_number: str
    url: str
    when: str
    sent_back_when: str  # "" until the customer sent the item back
    received: bool


@dataclass(frozen=True)
class CarrierInquiryView:
    id: int
    carrier: str
    reference: str
    outcome: str


@dataclass(frozen=True)
class TimelineEntry:
    label: str
    who: str
    detail: str
    when: str


@dataclass(frozen=True)
class RatingView:
    score: int
    comment: str


@dataclass(frozen=True)
class ParcelEventView:
    label: str
    when: str


@dataclass(frozen=True)
class ParcelView:
    """The order's outbound parcel as the carrier reported it."""

    state_label: str
    carrier: str
    tracking_number: str
    shipped_when: str
    delivered_when: str
    events: list[ParcelEventView]


@dataclass(frozen=True)
class CaseView:
    """The incident page for one viewer (its thread apart): `allowed` names the buttons they get."""

    id: int
    reference: str
    version: int
    type: str
    type_label: str
    state: str
    outcome: str
    description: str
    listing_id: int
    listing_title: str
    shop_name: str
    customer_name: str
    order_reference: str
    line_total_label: str
    opened_when: str
    opened_short: str  # the opening as the thread dates its messages
    responded: bool
    help_requested: bool
    ball: BallView
    deadlines: list[RunningDeadline]
    pending_proposal: ProposalView | None
    arbitration: ArbitrationView | None
    opening_files: list[EvidenceFile]
    timeline: list[TimelineEntry]
    return_labels: list[ReturnLabelView]
    obligations: list[ObligationView]
    checklist: list[ChecklistStepView]
    carrier_inquiries: list[CarrierInquiryView]
    allowed: list[str]
    rating: RatingView | None
    parcel: ParcelView | None = None
    wanted_label: str = ""  # what the customer asked for when opening ("" for no preference)
    assignee_name: str = ""  # the shop's seller the case is assigned to (shop and staff only)
    agent_name: str = ""  # the customer service agent who took the case (staff only)
    agent_is_me: bool = False
    assignee_id: int = 0  # 0: nobody


@dataclass(frozen=True)
class ThreadMessage:
    id: int
    author: str
    author_role: str
    kind: str
    body: str
    counterpart: str
    when: str
    files: list[EvidenceFile]


def _pair(fr: str, en: str, locale: str) -> str:
    return en if norm_locale(locale) == "en" else fr


def _known(key: str, locale: str, fallback: str) -> str:
    return tr(key, locale) if key in CATALOGUE else fallback


def deadline_label(kind: str, locale: str) -> str:
    """A deadline's name: an obligation's own label, else the catalogue's (`clock.<kind>`)."""
    if kind in OBLIGATION_LABELS:
        return _pair(*OBLIGATION_LABELS[kind], locale)
    return _known(f"clock.{kind}", locale, kind)


def _amount(cents: int | None, locale: str) -> str:
    return money(cents, locale) if cents else ""


def _file(ev: dict[str, Any], locale: str) -> EvidenceFile:
    return EvidenceFile(
        id=ev["id"],
        filename=ev["filename"],
        url=f"/api/evidence/{ev['id']}",
        is_image=str(ev["content_type"]).startswith("image/"),
        size_label=file_size(int(ev["size"]), locale),
    )


def event_detail(event: dict[str, Any], locale: str) -> str:
    """What changed, in words: the state move, the solution, the reason."""
    before, after = event.get("before") or {}, event.get("after") or {}
    parts = []
    # A deadline's own events move the deadline's state, not the incident's.
    states = "deadline." if after.get("deadline") else "state."
    if after.get("deadline"):
        parts.append(deadline_label(after["deadline"], locale))
    if before.get("state") and after.get("state") and before["state"] != after["state"]:
        parts.append(f"{tr(states + before['state'], locale)} → {tr(states + after['state'], locale)}")
    if after.get("solution"):
        fr, en = SOLUTION_LABELS.get(after["solution"], (after["solution"], after["solution"]))
        parts.append(_pair(fr, en, locale))
    if after.get("amount_cents"):
        parts.append(money(int(after["amount_cents"]), locale))
    if after.get("reason"):
        parts.append(f"« {after['reason']} »" if norm_locale(locale) == "fr" else f"“{after['reason']}”")
    if after.get("tracking_number"):
        parts.append(str(after["tracking_number"]))
    if after.get("score"):
        parts.append(f"{after['score']}/5")
    if after.get("assignee") or after.get("agent"):
        parts.append(str(after.get("assignee") or after.get("agent")))
    return " · ".join(parts)


def present_case(view: dict[str, Any], locale: str) -> CaseView:
    """`incident_view`'s answer as the page prints it."""
    pending, arbitration, rating = view["pending_proposal"], view["arbitration"], view["rating"]
    decision = arbitration["decision"] if arbitration else None
    running = [d for d in view["deadlines"] if d["met_at"] is None and d["state"] in OPEN_DEADLINE_STATES]
    return CaseView(
        id=view["id"],
        reference=view["reference"],
        version=view["version"],
        type=view["type"],
        type_label=_pair(view["type_label_fr"], view["type_label_en"], locale),
        state=view["state"],
        outcome=view["outcome"] or "",
        description=view["description"],
        listing_id=view["listing"]["id"],
        listing_title=view["listing"]["title"],
        shop_name=view["shop"]["name"],
        customer_name=view["customer"]["name"],
        order_reference=view["order_reference"],
        line_total_label=money(view["line_total_cents"], locale),
        opened_when=when(view["opened_at"], locale),
        opened_short=short_when(view["opened_at"], locale),
        responded=view["first_response_at"] is not None,
        help_requested=view["help_requested_at"] is not None,
        ball=BallView(
            holder=view["ball"]["holder"] or "",
            due_at=view["ball"]["due_at"] or "",
            when=due_when(view["ball"]["due_at"], locale),
        ),
        deadlines=[
            RunningDeadline(
                kind=d["kind"],
                label=deadline_label(d["kind"], locale),
                state=d["state"],
                paused=bool(d["paused"]),
                due_at=d["due_at"] or "",
                when=due_when(d["due_at"], locale),
            )
            for d in sorted(running, key=lambda d: d["due_at"] or "")
        ],
        pending_proposal=None
        if pending is None
        else ProposalView(
            label=_pair(pending["label_fr"], pending["label_en"], locale),
            amount_label=_amount(pending["amount_cents"], locale),
            message=pending["message"],
            when=when(pending["created_at"], locale),
        ),
        arbitration=None
        if arbitration is None
        else ArbitrationView(
            requester_role=arbitration["requester_role"],
            statement=arbitration["statement"] or "",
            taken=arbitration["taken"],
            decision=None
            if decision is None
            else DecisionView(
                label=_pair(decision["label_fr"], decision["label_en"], locale),
                amount_label=_amount(decision["amount_cents"], locale),
                rationale=decision["rationale"],
                when=when(decision["created_at"], locale),
            ),
            withdrawn_when=when(arbitration["withdrawn_at"], locale),
        ),
        opening_files=[_file(f, locale) for f in view["opening_evidence"]],
        timeline=[
            TimelineEntry(
                label=_known(f"incidents.event.{e['kind']}", locale, e["kind"]),
                who=_known(f"role.{e['actor_role']}", locale, e["actor_role"]),
                detail=event_detail(e, locale),
                when=short_when(e["at"], locale),
            )
            for e in reversed(view["timeline"])
        ],
        return_labels=[
            ReturnLabelView(
                id=lb["id"],
                carrier=lb["carrier"],
                tracking_number=lb["tracking_number"],
                url=f"/api/labels/{lb['id']}.pdf",
                when=short_when(lb["created_at"], locale),
                sent_back_when=short_when(lb["sent_back_at"], locale),
                received=lb["received_at"] is not None,
            )
            for lb in view["return_labels"]
        ],
        obligations=[
            ObligationView(
                label=_pair(o["label_fr"], o["label_en"], locale),
                amount_label=_amount(o["amount_cents"], locale),
                due_at=o["due_at"] or "",
                met=o["met_at"] is not None,
                cancelled=o["cancelled_at"] is not None,
            )
            for o in view["obligations"]
        ],
        checklist=[
            ChecklistStepView(
                id=c["id"], fr=c["fr"], en=c["en"], mandatory=c["mandatory"], done=c["done"], note=c["note"] or ""
            )
            for c in view["checklist"]
        ],
        carrier_inquiries=[
            CarrierInquiryView(id=c["id"], carrier=c["carrier"], reference=c["reference"], outcome=c["outcome"] or "")
            for c in view["carrier_inquiries"]
        ],
        allowed=view["allowed"],
        rating=None if rating is None else RatingView(score=rating["score"], comment=rating["comment"] or ""),
        parcel=_parcel_view(view.get("parcel"), locale),
        wanted_label=_pair(*SOLUTION_LABELS[view["wanted"]], locale) if view.get("wanted") else "",
        assignee_name=view.get("assignee", ""),
        agent_name=view.get("agent", ""),
        agent_is_me=bool(view.get("agent_is_me")),
        assignee_id=view.get("assignee_id") or 0,
    )


def _parcel_view(parcel: dict[str, Any] | None, locale: str) -> ParcelView | None:
    if parcel is None:
        return None
    return ParcelView(
        state_label=_known(f"parcel.{parcel['state']}", locale, parcel["state"]),
        carrier=parcel["carrier"],
        tracking_number=parcel["tracking_number"],
        shipped_when=when(parcel["shipped_at"], locale),
        delivered_when=when(parcel["delivered_at"], locale),
        events=[
            ParcelEventView(label=_known(f"parcel.{e['event']}", locale, e["event"]), when=when(e["at"], locale))
            for e in parcel["events"]
        ],
    )


@reads
def case_view(session: Session, actor: Actor, incident_id: int, locale: str) -> CaseView:
    """The incident page for this viewer, in their language."""
    return present_case(incident_view(session, actor, incident_id), locale)


def thread_of(window: list[dict[str, Any]], own: list[dict[str, Any]], limit: int, locale: str) -> list[ThreadMessage]:
    """The room's public window and what the viewer read for themself, as one thread:
    the last `limit` messages by id, labelled for the page."""
    merged = sorted({m["id"]: m for m in (*window, *own)}.values(), key=lambda m: m["id"])[-limit:]
    return [
        ThreadMessage(
            id=m["id"],
            author=m["author"],
            author_role=m["author_role"],
            kind=m["kind"],
            body=m["body"],
            counterpart=m["counterpart"] or "",
            when=short_when(m["created_at"], locale),
            files=[_file(f, locale) for f in m["evidence"]],
        )
        for m in merged
    ]


# --- the seller's panel beside the case ------------------------------------------------------------


@dataclass(frozen=True)
class GuidelineNote:
    id: int
    kind: str
    title: str
    html: str
    author: str
    when: str


@dataclass(frozen=True)
class RaisedFlag:
    id: int
    reason: str
    status: str
    details: str
    when: str


@dataclass(frozen=True)
class SellerPanel:
    """What the seller's panel shows beside the case: what is left to refund, support's
    guidelines for this type of incident, and the listing flags raised from the case."""

    refundable_label: str = ""
    guidelines: list[GuidelineNote] = field(default_factory=list)
    flags: list[RaisedFlag] = field(default_factory=list)


@reads
def seller_panel(session: Session, actor: Actor, incident_id: int, locale: str) -> SellerPanel:
    """Only the shop's own sellers read it."""
    incident = load_incident(session, actor, incident_id)
    authorize(actor, "incident.seller_act", incident)
    return SellerPanel(
        refundable_label=money(refundable_cents(session, incident), locale),
        guidelines=[
            GuidelineNote(
                id=g["id"],
                kind=g["kind"],
                title=g["title"],
                html=g["html"],
                author=g["author"],
                when=short_when(g["created_at"], locale),
            )
            for g in guidelines.guidelines_for(session, actor, incident.type)
        ],
        flags=[
            RaisedFlag(
                id=f.id, reason=f.reason, status=f.status, details=f.details, when=short_when(f.created_at, locale)
            )
            for f in flags.flags_for_incident(session, actor, incident_id)
        ],
    )


# --- the arbitration queue and case file ----------------------------------------------------------
# The arbitrator's own read models (`arbitration.queue`, `arbitration.case_file`) labelled by the same
# hand as the incident page: instants in Paris time (ISO kept beside due dates), amounts, lateness,
# the timeline's and the flags' words.


def _labelled(data: Any, locale: str) -> Any:
    if isinstance(data, datetime):
        return short_when(data, locale)
    if isinstance(data, dict):
        out = {k: _labelled(v, locale) for k, v in data.items()}
        for key in ("due_at", "statement_due_at", "decision_due_at"):
            if isinstance(data.get(key), datetime):
                out[f"{key}_iso"] = data[key].isoformat()
                out[f"{key}_long"] = when(data[key], locale)
        for key in ("amount_cents", "total_cents", "refundable_cents", "price_cents"):
            if isinstance(data.get(key), int):
                out[key.replace("_cents", "_label")] = money(data[key], locale)
        if "late_seconds" in data:
            out["late_label"] = late_by(data["late_seconds"], locale)
        return out
    if isinstance(data, list | tuple):
        return [_labelled(v, locale) for v in data]
    return data


@reads
def arbitration_queue(session: Session, actor: Actor, locale: str) -> list[dict[str, Any]]:
    """The arbitrators' queue, oldest request first, as the page prints it."""
    return [
        _labelled(r, locale) | {"requested_at_iso": r["requested_at"].isoformat()}
        for r in arbitration.queue(session, actor)
    ]


@reads
def arbitration_file(session: Session, actor: Actor, incident_id: int, locale: str) -> dict[str, Any]:
    """Everything on the arbitrator's one screen, as the page prints it."""
    found = arbitration.case_file(session, actor, incident_id)
    for event in found["timeline"]:
        event["label"] = _known(f"incidents.event.{event['kind']}", locale, event["kind"])
    for flag in found["flags"]:
        flag["status_label"] = tr(f"flags.status.{flag['status']}", locale)
        flag["reason_label"] = tr(f"flags.reason.{flag['reason']}", locale)
    return _labelled(found, locale)
