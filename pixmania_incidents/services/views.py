"""Read models for the customer, seller and support pages: JSON-safe dicts only.

Why here: what a viewer may see (contact details, internal notes, staff-only events) is
decided once, next to the authorization, instead of in each page. Instants are ISO-8601
with their offset so browsers can tick countdowns without asking the server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

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
    IncidentState as S,
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
    Shop,
    User,
)
from pixmania_incidents.policy import OBLIGATION_LABELS, SOLUTION_LABELS, TYPES, type_policy
from pixmania_incidents.services import clocks
from pixmania_incidents.services.common import STAFF, Actor, authorize, load_incident, reads
from pixmania_incidents.services.evidence import visibilities
from pixmania_incidents.services.incidents import case_facts, opening_refusal, refusal_of

#: Events only staff see (internal notes) or only the shop and staff (its own working notes).
_STAFF_EVENTS = frozenset({"internal_note"})
_SHOP_EVENTS = frozenset({"outside_exchange", "lesson_added", "first_viewed", "flag_raised", "flag_acknowledged",
                          "flag_fixed", "flag_rejected"})


def iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def _rows(session: Session, model: type, incident: Incident, order: Any = None) -> list[Any]:
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


def _messages(session: Session, incident_id: int, shown: tuple[str, ...], limit: int, before_id: int | None = None) -> list[dict]:
    """The last `limit` messages of the given visibilities (before `before_id`), oldest first."""
    stmt = select(Message).where(Message.incident_id == incident_id, Message.visibility.in_(shown))
    if before_id is not None:
        stmt = stmt.where(Message.id < before_id)
    rows = list(session.exec(stmt.order_by(Message.id.desc()).limit(limit)).all())[::-1]
    ids = [m.id for m in rows]
    files: dict[int, list[dict]] = {}
    if ids:
        for ev in session.exec(select(Evidence).where(Evidence.message_id.in_(ids)).order_by(Evidence.id)).all():
            files.setdefault(ev.message_id, []).append(_evidence_dict(ev))
    authors = {u.id: u.name for u in session.exec(select(User).where(User.id.in_({m.author_id for m in rows}))).all()}
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
        select(ArbitrationRequest).where(ArbitrationRequest.incident_id == incident.id).order_by(ArbitrationRequest.id.desc())
    ).first()
    if request is None:
        return None
    decision = session.exec(select(Decision).where(Decision.arbitration_id == request.id)).first()
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
        "decision": None if decision is None else {
            "outcome": decision.outcome,
            "label_fr": SOLUTION_LABELS[decision.outcome][0],
            "label_en": SOLUTION_LABELS[decision.outcome][1],
            "amount_cents": decision.amount_cents,
            "rationale": decision.rationale,
            "created_at": iso(decision.created_at),
        },
    }


@reads
def incident_view(session: Session, actor: Actor, incident_id: int) -> dict[str, Any]:
    """Everything the incident page shows to this viewer, and the buttons they get; its
    thread is apart (`public_window` through the live room, `thread_messages`)."""
    incident = load_incident(session, actor, incident_id)
    policy = type_policy(incident.type)
    shop = session.get(Shop, incident.shop_id)
    listing = session.get(Listing, incident.listing_id)
    order = session.get(CustomerOrder, incident.order_id)
    line = session.get(OrderLine, incident.order_line_id)
    customer = session.get(User, incident.customer_id)
    ball = clocks.ball_of(session, incident)
    pending = [p for p in _rows(session, Proposal, incident) if p.status == "pending"]
    rating = session.exec(select(Rating).where(Rating.incident_id == incident.id)).first()
    customer_info: dict[str, Any] = {"name": customer.name}
    if _sees_contact(actor, incident):
        customer_info |= {"email": customer.email, "phone": customer.phone, "address": order.shipping_address or customer.address}
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
                "id": o.id, "kind": o.kind, "holder": o.holder, "label_fr": OBLIGATION_LABELS[o.kind][0],
                "label_en": OBLIGATION_LABELS[o.kind][1], "amount_cents": o.amount_cents,
                "due_at": iso(o.due_at), "met_at": iso(o.met_at), "cancelled_at": iso(o.cancelled_at),
                "source": o.source,
            }
            for o in _rows(session, Obligation, incident)
        ],
        "checklist": [
            {
                "id": item.id, "code": item.step_code, "fr": policy.step(item.step_code).fr,
                "en": policy.step(item.step_code).en, "mandatory": item.mandatory,
                "done": item.done_at is not None, "done_at": iso(item.done_at), "note": item.note,
            }
            for item in _rows(session, ChecklistItem, incident, ChecklistItem.position)
        ],
        "return_labels": [
            {
                "id": lb.id, "carrier": lb.carrier, "tracking_number": lb.tracking_number,
                "created_at": iso(lb.created_at), "sent_back_at": iso(lb.sent_back_at), "received_at": iso(lb.received_at),
            }
            for lb in _rows(session, ReturnLabel, incident)
        ],
        "refunds": [
            {"id": r.id, "amount_cents": r.amount_cents, "refunded_on": r.refunded_on.isoformat(), "created_at": iso(r.created_at)}
            for r in _rows(session, Refund, incident)
        ],
        "shipments": [
            {"id": s.id, "kind": s.kind, "carrier": s.carrier, "tracking_number": s.tracking_number, "shipped_at": iso(s.shipped_at)}
            for s in _rows(session, ReplacementShipment, incident)
        ],
        "carrier_inquiries": [
            {"id": c.id, "carrier": c.carrier, "reference": c.reference, "opened_at": iso(c.opened_at),
             "outcome": c.outcome, "outcome_at": iso(c.outcome_at)}
            for c in _rows(session, CarrierInquiry, incident)
        ],
        "arbitration": _arbitration(session, incident),
        "opening_evidence": [
            _evidence_dict(ev) for ev in _rows(session, Evidence, incident) if ev.message_id is None
        ],
        "timeline": [
            {"id": e.id, "kind": e.kind, "actor_role": e.actor_role, "at": iso(e.at), "before": e.before, "after": e.after}
            for e in events
        ],
        "allowed": sorted(a.value for a in allowed_actions(incident.state, actor.role, case_facts(session, incident, actor))),
        "rating": None if rating is None else {"score": rating.score, "comment": rating.comment},
    }


@reads
def thread_messages(session: Session, actor: Actor, incident_id: int, limit: int = 30, before_id: int | None = None) -> list[dict]:
    """The viewer's last `limit` messages of a case (before `before_id`: "show earlier messages")."""
    incident = load_incident(session, actor, incident_id)
    return _messages(session, incident.id, visibilities(actor.role), max(1, min(int(limit), 1000)),
                     None if before_id is None else int(before_id))


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
        select(CustomerOrder).where(CustomerOrder.customer_id == actor.id).order_by(CustomerOrder.placed_at.desc())
    ).all()
    result = []
    for order in orders:
        shop = session.get(Shop, order.shop_id)
        shipment = session.exec(select(Shipment).where(Shipment.order_id == order.id)).first()
        lines = []
        for line in session.exec(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)).all():
            listing = session.get(Listing, line.listing_id)
            incidents = session.exec(select(Incident).where(Incident.order_line_id == line.id).order_by(Incident.id)).all()
            openable = [code.value for code in TYPES if opening_refusal(session, line, code) is None]
            lines.append({
                "id": line.id,
                "title": listing.title,
                "quantity": line.quantity,
                "total_cents": line.total_cents,
                "incidents": [_incident_summary(i) for i in incidents if i.state != S.closed],
                "closed_incidents": [_incident_summary(i) for i in incidents if i.state == S.closed],
                "can_open": bool(openable),
                "openable_types": openable,
            })
        result.append({
            "id": order.id,
            "reference": order.reference,
            "placed_at": iso(order.placed_at),
            "shop": shop.name,
            "shipment": None if shipment is None else {
                "state": shipment.state, "carrier": shipment.carrier, "tracking_number": shipment.tracking_number,
                "shipped_at": iso(shipment.shipped_at), "delivered_at": iso(shipment.delivered_at),
            },
            "lines": lines,
        })
    return result


@reads
def customer_incidents(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """My incidents, most recently changed first."""
    authorize(actor, "order.view")
    rows = session.exec(
        select(Incident, Shop.name, Listing.title)
        .join(Shop, Shop.id == Incident.shop_id)
        .join(Listing, Listing.id == Incident.listing_id)
        .where(Incident.customer_id == actor.id)
        .order_by(Incident.updated_at.desc(), Incident.id.desc())
    ).all()
    return [_incident_summary(i) | {"shop": shop, "listing_title": title} for i, shop, title in rows]
