"""Every lifecycle action on an incident (SPEC sections 2–4).

Why one shape for all: each action loads the incident as the actor may see it, authorizes,
asks `lifecycle.transition` with facts read from the database, checks the version for state
changes (never for messages), writes its rows, appends an event with the state before and
after, refreshes the clocks and notifies. Pages and the sweep never change an incident any
other way.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pixmania_incidents import deadlines as dl
from pixmania_incidents.calendar import PARIS, BusinessCalendar
from pixmania_incidents.i18n import norm_locale
from pixmania_incidents.lifecycle import Action, CaseFacts, Transition, TransitionError, transition
from pixmania_incidents.models import (
    ArbitrationRequest,
    ChecklistItem,
    ClosedOutcome,
    CustomerOrder,
    Decision,
    Evidence,
    Incident,
    Lesson,
    Message,
    Obligation,
    OrderLine,
    Proposal,
    Rating,
    Role,
    Shipment,
    Shop,
)
from pixmania_incidents.models import (
    IncidentState as S,
)
from pixmania_incidents.policy import (
    OBLIGATION_LABELS,
    EvidenceKind,
    ObligationKind,
    Solution,
    StepAction,
    type_policy,
)
from pixmania_incidents.services import clocks, inputs, notifications
from pixmania_incidents.services import evidence as evidence_files
from pixmania_incidents.services.common import (
    Actor,
    InvalidInput,
    NotFound,
    ServiceError,
    authorize,
    check_version,
    existing,
    load_incident,
    now,
    record_event,
)
from pixmania_incidents.services.evidence import Checked, Upload
from pixmania_incidents.services.inputs import clean_text
from pixmania_incidents.vocabulary import OUTSIDE_CHANNELS, ROOT_CAUSES

#: Solutions after which the item may fail again, so the customer may open a new incident.
_REOPENABLE = frozenset({Solution.replacement, Solution.reship})
#: The reason a proposal refused by an arbitration request records (a catalogue key the views
#: flag as `refused_by_arbitration`): the request's own reason stays on the request (SPEC 8.4).
REFUSED_BY_ARBITRATION = "incidents.proposal.refused_by_arbitration"
#: The refusal naming the evidence an opening lacks (SPEC 8.3).
_EVIDENCE_REQUIRED = {
    EvidenceKind.photo: "incidents.error.photo_required",
    EvidenceKind.document: "incidents.error.document_required",
}


@dataclass(frozen=True)
class Result:
    """What every action returns: enough for the page to refresh the right rooms."""

    incident_id: int
    reference: str
    state: str
    version: int
    shop_id: int
    customer_id: int
    id: int | None = None  # the row the action created (message, proposal, ...)


def result_of(incident: Incident, row_id: int | None = None) -> Result:
    return Result(
        incident.id,
        incident.reference,
        incident.state,
        incident.version,
        incident.shop_id,
        incident.customer_id,
        row_id,
    )


# --- shared steps ------------------------------------------------------------------------


def snapshot(incident: Incident) -> dict[str, Any]:
    return {"state": incident.state, "version": incident.version, "outcome": incident.outcome}


def _allowed(incident: Incident, action: Action, actor: Actor, facts: CaseFacts) -> Transition:
    """The lifecycle's verdict, as a refusal the interface can show."""
    try:
        return transition(incident.state, action, actor.role, facts)
    except TransitionError as exc:
        raise ServiceError(exc.code, **exc.params) from None


def _apply(incident: Incident, move: Transition) -> None:
    """Enter the new state (a new version), once every input was checked."""
    if move.to is not None and move.to != incident.state:
        incident.state = move.to.value
        incident.version += 1
        if move.outcome is not None:
            incident.outcome = move.outcome.value


def finish(
    session: Session,
    incident: Incident,
    actor: Actor,
    event: str,
    before: dict[str, Any],
    after: dict[str, Any] | None = None,
    *,
    notify: Sequence[str] = (),
    **params: Any,
) -> None:
    """Event (state before/after), clocks, notifications: the tail of every action."""
    at = now()
    incident.updated_at = at
    session.add(incident)
    session.flush()
    record_event(session, incident, actor, event, before, {**snapshot(incident), **(after or {})})
    clocks.announce(session, incident, clocks.refresh(session, incident, at))
    if notify:
        notifications.notify(session, event, incident, notify, actor, **params)


def incident_for(session: Session, actor: Actor, incident_id: int, permission: str) -> Incident:
    incident = load_incident(session, actor, incident_id, for_update=True)
    authorize(actor, permission, incident)
    return incident


def _label(pair: tuple[str, str], locale: str) -> str:
    return pair[1] if norm_locale(locale) == "en" else pair[0]


def case_facts(session: Session, incident: Incident, actor: Actor) -> CaseFacts:
    """What the lifecycle guards need, read from the database; names in the actor's locale."""
    at = now()
    proposals = session.exec(select(col(Proposal.status)).where(col(Proposal.incident_id) == incident.id)).all()
    policy = type_policy(incident.type)
    rows = clocks.clocks_of(session, incident)
    seller_obligation_breached = any(
        clocks.was_breached(row, at) for row in rows if row.obligation_id is not None and row.holder == "seller"
    )
    return_missed = any(
        clocks.is_open(row) and clocks.was_breached(row, at)
        for row in rows
        if row.kind == ObligationKind.customer_return
    )
    obligations = clocks.open_obligations(session, incident)
    posted_as_support = (
        actor.id is not None
        and session.exec(
            select(col(Message.id)).where(
                col(Message.incident_id) == incident.id,
                col(Message.author_id) == actor.id,
                col(Message.kind).in_(("assist", "internal")),
            )
        ).first()
        is not None
    )
    steps = session.exec(
        select(ChecklistItem)
        .where(
            col(ChecklistItem.incident_id) == incident.id,
            col(ChecklistItem.mandatory).is_(True),
            col(ChecklistItem.done_at) == None,  # noqa: E711,E712
        )
        .order_by(col(ChecklistItem.position))
    ).all()
    return CaseFacts(
        seller_proposal_refused="refused" in proposals,
        pending_proposal="pending" in proposals,
        response_breached=clocks.was_breached(clocks.latest(session, incident, clocks.RESPONSE), at),
        resolution_breached=clocks.was_breached(clocks.latest(session, incident, clocks.RESOLUTION), at),
        seller_obligation_breached=seller_obligation_breached,
        decided=_decided(session, incident),
        arbitration_from_resolved=incident.state == S.in_arbitration and incident.resolved_at is not None,
        return_missed=return_missed,
        arbitrator_id=incident.arbitrator_id,
        actor_posted_as_support=posted_as_support,
        open_obligations=tuple(_label(OBLIGATION_LABELS[ob.kind], actor.locale) for ob in obligations),
        open_seller_obligations=tuple(
            _label(OBLIGATION_LABELS[ob.kind], actor.locale) for ob in obligations if ob.holder == "seller"
        ),
        open_mandatory_steps=tuple(
            _label((s.fr, s.en), actor.locale) for s in (policy.step(item.step_code) for item in steps)
        ),
    )


def _decided(session: Session, incident: Incident) -> bool:
    return session.exec(select(col(Decision.id)).where(col(Decision.incident_id) == incident.id)).first() is not None


def pending_proposal(session: Session, incident: Incident) -> Proposal | None:
    return session.exec(
        select(Proposal).where(col(Proposal.incident_id) == incident.id, col(Proposal.status) == "pending")
    ).first()


def require_active(incident: Incident) -> None:
    if incident.state == S.closed:
        raise ServiceError("incidents.error.closed")


def auto_tick(session: Session, incident: Incident, actor: Actor, action: StepAction) -> list[str]:
    """Tick the playbook steps that performing `action` completes; returns their codes."""
    policy = type_policy(incident.type)
    ticked = []
    items = session.exec(
        select(ChecklistItem).where(col(ChecklistItem.incident_id) == incident.id, col(ChecklistItem.done_at) == None)  # noqa: E711
    ).all()
    for item in items:
        if policy.step(item.step_code).ticked_by(action):
            item.done_at = now()
            item.done_by_id = actor.id
            session.add(item)
            ticked.append(item.step_code)
    if ticked:
        record_event(
            session, incident, actor, "checklist_auto_ticked", {}, {"steps": ticked, "by_action": action.value}
        )
    return ticked


def respond(session: Session, incident: Incident, actor: Actor) -> bool:
    """Count the seller's first customer-visible act as the response (open -> in_progress).

    Returns whether this act was the response."""
    if incident.first_response_at is not None:
        return False
    at = now()
    incident.first_response_at = at
    clocks.meet(session, incident, clocks.RESPONSE, at)
    if incident.state == S.open:
        _apply(incident, _allowed(incident, Action.respond, actor, CaseFacts()))
    return True


# --- refunds: what is left on a line ------------------------------------------------------


def refunded_on_line(session: Session, order_line_id: int) -> int:
    return int(session.exec(select(col(OrderLine.refunded_cents)).where(col(OrderLine.id) == order_line_id)).one())


def take_refund(session: Session, order_line_id: int, amount_cents: int) -> bool:
    """Count a refund on its line unless the line's refunds would pass its total.

    The database decides, in one conditional UPDATE (and a CHECK behind it): two refunds
    racing on the same line, from one incident or two, cannot both pass."""
    taken = session.execute(
        sa.update(OrderLine)
        .where(
            col(OrderLine.id) == order_line_id,
            col(OrderLine.refunded_cents) + amount_cents <= col(OrderLine.total_cents),
        )
        .values(refunded_cents=col(OrderLine.refunded_cents) + amount_cents)
        .execution_options(synchronize_session="fetch")
    )
    return taken.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE's CursorResult


def refundable_cents(session: Session, incident: Incident) -> int:
    """The line total minus refunds recorded and refunds already agreed but not yet paid."""
    line = existing(session, OrderLine, incident.order_line_id)
    promised = 0
    obligations = session.exec(
        select(Obligation)
        .join(Incident, col(Incident.id) == col(Obligation.incident_id))
        .where(
            col(Incident.order_line_id) == line.id,
            col(Obligation.kind) == ObligationKind.refund,
            col(Obligation.met_at).is_(None),
            col(Obligation.cancelled_at).is_(None),
        )
    ).all()
    for ob in obligations:
        owner = existing(session, Incident, ob.incident_id)
        promised += max(0, (ob.amount_cents or 0) - clocks.refunded_since(session, owner, ob.created_at))
    return max(0, line.total_cents - refunded_on_line(session, line.id) - promised)


# --- opening -----------------------------------------------------------------------------


def shop_calendar(shop: Shop) -> BusinessCalendar:
    return BusinessCalendar.stored(
        shop.calendar_kind, shop.subdiv, shop.closed_days or (), shop.work_start, shop.work_end
    )


def opening_refusal(session: Session, line: OrderLine, type: str) -> ServiceError | None:
    """Why the customer may not open an incident of `type` on `line` now, or None.

    Refused while one is not closed, after a binding decision, and after an agreed outcome
    other than a replacement or reship (the new item may fail too), and after a proposal
    left unanswered; a withdrawn case may be reopened."""
    shipment = session.exec(select(Shipment).where(col(Shipment.order_id) == line.order_id)).first()
    if shipment is None or shipment.state not in ("shipped", "delivered"):
        return InvalidInput("incidents.error.not_shipped")
    previous = session.exec(
        select(Incident)
        .where(col(Incident.order_line_id) == line.id, col(Incident.type) == type)
        .order_by(col(Incident.id))
    ).all()
    for old in previous:
        ref = {"reference": old.reference, "incident_id": old.id}
        if old.state != S.closed:
            return ServiceError("incidents.error.already_open", **ref)
        if _decided(session, old):
            return ServiceError("incidents.error.decided", **ref)
        if old.outcome == ClosedOutcome.withdrawn:
            continue
        if old.outcome == ClosedOutcome.no_customer_reply:
            return ServiceError("incidents.error.lapsed", **ref)
        accepted = session.exec(
            select(col(Proposal.solution)).where(
                col(Proposal.incident_id) == old.id, col(Proposal.status) == "accepted"
            )
        ).first()
        if accepted not in _REOPENABLE:
            return ServiceError("incidents.error.already_settled", **ref)
    return None


def _new_reference(session: Session, at: datetime) -> str:
    year = at.astimezone(PARIS).year
    while True:
        reference = f"INC-{year}-{secrets.randbelow(1_000_000):06d}"
        if session.exec(select(col(Incident.id)).where(col(Incident.reference) == reference)).first() is None:
            return reference


def open_incident(
    session: Session,
    actor: Actor,
    order_line_id: int,
    type: str,
    description: str,
    evidence: Sequence[Upload] = (),
    wanted: str | None = None,
) -> Result:
    """Open a case; `wanted` is what the customer asks for, among the solutions the policy
    offers for this type (SPEC: the marketplace's anchors), or None for no preference."""
    authorize(actor, "incident.open")
    try:
        policy = type_policy(type)
    except ValueError:
        raise InvalidInput("incidents.error.unknown_type") from None
    if wanted is not None and wanted not in {s.value for s in policy.solutions}:
        raise InvalidInput("incidents.error.unknown_wish")
    line = session.get(OrderLine, order_line_id)
    order = existing(session, CustomerOrder, line.order_id) if line is not None else None
    if line is None or order is None or order.customer_id != actor.id:
        raise NotFound()
    description = clean_text(description, "description")
    files = evidence_files.check_all(list(evidence))
    if missing := policy.missing_evidence(f.evidence_kind for f in files):
        raise InvalidInput(_EVIDENCE_REQUIRED[min(missing)])
    if (refusal := opening_refusal(session, line, policy.code)) is not None:
        raise refusal
    at = now()
    shop = existing(session, Shop, order.shop_id)
    cal = shop_calendar(shop)
    incident = Incident(
        reference=_new_reference(session, at),
        type=policy.code.value,
        order_line_id=line.id,
        order_id=order.id,
        shop_id=order.shop_id,
        listing_id=line.listing_id,
        customer_id=actor.id,
        description=description,
        wanted=wanted,
        calendar=cal.to_dict(),
        opened_at=at,
        updated_at=at,
    )
    session.add(incident)
    session.flush()
    for position, step in enumerate(policy.checklist):
        session.add(
            ChecklistItem(incident_id=incident.id, position=position, step_code=step.code, mandatory=step.mandatory)
        )
    evidence_files.store(session, actor, incident, files, purpose="opening")
    clocks.start(
        session, incident, clocks.RESPONSE, "seller", dl.response_due_at(at), at, at_risk_at=dl.response_target_at(at)
    )
    clocks.start(session, incident, clocks.RESOLUTION, "seller", dl.resolution_due_at(policy.code, at, cal), at)
    finish(
        session,
        incident,
        actor,
        "opened",
        {},
        {"type": incident.type, "wanted": wanted},
        notify=["shop"],
        type=incident.type,
    )
    return result_of(incident)


def find_case(session: Session, actor: Actor, key: str) -> int:
    """The case a page address names: its public reference (`INC-2026-155915`, as people read
    and quote it) or, from older links, its number. `NotFound` when there is no such case or
    this actor may not see it, alike."""
    key = key.strip()
    if key.isdigit() and len(key) < 12:
        found = session.exec(select(Incident.id).where(Incident.id == int(key))).first()
    else:
        found = session.exec(select(Incident.id).where(Incident.reference == key.upper())).first()
    if found is None:
        raise NotFound()
    return load_incident(session, actor, found).id


def mark_viewed(session: Session, actor: Actor, incident_id: int) -> Result:
    """The seller's first look at the case (shown to support; not a response)."""
    incident = load_incident(session, actor, incident_id)
    if actor.role == Role.seller and incident.first_viewed_at is None:
        incident.first_viewed_at = now()
        finish(session, incident, actor, "first_viewed", snapshot(incident))
    return result_of(incident)


# --- the thread --------------------------------------------------------------------------


def _add_message(
    session: Session,
    incident: Incident,
    actor: Actor,
    body: str,
    kind: str,
    visibility: str = "public",
    files: Sequence[Checked] = (),
    **extra: Any,
) -> Message:
    message = Message(
        incident_id=incident.id,
        author_id=actor.id,
        author_role=actor.role,
        kind=kind,
        visibility=visibility,
        body=body,
        created_at=now(),
        **extra,
    )
    session.add(message)
    session.flush()
    evidence_files.store(session, actor, incident, files, purpose=kind, message_id=message.id)
    return message


def post_message(
    session: Session,
    actor: Actor,
    incident_id: int,
    body: str,
    evidence: Sequence[Upload] = (),
    visibility: str = "public",
) -> Result:
    """A message in the thread; no version needed. The seller's first one is the response.

    Support and arbitrators post "assist" messages; `visibility="internal"` is a staff note."""
    incident = load_incident(session, actor, incident_id, for_update=True)
    if visibility == "internal":
        authorize(actor, "incident.internal_note", incident)
        kind = "internal"
    elif visibility == "public":
        authorize(actor, "incident.message", incident)
        kind = "assist" if actor.role in (Role.support, Role.arbitrator) else "message"
        require_active(incident)
    else:
        raise InvalidInput("incidents.error.visibility")
    body = clean_text(body, "body", required=not evidence)
    files = evidence_files.check_all(list(evidence))
    before = snapshot(incident)
    message = _add_message(session, incident, actor, body, kind, visibility, files)
    responded = False
    if actor.role == Role.seller:
        responded = respond(session, incident, actor)
        auto_tick(session, incident, actor, StepAction.public_message)
    by_role: dict[str, list[str]] = {
        Role.customer: ["shop"],
        Role.seller: ["customer"],
        Role.support: ["customer", "shop"],
        Role.arbitrator: ["customer", "shop"],
    }
    audiences = by_role.get(actor.role, []) if kind != "internal" else []
    finish(
        session,
        incident,
        actor,
        "internal_note" if kind == "internal" else "message",
        before,
        {"message_id": message.id, "kind": kind, "response": responded},
        notify=audiences,
        message_id=message.id,
    )
    return result_of(incident, message.id)


def record_outside_exchange(
    session: Session,
    actor: Actor,
    incident_id: int,
    channel: str,
    occurred_at: datetime,
    counterpart: str,
    summary: str,
) -> Result:
    """A phone call or e-mail held outside the desk, documented for the case file.

    Seen by the shop and staff only, so it is not the response."""
    incident = incident_for(session, actor, incident_id, "incident.seller_act")
    require_active(incident)
    if channel not in OUTSIDE_CHANNELS:
        raise InvalidInput("incidents.error.channel")
    order = existing(session, CustomerOrder, incident.order_id)
    occurred_at = inputs.instant(occurred_at, "incidents.error.occurred_at", earliest=order.placed_at, latest=now())
    summary, counterpart = clean_text(summary, "summary"), clean_text(counterpart, "counterpart", limit=120)
    message = _add_message(
        session,
        incident,
        actor,
        summary,
        "outside_exchange",
        "shop",
        channel=channel,
        counterpart=counterpart,
        occurred_at=occurred_at,
    )
    finish(
        session, incident, actor, "outside_exchange", snapshot(incident), {"message_id": message.id, "channel": channel}
    )
    return result_of(incident, message.id)


# --- proposals ---------------------------------------------------------------------------


def propose(
    session: Session,
    actor: Actor,
    incident_id: int,
    version: int,
    solution: str,
    amount_cents: int | None,
    message: str,
) -> Result:
    incident = incident_for(session, actor, incident_id, "incident.seller_act")
    check_version(incident, version)
    before = snapshot(incident)
    move = _allowed(incident, Action.propose, actor, case_facts(session, incident, actor))
    policy = type_policy(incident.type)
    if solution not in policy.solutions:
        raise InvalidInput("incidents.error.solution_not_offered", solution=solution)
    left = refundable_cents(session, incident)
    if solution == Solution.refund_partial:
        amount = inputs.amount_cents(amount_cents, at_most=left)
    elif solution in (Solution.refund_full, Solution.return_and_refund):
        if left <= 0:
            raise InvalidInput("incidents.error.nothing_left_to_refund")
        amount = left
    else:
        amount = None
    text = clean_text(message, "message")
    _apply(incident, move)
    at = now()
    proposal = Proposal(
        incident_id=incident.id,
        seller_id=actor.user_id,
        solution=solution,
        amount_cents=amount,
        message=text,
        created_at=at,
    )
    session.add(proposal)
    session.flush()
    respond(session, incident, actor)
    auto_tick(session, incident, actor, StepAction.proposal)
    clocks.start(
        session,
        incident,
        clocks.CUSTOMER_ANSWER,
        "customer",
        dl.customer_answer_due_at(at, clocks.calendar_of(incident)),
        at,
    )
    clocks.pause(session, incident, clocks.RESOLUTION, at)
    finish(
        session,
        incident,
        actor,
        "proposed",
        before,
        {"proposal_id": proposal.id, "solution": solution, "amount_cents": amount},
        notify=["customer"],
        solution=solution,
        amount_cents=amount,
    )
    return result_of(incident, proposal.id)


def refusal_of(proposal: Proposal) -> dict[str, Any]:
    """A proposal's refusal as the pages show it: the customer's own words, or that an
    arbitration request refused it (labelled with the `REFUSED_BY_ARBITRATION` key)."""
    by_arbitration = proposal.refusal_reason == REFUSED_BY_ARBITRATION
    return {
        "refusal_reason": None if by_arbitration else proposal.refusal_reason,
        "refused_by_arbitration": by_arbitration,
    }


def _pending_or_refuse(session: Session, incident: Incident) -> Proposal:
    proposal = pending_proposal(session, incident)
    if proposal is None:
        raise ServiceError("incidents.error.no_pending_proposal")
    return proposal


def accept(session: Session, actor: Actor, incident_id: int, version: int) -> Result:
    """The customer agrees: resolution met at the proposal's instant, obligations start."""
    incident = incident_for(session, actor, incident_id, "incident.customer_act")
    check_version(incident, version)
    before = snapshot(incident)
    move = _allowed(incident, Action.accept, actor, case_facts(session, incident, actor))
    proposal = _pending_or_refuse(session, incident)
    _apply(incident, move)
    at = now()
    proposal.status, proposal.answered_at = "accepted", at
    session.add(proposal)
    incident.resolved_at = at
    clocks.meet(session, incident, clocks.CUSTOMER_ANSWER, at)
    clocks.meet(session, incident, clocks.RESOLUTION, proposal.created_at)
    apply_solution(session, incident, "proposal", proposal.id, proposal.solution, proposal.amount_cents, at)
    finish(
        session,
        incident,
        actor,
        "accepted",
        before,
        {"proposal_id": proposal.id, "solution": proposal.solution},
        notify=["shop"],
        solution=proposal.solution,
    )
    return result_of(incident, proposal.id)


def apply_solution(
    session: Session,
    incident: Incident,
    source: str,
    source_id: int,
    solution: str,
    amount_cents: int | None,
    at: datetime,
) -> list[Obligation]:
    """Obligations of an accepted or decided solution; the steps tied to it become mandatory."""
    policy = type_policy(incident.type)
    items = session.exec(select(ChecklistItem).where(col(ChecklistItem.incident_id) == incident.id)).all()
    for item in items:
        if not item.mandatory and policy.step(item.step_code).is_required(solution):
            item.mandatory = True
            session.add(item)
    return clocks.create_obligations(session, incident, source, source_id, solution, amount_cents, at)


def refuse(session: Session, actor: Actor, incident_id: int, version: int, reason: str) -> Result:
    """The customer refuses: back to in_progress, resolution judged against its original due."""
    incident = incident_for(session, actor, incident_id, "incident.customer_act")
    check_version(incident, version)
    before = snapshot(incident)
    move = _allowed(incident, Action.refuse, actor, case_facts(session, incident, actor))
    proposal = _pending_or_refuse(session, incident)
    reason = clean_text(reason, "reason", limit=2000)
    _apply(incident, move)
    at = now()
    proposal.status, proposal.answered_at, proposal.refusal_reason = "refused", at, reason
    session.add(proposal)
    clocks.meet(session, incident, clocks.CUSTOMER_ANSWER, at)
    clocks.resume(session, incident, clocks.RESOLUTION)
    finish(
        session,
        incident,
        actor,
        "refused",
        before,
        {"proposal_id": proposal.id, "reason": reason},
        notify=["shop"],
        reason=reason,
    )
    return result_of(incident, proposal.id)


def withdraw(session: Session, actor: Actor, incident_id: int, version: int) -> Result:
    """The customer drops the case (any time before it is resolved)."""
    incident = incident_for(session, actor, incident_id, "incident.customer_act")
    check_version(incident, version)
    before = snapshot(incident)
    was_in_arbitration = incident.state == S.in_arbitration
    _apply(incident, _allowed(incident, Action.withdraw, actor, case_facts(session, incident, actor)))
    at = now()
    proposal = pending_proposal(session, incident)
    if proposal is not None:
        proposal.status, proposal.answered_at = "cancelled", at
        session.add(proposal)
    incident.closed_at = at
    clocks.settle_all(session, incident, "cancelled", at)
    finish(
        session, incident, actor, "withdrawn", before, notify=["shop", "arbitrator"] if was_in_arbitration else ["shop"]
    )
    return result_of(incident)


def withdraw_arbitration(session: Session, actor: Actor, incident_id: int, version: int) -> Result:
    """The customer takes back an arbitration requested after the case was resolved (a seller
    obligation breached): the case returns to `resolved` with every obligation as it was (SPEC 8.5)."""
    incident = incident_for(session, actor, incident_id, "incident.customer_act")
    check_version(incident, version)
    before = snapshot(incident)
    move = _allowed(incident, Action.withdraw_arbitration, actor, case_facts(session, incident, actor))
    at = now()
    request = open_arbitration(session, incident)
    request.withdrawn_at = at
    session.add(request)
    arbitrator = "arbitrator" if incident.arbitrator_id is None else f"user:{incident.arbitrator_id}"
    incident.arbitrator_id = None
    _apply(incident, move)
    clocks.settle_kind(session, incident, clocks.STATEMENT, "cancelled", at)
    clocks.settle_kind(session, incident, clocks.ARBITRATION_DECISION, "cancelled", at)
    finish(
        session,
        incident,
        actor,
        "arbitration_withdrawn",
        before,
        {"arbitration_id": request.id},
        notify=["shop", arbitrator],
    )
    return result_of(incident, request.id)


def request_help(session: Session, actor: Actor, incident_id: int, message: str = "") -> Result:
    """Either party calls support in; the state does not change."""
    incident = incident_for(session, actor, incident_id, "incident.party_act")
    before = snapshot(incident)
    _allowed(incident, Action.request_help, actor, case_facts(session, incident, actor))
    text = clean_text(message, "message", required=False, limit=2000)
    incident.help_requested_at = now()
    finish(session, incident, actor, "help_requested", before, {"message": text}, notify=["support"], message=text)
    return result_of(incident)


# --- arbitration -------------------------------------------------------------------------


def request_arbitration(
    session: Session,
    actor: Actor,
    incident_id: int,
    version: int,
    reason: str,
    evidence: Sequence[Upload] = (),
) -> Result:
    """Either party asks level 2 to decide. A reason is required, and evidence unless the
    requester already attached some to the case; a pending proposal counts as refused."""
    incident = incident_for(session, actor, incident_id, "incident.party_act")
    check_version(incident, version)
    before = snapshot(incident)
    move = _allowed(incident, Action.request_arbitration, actor, case_facts(session, incident, actor))
    reason = clean_text(reason, "reason")
    files = evidence_files.check_all(list(evidence))
    has_evidence = (
        session.exec(
            select(col(Evidence.id)).where(
                col(Evidence.incident_id) == incident.id, col(Evidence.uploader_id) == actor.id
            )
        ).first()
        is not None
    )
    if not evidence and not has_evidence:
        raise InvalidInput("incidents.error.evidence_required")
    _apply(incident, move)
    at = now()
    proposal = pending_proposal(session, incident)
    if proposal is not None:
        proposal.status, proposal.answered_at, proposal.refusal_reason = "refused", at, REFUSED_BY_ARBITRATION
        session.add(proposal)
        clocks.settle_kind(session, incident, clocks.CUSTOMER_ANSWER, "escalated", at)
    message = _add_message(session, incident, actor, reason, "arbitration_request", "public", files)
    cal = clocks.calendar_of(incident)
    request = ArbitrationRequest(
        incident_id=incident.id,
        requested_by_id=actor.user_id,
        requester_role=actor.role,
        reason=reason,
        created_at=at,
        statement_due_at=dl.statement_due_at(at, cal),
    )
    session.add(request)
    session.flush()
    clocks.resume(session, incident, clocks.RESOLUTION)
    clocks.settle_kind(session, incident, clocks.RESOLUTION, "escalated", at)
    clocks.settle_kind(session, incident, clocks.RESPONSE, "escalated", at)
    other = "seller" if actor.role == Role.customer else "customer"
    clocks.start(session, incident, clocks.STATEMENT, other, request.statement_due_at, at)
    finish(
        session,
        incident,
        actor,
        "arbitration_requested",
        before,
        {"arbitration_id": request.id, "message_id": message.id, "by": actor.role},
        notify=["support", "shop" if other == "seller" else "customer"],
        reason=reason,
    )
    return result_of(incident, request.id)


def current_arbitration(session: Session, incident: Incident) -> ArbitrationRequest | None:
    return session.exec(
        select(ArbitrationRequest)
        .where(col(ArbitrationRequest.incident_id) == incident.id)
        .order_by(col(ArbitrationRequest.id).desc())
    ).first()


def open_arbitration(session: Session, incident: Incident) -> ArbitrationRequest:
    """The request of a case the lifecycle already put in arbitration: it must exist."""
    request = current_arbitration(session, incident)
    if request is None:
        raise NotFound()
    return request


def add_statement(
    session: Session, actor: Actor, incident_id: int, statement: str, evidence: Sequence[Upload] = ()
) -> Result:
    """The other party's side of the story, once, within its 2 business days."""
    incident = incident_for(session, actor, incident_id, "incident.party_act")
    request = current_arbitration(session, incident)
    if incident.state != S.in_arbitration or request is None or request.decided_at is not None:
        raise ServiceError("incidents.error.no_arbitration")
    if actor.role == request.requester_role:
        raise ServiceError("incidents.error.statement_other_party")
    if request.statement is not None:
        raise ServiceError("incidents.error.statement_given")
    at = now()
    if dl.is_overdue(request.statement_due_at, at):
        raise ServiceError("incidents.error.statement_too_late", due_at=request.statement_due_at.isoformat())
    text = clean_text(statement, "statement")
    files = evidence_files.check_all(list(evidence))
    message = _add_message(session, incident, actor, text, "statement", "public", files)
    request.statement, request.statement_at = text, at
    session.add(request)
    clocks.meet(session, incident, clocks.STATEMENT, at)
    finish(
        session,
        incident,
        actor,
        "statement_added",
        snapshot(incident),
        {"message_id": message.id},
        notify=["arbitrator", "customer" if actor.role == Role.seller else "shop"],
    )
    return result_of(incident, message.id)


# --- closing -----------------------------------------------------------------------------


def confirm_closure(session: Session, actor: Actor, incident_id: int, version: int) -> Result:
    """The seller closes once nothing is left open (the refusal names what is)."""
    incident = incident_for(session, actor, incident_id, "incident.seller_act")
    check_version(incident, version)
    before = snapshot(incident)
    _apply(incident, _allowed(incident, Action.confirm_closure, actor, case_facts(session, incident, actor)))
    close(session, incident, now())
    finish(session, incident, actor, "closed", before, notify=["customer"])
    return result_of(incident)


def close_return_not_sent(session: Session, actor: Actor, incident_id: int, version: int) -> Result:
    """The seller closes as soon as the customer's return is missed (SPEC 8.1). A breach no sweep
    has recorded yet is recorded first, which cancels what waited on the return."""
    incident = incident_for(session, actor, incident_id, "incident.seller_act")
    check_version(incident, version)
    before = snapshot(incident)
    at = now()
    clocks.announce(session, incident, clocks.refresh(session, incident, at))
    move = _allowed(incident, Action.close_return_not_sent, actor, case_facts(session, incident, actor))
    _apply(incident, move)
    close(session, incident, at, move.outcome)
    finish(session, incident, actor, "closed_return_not_sent", before, notify=["customer"])
    return result_of(incident)


def close(session: Session, incident: Incident, at: datetime, outcome: ClosedOutcome | None = None) -> None:
    """The closing stamp shared with the automatic closures: `outcome`, by default decided or agreed."""
    incident.state = S.closed.value
    if outcome is None:
        outcome = ClosedOutcome.decided if _decided(session, incident) else ClosedOutcome.agreed
    incident.outcome = outcome.value
    incident.closed_at = at
    clocks.settle_all(session, incident, "cancelled", at)


def rate(session: Session, actor: Actor, incident_id: int, score: int, comment: str = "") -> Result:
    incident = incident_for(session, actor, incident_id, "incident.customer_act")
    if incident.state != S.closed:
        raise ServiceError("incidents.error.rate_after_close")
    if incident.outcome == ClosedOutcome.withdrawn:  # nobody handled a case its customer withdrew
        raise ServiceError("incidents.error.rate_withdrawn")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("incidents.error.score")
    if session.exec(select(col(Rating.id)).where(col(Rating.incident_id) == incident.id)).first() is not None:
        raise ServiceError("incidents.error.already_rated")
    text = clean_text(comment, "comment", required=False, limit=2000)
    rating = Rating(incident_id=incident.id, customer_id=actor.user_id, score=score, comment=text, created_at=now())
    session.add(rating)
    session.flush()
    finish(session, incident, actor, "rated", snapshot(incident), {"score": score}, notify=["shop"], score=score)
    return result_of(incident, rating.id)


def add_lesson(session: Session, actor: Actor, incident_id: int, root_cause: str, change: str) -> Result:
    """The seller's lesson learned on a closed case (policy step 5)."""
    incident = incident_for(session, actor, incident_id, "incident.seller_act")
    if incident.state != S.closed:
        raise ServiceError("incidents.error.lesson_after_close")
    if root_cause not in ROOT_CAUSES:
        raise InvalidInput("incidents.error.root_cause")
    lesson = Lesson(
        incident_id=incident.id,
        author_id=actor.user_id,
        root_cause=root_cause,
        change=clean_text(change, "change"),
        created_at=now(),
    )
    session.add(lesson)
    session.flush()
    finish(session, incident, actor, "lesson_added", snapshot(incident), {"root_cause": root_cause})
    return result_of(incident, lesson.id)
