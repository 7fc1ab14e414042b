"""Arbitration mode (customer service level 2): the queue, taking a case, the case file and
the binding decision (policy step 4, SPEC sections 3–4).

Why taking is a conditional UPDATE: two arbitrators clicking "take" at the same instant must
not both get the case. `UPDATE incident SET arbitrator_id = me WHERE arbitrator_id IS NULL`
is atomic on SQLite (one writer) and PostgreSQL (row lock, re-checked after the other
commits), so the rowcount says who won without any read-then-write race.

Why a decision is never edited: it is binding. No function here (or anywhere) updates a
`Decision` row; the lifecycle refuses every party move once `CaseFacts.decided` is true.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pixmania_incidents import deadlines as dl
from pixmania_incidents.lifecycle import Action
from pixmania_incidents.models import (
    ArbitrationRequest,
    CarrierInquiry,
    CustomerOrder,
    Deadline,
    Decision,
    Evidence,
    Incident,
    IncidentEvent,
    Listing,
    ListingFlag,
    Message,
    Obligation,
    OrderLine,
    Proposal,
    Role,
    Shipment,
    Shop,
    User,
)
from pixmania_incidents.models import (
    IncidentState as S,
)
from pixmania_incidents.policy import (
    LATEST_DUE_DAYS,
    OBLIGATION_HOLDER,
    OBLIGATION_LABELS,
    SOLUTION_LABELS,
    DecisionOutcome,
    ObligationStart,
    obligation_start,
    obligations_for,
    type_policy,
)
from pixmania_incidents.services import clocks, inputs
from pixmania_incidents.services.common import (
    Actor,
    Forbidden,
    InvalidInput,
    ServiceError,
    authorize,
    check_version,
    existing,
    load_incident,
    now,
)
from pixmania_incidents.services.incidents import (
    Result,
    _allowed,
    _apply,
    apply_solution,
    case_facts,
    close,
    finish,
    open_arbitration,
    refundable_cents,
    refusal_of,
    result_of,
    snapshot,
)
from pixmania_incidents.vocabulary import RATIONALE_MAX

#: What an obligation's clock waits for (a label, a received return) unless the arbitrator
#: sets a date, as the decision form says it.
_WAITING = {
    ObligationStart.label: "support.obligation.starts_with_label",
    ObligationStart.receipt: "support.obligation.starts_with_return",
}


# --- the queue ---------------------------------------------------------------------------


def statement_window(request: ArbitrationRequest, at: datetime | None = None) -> dict[str, Any]:
    """Whether the other party may still add their statement (2 business days)."""
    at = at or now()
    return {
        "statement_due_at": request.statement_due_at,
        "statement_given": request.statement is not None,
        "statement_open": request.statement is None and not dl.is_overdue(request.statement_due_at, at),
    }


def _names(session: Session, ids: set[int | None]) -> dict[int | None, str]:
    known = {i for i in ids if i is not None}
    if not known:
        return {}
    return {u.id: u.name for u in session.exec(select(User).where(col(User.id).in_(known))).all()}


def _neutrality_breaches(session: Session, incident_ids: list[int], arbitrator_id: int) -> set[int]:
    """Cases in which this arbitrator posted as support (assist message or internal note)."""
    if not incident_ids:
        return set()
    rows = session.exec(
        select(col(Message.incident_id)).where(
            col(Message.incident_id).in_(incident_ids),
            col(Message.author_id) == arbitrator_id,
            col(Message.kind).in_(("assist", "internal")),
        )
    ).all()
    return set(rows)


def queue(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Cases in arbitration, oldest request first, with who asked, why and who holds them."""
    authorize(actor, "incident.arbitrate")
    rows = session.exec(
        select(Incident, ArbitrationRequest, Shop)
        .join(ArbitrationRequest, col(ArbitrationRequest.incident_id) == col(Incident.id))
        .join(Shop, col(Shop.id) == col(Incident.shop_id))
        .where(
            col(Incident.state) == S.in_arbitration,
            col(ArbitrationRequest.decided_at).is_(None),
            col(ArbitrationRequest.withdrawn_at).is_(None),
        )
        .order_by(col(ArbitrationRequest.created_at), col(ArbitrationRequest.id))
    ).all()
    # One line per case: the current (latest) request.
    latest: dict[int, tuple[Incident, ArbitrationRequest, Shop]] = {}
    for incident, request, shop in rows:
        if incident.id not in latest or request.id > latest[incident.id][1].id:
            latest[incident.id] = (incident, request, shop)
    ordered = sorted(latest.values(), key=lambda r: (r[1].created_at, r[1].id))
    names = _names(session, {*(r.requested_by_id for _, r, _ in ordered), *(i.arbitrator_id for i, _, _ in ordered)})
    conflicted = _neutrality_breaches(session, [i.id for i, _, _ in ordered], actor.user_id)
    at = now()
    out = []
    for incident, request, shop in ordered:
        decision_clock = clocks.current(session, incident, clocks.ARBITRATION_DECISION)
        policy = type_policy(incident.type)
        out.append(
            {
                "incident_id": incident.id,
                "reference": incident.reference,
                "type": incident.type,
                "type_fr": policy.label_fr,
                "type_en": policy.label_en,
                "shop": shop.name,
                "requester_role": request.requester_role,
                "requester_name": names.get(request.requested_by_id, ""),
                "reason": request.reason,
                "requested_at": request.created_at,
                **statement_window(request, at),
                "arbitrator_id": incident.arbitrator_id,
                "arbitrator_name": names.get(incident.arbitrator_id, ""),
                "mine": incident.arbitrator_id == actor.id,
                "neutral": incident.id not in conflicted,
                "decision_due_at": decision_clock.due_at if decision_clock else None,
                "version": incident.version,
            }
        )
    return out


def arbitrators(session: Session, actor: Actor, incident_id: int) -> list[dict[str, Any]]:
    """Whom this case may be reassigned to: active arbitrators who stayed neutral in it."""
    authorize(actor, "incident.arbitrate")
    incident = load_incident(session, actor, incident_id)
    users = session.exec(
        select(User).where(col(User.role) == Role.arbitrator, col(User.active) == True).order_by(col(User.name))  # noqa: E712
    ).all()
    return [
        {"id": u.id, "name": u.name}
        for u in users
        if u.id != incident.arbitrator_id and not _neutrality_breaches(session, [incident.id], u.id)
    ]


# --- taking, releasing, reassigning -------------------------------------------------------


def _swap_arbitrator(session: Session, incident: Incident, expected: int | None, new: int | None) -> bool:
    """Set the arbitrator only if it is still `expected`: the atomic step of take/release/reassign."""
    holder = col(Incident.arbitrator_id).is_(None) if expected is None else col(Incident.arbitrator_id) == expected
    result = session.execute(
        sa.update(Incident)
        .where(col(Incident.id) == incident.id, col(Incident.state) == S.in_arbitration.value, holder)
        .values(arbitrator_id=new, updated_at=now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        session.refresh(incident)
        return False
    session.refresh(incident)
    return True


def _arbitration_incident(session: Session, actor: Actor, incident_id: int) -> Incident:
    authorize(actor, "incident.arbitrate")
    return load_incident(session, actor, incident_id, for_update=True)


def _start_decision_clock(session: Session, incident: Incident, at: datetime) -> None:
    clocks.settle_kind(session, incident, clocks.ARBITRATION_DECISION, "cancelled", at)
    clocks.start(
        session,
        incident,
        clocks.ARBITRATION_DECISION,
        "arbitrator",
        dl.arbitration_due_at(at, clocks.calendar_of(incident)),
        at,
    )


def take_case(session: Session, actor: Actor, incident_id: int) -> Result:
    """Assign the case to this arbitrator, who then has 2 business days to decide."""
    incident = _arbitration_incident(session, actor, incident_id)
    before = snapshot(incident) | {"arbitrator_id": incident.arbitrator_id}
    _allowed(incident, Action.take_case, actor, case_facts(session, incident, actor))
    if not _swap_arbitrator(session, incident, None, actor.id):
        raise ServiceError("error.case_already_taken")
    at = now()
    request = open_arbitration(session, incident)
    request.taken_by_id, request.taken_at = actor.id, at
    session.add(request)
    _start_decision_clock(session, incident, at)
    finish(session, incident, actor, "case_taken", before, {"arbitrator_id": actor.id})
    return result_of(incident, request.id)


def _own_case(incident: Incident, actor: Actor) -> None:
    if incident.arbitrator_id != actor.id:
        raise Forbidden("support.error.not_your_case")


def release_case(session: Session, actor: Actor, incident_id: int) -> Result:
    """Give the case back to the queue; the decision clock stops until someone takes it."""
    incident = _arbitration_incident(session, actor, incident_id)
    before = snapshot(incident) | {"arbitrator_id": incident.arbitrator_id}
    _allowed(incident, Action.release_case, actor, case_facts(session, incident, actor))
    _own_case(incident, actor)
    if not _swap_arbitrator(session, incident, actor.id, None):
        raise ServiceError("error.stale_version", current_version=incident.version)
    at = now()
    request = open_arbitration(session, incident)
    request.taken_by_id, request.taken_at = None, None
    session.add(request)
    clocks.settle_kind(session, incident, clocks.ARBITRATION_DECISION, "cancelled", at)
    finish(session, incident, actor, "case_released", before, {"arbitrator_id": None}, notify=["arbitrator"])
    return result_of(incident, request.id)


def reassign_case(session: Session, actor: Actor, incident_id: int, to_arbitrator_id: int) -> Result:
    """Hand the case to another (neutral, active) arbitrator, who gets a fresh 2 business days."""
    incident = _arbitration_incident(session, actor, incident_id)
    before = snapshot(incident) | {"arbitrator_id": incident.arbitrator_id}
    _allowed(incident, Action.reassign_case, actor, case_facts(session, incident, actor))
    target = session.get(User, int(to_arbitrator_id)) if str(to_arbitrator_id).isdigit() else None
    if target is None or target.role != Role.arbitrator or not target.active:
        raise InvalidInput("support.error.not_an_arbitrator")
    if target.id == incident.arbitrator_id:
        raise InvalidInput("support.error.same_arbitrator")
    if _neutrality_breaches(session, [incident.id], target.id):
        raise ServiceError("support.error.target_not_neutral", name=target.name)
    if not _swap_arbitrator(session, incident, incident.arbitrator_id, target.id):
        raise ServiceError("error.stale_version", current_version=incident.version)
    at = now()
    request = open_arbitration(session, incident)
    request.taken_by_id, request.taken_at = target.id, at
    session.add(request)
    _start_decision_clock(session, incident, at)
    finish(
        session,
        incident,
        actor,
        "case_reassigned",
        before,
        {"arbitrator_id": target.id},
        notify=[f"user:{target.id}"],
        arbitrator=target.name,
    )
    return result_of(incident, request.id)


# --- the decision ------------------------------------------------------------------------


@dataclass(frozen=True)
class ObligationDraft:
    """An obligation a decision would create: its holder and default due instant
    (None: starts when a fact is on record, e.g. the customer's return after the label)."""

    kind: str
    holder: str
    label_fr: str
    label_en: str
    due_at: datetime | None
    waits_for: str | None  # catalogue key saying what starts it


def obligation_drafts(outcome: str, at: datetime, incident: Incident) -> list[ObligationDraft]:
    """SPEC section 3 defaults for `outcome`, as the decision form shows them."""
    drafts = []
    for kind in obligations_for(outcome):
        waits_for = _WAITING.get(obligation_start(outcome, kind))
        drafts.append(
            ObligationDraft(
                kind=kind.value,
                holder=OBLIGATION_HOLDER[kind],
                label_fr=OBLIGATION_LABELS[kind][0],
                label_en=OBLIGATION_LABELS[kind][1],
                due_at=None if waits_for else dl.obligation_due_at(kind, at, clocks.calendar_of(incident)),
                waits_for=waits_for,
            )
        )
    return drafts


def decision_form(session: Session, actor: Actor, incident_id: int, outcome: str) -> dict[str, Any]:
    """What the decision form needs for `outcome`: default obligations and what is left to refund."""
    authorize(actor, "incident.arbitrate")
    incident = load_incident(session, actor, incident_id)
    outcome = _outcome(outcome)
    return {
        "refundable_cents": refundable_cents(session, incident),
        "obligations": obligation_drafts(outcome, now(), incident),
    }


def _outcome(value: str) -> str:
    try:
        return DecisionOutcome(value).value
    except ValueError:
        raise InvalidInput("support.error.outcome") from None


def _decision_amount(session: Session, incident: Incident, outcome: str, amount_cents: int | None) -> int | None:
    left = refundable_cents(session, incident)
    if outcome == DecisionOutcome.refund_partial:
        return inputs.amount_cents(amount_cents, at_most=left)
    if outcome in (DecisionOutcome.refund_full, DecisionOutcome.return_and_refund):
        if left <= 0:
            raise InvalidInput("incidents.error.nothing_left_to_refund")
        return left
    return None


def _checked_dues(outcome: str, dues: Mapping[str, datetime | None] | None, at: datetime) -> dict[str, datetime]:
    """The arbitrator's own deadlines: only for this outcome's obligations, aware, in the future
    and within a year."""
    allowed = {k.value for k in obligations_for(outcome)}
    checked = {}
    for kind, due in (dues or {}).items():
        if due is None:
            continue
        if kind not in allowed:
            raise InvalidInput("support.error.obligation_kind")
        checked[kind] = inputs.instant(
            due,
            "support.error.obligation_due",
            earliest=at + timedelta(seconds=1),
            latest=at + timedelta(days=LATEST_DUE_DAYS),
        )
    return checked


def _set_due(session: Session, incident: Incident, ob: Obligation, due_at: datetime, at: datetime) -> None:
    """Replace an obligation's default deadline by the arbitrator's (its clock follows)."""
    ob.due_at = due_at
    session.add(ob)
    row = session.exec(select(Deadline).where(col(Deadline.obligation_id) == ob.id)).first()
    if row is None:
        clocks.start(session, incident, ob.kind, ob.holder, due_at, at, obligation_id=ob.id)
        return
    row.due_at = due_at
    row.at_risk_at = due_at - dl.at_risk_window(at, due_at)
    session.add(row)


def decide(
    session: Session,
    actor: Actor,
    incident_id: int,
    version: int,
    outcome: str,
    amount_cents: int | None,
    rationale: str,
    obligation_dues: Mapping[str, datetime | None] | None = None,
) -> Result:
    """The binding decision: `no_action` closes the case at once (closed/decided); any other
    outcome resolves it with its obligations, whose fulfilment lets the seller close it."""
    incident = _arbitration_incident(session, actor, incident_id)
    check_version(incident, version)
    before = snapshot(incident)
    move = _allowed(incident, Action.decide, actor, case_facts(session, incident, actor))
    _own_case(incident, actor)
    outcome = _outcome(outcome)
    amount = _decision_amount(session, incident, outcome, amount_cents)
    text = inputs.clean_text(rationale, "rationale", limit=RATIONALE_MAX)
    at = now()
    dues = _checked_dues(outcome, obligation_dues, at)
    request = open_arbitration(session, incident)
    decision = Decision(
        incident_id=incident.id,
        arbitration_id=request.id,
        arbitrator_id=actor.user_id,
        outcome=outcome,
        amount_cents=amount,
        rationale=text,
        created_at=at,
    )
    session.add(decision)
    request.decided_at = at
    session.add(request)
    session.flush()
    _apply(incident, move)
    clocks.meet(session, incident, clocks.ARBITRATION_DECISION, at)
    clocks.settle_kind(session, incident, clocks.STATEMENT, "cancelled", at)
    incident.resolved_at = at
    if outcome == DecisionOutcome.no_action:
        close(session, incident, at)
    else:
        for ob in apply_solution(session, incident, "decision", decision.id, outcome, amount, at):
            if ob.kind in dues:
                _set_due(session, incident, ob, dues[ob.kind], at)
    finish(
        session,
        incident,
        actor,
        "decided",
        before,
        {"decision_id": decision.id, "outcome": outcome, "amount_cents": amount},
        notify=["customer", "shop"],
        outcome=outcome,
        amount_cents=amount,
    )
    return result_of(incident, decision.id)


def decision_of(session: Session, actor: Actor, incident_id: int) -> dict[str, Any] | None:
    """The decision as both parties and staff see it (read-only), or None before one."""
    incident = load_incident(session, actor, incident_id)
    decision = session.exec(
        select(Decision).where(col(Decision.incident_id) == incident.id).order_by(col(Decision.id).desc())
    ).first()
    if decision is None:
        return None
    obligations = session.exec(
        select(Obligation)
        .where(col(Obligation.source) == "decision", col(Obligation.source_id) == decision.id)
        .order_by(col(Obligation.id))
    ).all()
    fr, en = SOLUTION_LABELS[decision.outcome]
    return {
        "id": decision.id,
        "outcome": decision.outcome,
        "outcome_fr": fr,
        "outcome_en": en,
        "amount_cents": decision.amount_cents,
        "rationale": decision.rationale,
        "decided_at": decision.created_at,
        "obligations": [_obligation_view(ob) for ob in obligations],
    }


def _obligation_view(ob: Obligation) -> dict[str, Any]:
    fr, en = OBLIGATION_LABELS[ob.kind]
    return {
        "kind": ob.kind,
        "holder": ob.holder,
        "label_fr": fr,
        "label_en": en,
        "amount_cents": ob.amount_cents,
        "due_at": ob.due_at,
        "met_at": ob.met_at,
        "cancelled_at": ob.cancelled_at,
    }


# --- the case file -----------------------------------------------------------------------


def _deadline_record(row: Deadline, at: datetime) -> dict[str, Any]:
    """One clock as the arbitrator judges it: met or breached, and by how much (still
    running clocks count until now; frozen ones only say that they were breached)."""
    late_by = None
    if row.met_at is not None and dl.is_overdue(row.due_at, row.met_at):
        late_by = row.met_at - row.due_at
    elif clocks.is_open(row) and clocks.was_breached(row, at):
        late_by = at - row.due_at
    return {
        "kind": row.kind,
        "holder": row.holder,
        "due_at": row.due_at,
        "met_at": row.met_at,
        "breached": clocks.was_breached(row, at),
        "state": row.state,
        "late_seconds": int(late_by.total_seconds()) if late_by is not None else None,
    }


def case_file(session: Session, actor: Actor, incident_id: int) -> dict[str, Any]:
    """Everything on one screen: order, listing, shipment, inquiries, timeline, every message
    and internal note, evidence, proposals and answers, each party's deadline record, flags,
    the arbitration request, the statement and the decision."""
    authorize(actor, "incident.view_internal")
    incident = load_incident(session, actor, incident_id)
    at = now()
    order = existing(session, CustomerOrder, incident.order_id)
    line = existing(session, OrderLine, incident.order_line_id)
    listing = existing(session, Listing, incident.listing_id)
    shop = existing(session, Shop, incident.shop_id)
    customer = existing(session, User, incident.customer_id)
    shipment = session.exec(select(Shipment).where(col(Shipment.order_id) == order.id)).first()

    def rows(model: Any, *order_by: Any) -> list[Any]:
        return list(session.exec(select(model).where(model.incident_id == incident.id).order_by(*order_by)).all())

    messages = rows(Message, col(Message.created_at), col(Message.id))
    evidence = rows(Evidence, col(Evidence.id))
    events = rows(IncidentEvent, col(IncidentEvent.id))
    requests = rows(ArbitrationRequest, col(ArbitrationRequest.id))
    names = _names(
        session,
        {m.author_id for m in messages}
        | {e.actor_id for e in events}
        | {r.requested_by_id for r in requests}
        | {incident.arbitrator_id}
        | {ev.uploader_id for ev in evidence},
    )
    roles = {m.author_id: m.author_role for m in messages} | {incident.customer_id: Role.customer.value}
    files_by_message: dict[int | None, list[dict[str, Any]]] = {}
    for ev in evidence:
        # Who gave each piece and when: the arbitrator weighs a photo by its giver and its date.
        files_by_message.setdefault(ev.message_id, []).append(
            {
                "id": ev.id,
                "filename": ev.filename,
                "content_type": ev.content_type,
                "size": ev.size,
                "is_image": ev.content_type.startswith("image/"),
                "url": f"/api/evidence/{ev.id}",
                "purpose": ev.purpose,
                "given_by": names.get(ev.uploader_id, ""),
                "given_by_role": roles.get(ev.uploader_id, ""),
                "given_at": ev.created_at,
            }
        )
    request = requests[-1] if requests else None
    flags = session.exec(
        select(ListingFlag).where(col(ListingFlag.listing_id) == listing.id).order_by(col(ListingFlag.id))
    ).all()
    policy = type_policy(incident.type)
    return {
        "incident": {
            "id": incident.id,
            "reference": incident.reference,
            "type": incident.type,
            "type_fr": policy.label_fr,
            "type_en": policy.label_en,
            "state": incident.state,
            "outcome": incident.outcome,
            "description": incident.description,
            "opened_at": incident.opened_at,
            "version": incident.version,
            "arbitrator_id": incident.arbitrator_id,
            "arbitrator_name": names.get(incident.arbitrator_id, ""),
            "mine": incident.arbitrator_id == actor.id,
        },
        "order": {
            "reference": order.reference,
            "placed_at": order.placed_at,
            "shipping_address": order.shipping_address,
            "quantity": line.quantity,
            "total_cents": line.total_cents,
            "refundable_cents": refundable_cents(session, incident),
        },
        "customer": {"name": customer.name, "email": customer.email},
        "shop": {"name": shop.name},
        "listing": {
            "id": listing.id,
            "sku": listing.sku,
            "title": listing.title,
            "description": listing.description,
            "price_cents": listing.price_cents,
        },
        "shipment": None
        if shipment is None
        else {
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "state": shipment.state,
            "shipped_at": shipment.shipped_at,
            "delivered_at": shipment.delivered_at,
        },
        "inquiries": [
            {
                "carrier": c.carrier,
                "reference": c.reference,
                "opened_at": c.opened_at,
                "outcome": c.outcome,
                "outcome_at": c.outcome_at,
            }
            for c in rows(CarrierInquiry, col(CarrierInquiry.id))
        ],
        "messages": [
            {
                "id": m.id,
                "author": names.get(m.author_id, ""),
                "author_role": m.author_role,
                "kind": m.kind,
                "visibility": m.visibility,
                "body": m.body,
                "channel": m.channel,
                "counterpart": m.counterpart,
                "occurred_at": m.occurred_at,
                "created_at": m.created_at,
                "files": files_by_message.get(m.id, []),
            }
            for m in messages
        ],
        "evidence": sorted((f for files in files_by_message.values() for f in files), key=lambda f: f["id"]),
        "timeline": [
            {
                "kind": e.kind,
                "actor": names.get(e.actor_id, ""),
                "actor_role": e.actor_role,
                "at": e.at,
                "before": e.before,
                "after": e.after,
            }
            for e in events
        ],
        "proposals": [
            {
                "solution": p.solution,
                "amount_cents": p.amount_cents,
                "message": p.message,
                "status": p.status,
                **refusal_of(p),
                "created_at": p.created_at,
                "answered_at": p.answered_at,
            }
            for p in rows(Proposal, col(Proposal.id))
        ],
        "deadlines": [_deadline_record(r, at) for r in clocks.clocks_of(session, incident)],
        "flags": [
            {
                "reason": f.reason,
                "details": f.details,
                "status": f.status,
                "created_at": f.created_at,
                "resolution_note": f.resolution_note,
                "this_case": f.incident_id == incident.id,
            }
            for f in flags
        ],
        "arbitration": None
        if request is None
        else {
            "requester_role": request.requester_role,
            "requester_name": names.get(request.requested_by_id, ""),
            "reason": request.reason,
            "requested_at": request.created_at,
            "statement": request.statement,
            "statement_at": request.statement_at,
            "taken_at": request.taken_at,
            "withdrawn_at": request.withdrawn_at,
            **statement_window(request, at),
        },
        "decision": decision_of(session, actor, incident.id),
        "neutral": not _neutrality_breaches(session, [incident.id], actor.user_id),
    }
