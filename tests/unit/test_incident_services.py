"""Incident lifecycle services: opening rules, proposals, guards, response, closure, events."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from pixmania_incidents.models import (
    ArbitrationRequest,
    ChecklistItem,
    Deadline,
    Decision,
    Evidence,
    Incident,
    IncidentEvent,
    ListingFlag,
    Notification,
    Obligation,
    ReturnLabel,
)
from pixmania_incidents.models import (
    IncidentState as S,
)
from pixmania_incidents.services import fulfilment as ff
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services import views
from pixmania_incidents.services.common import Forbidden, InvalidInput, NotFound, ServiceError, StaleVersion, now
from pixmania_incidents.services.evidence import Upload
from pixmania_incidents.services.views import event_detail, thread_of
from tests.conftest import opening_evidence


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, format="JPEG")
    return out.getvalue()


# --- helpers ------------------------------------------------------------------------------------


def open_case(world, type="defective", line="camille_tech_delivered", who="camille", **kw):
    kw.setdefault("evidence", opening_evidence(type))
    result = svc.open_incident(world.db, world.actor(who), world.lines[line].id, type, "Ne fonctionne pas.", **kw)
    return world.db.get(Incident, result.incident_id)


def propose(world, inc, solution="refund_partial", amount=5_000, who="seller_tech"):
    return svc.propose(world.db, world.actor(who), inc.id, inc.version, solution, amount, "Voici ma proposition.")


def events(world, inc):
    return [
        e.kind
        for e in world.db.exec(
            select(IncidentEvent).where(IncidentEvent.incident_id == inc.id).order_by(IncidentEvent.id)
        )
    ]


def deadline(world, inc, kind):
    return world.db.exec(select(Deadline).where(Deadline.incident_id == inc.id, Deadline.kind == kind)).one()


def in_arbitration(world):
    inc = open_case(world)
    propose(world, inc)
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Trop peu.")
    svc.request_arbitration(
        world.db, world.actor("camille"), inc.id, inc.version, "Je conteste.", [Upload("photo.jpg", jpeg_bytes())]
    )
    return inc


def resolved_case(world, solution="refund_partial", amount=5_000, type="defective"):
    inc = open_case(world, type=type)
    propose(world, inc, solution, amount)
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    return inc


# --- opening ------------------------------------------------------------------------------------


def test_open_sets_reference_calendar_checklist_clocks_and_notifies_shop(world):
    inc = open_case(world)
    assert inc.state == S.open and inc.version == 1
    assert inc.reference.startswith("INC-2026-") and len(inc.reference) == len("INC-2026-000000")
    assert inc.calendar["kind"] == "ouvrables"
    steps = world.db.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == inc.id).order_by(ChecklistItem.position)
    ).all()
    assert [s.step_code for s in steps] == ["return_label", "replace_or_refund", "communicate"]
    assert [s.mandatory for s in steps] == [False, True, True]
    response = deadline(world, inc, "response")
    assert response.due_at - inc.opened_at == timedelta(hours=48)
    assert response.at_risk_at - inc.opened_at == timedelta(hours=24)
    assert response.next_check_at == response.at_risk_at
    # Tuesday 10 March: 3 business days later is Friday 13 March, 23:59:59 Paris.
    assert deadline(world, inc, "resolution").due_at.isoformat() == "2026-03-13T22:59:59+00:00"
    assert inc.ball == "seller" and inc.next_due_at == response.due_at
    notified = world.db.exec(select(Notification.user_id).where(Notification.kind == "opened")).all()
    assert notified == [world.users["seller_tech"].id]
    assert events(world, inc) == ["opened"]


def test_calendar_is_copied_at_opening(world):
    shop = world.shops["tech"]
    shop.calendar_kind = "ouvres"
    world.db.add(shop)
    inc = open_case(world, type="not_received")
    shop.calendar_kind = "ouvrables"
    world.db.add(shop)
    assert inc.calendar["kind"] == "ouvres"
    # 7 business days Mon–Fri after Tuesday 10 March: Thursday 19 March.
    assert deadline(world, inc, "resolution").due_at.isoformat() == "2026-03-19T22:59:59+00:00"


def test_customer_can_only_open_on_own_line(world):
    with pytest.raises(NotFound):
        open_case(world, line="paul_tech_delivered")
    with pytest.raises(Forbidden):
        open_case(world, who="seller_tech")


def test_only_shipped_or_delivered_lines(world):
    assert open_case(world, line="camille_tech_shipped").state == S.open
    with pytest.raises(InvalidInput) as err:
        open_case(world, line="camille_tech_pending")
    assert err.value.code == "incidents.error.not_shipped"


def test_same_type_refused_while_not_closed_with_link_to_existing(world):
    first = open_case(world)
    with pytest.raises(ServiceError) as err:
        open_case(world)
    assert err.value.code == "incidents.error.already_open"
    assert err.value.params == {"reference": first.reference, "incident_id": first.id}
    assert open_case(world, type="damaged").state == S.open  # another type is fine


def _close_agreed(world, inc):
    ff.issue_return_label(world.db, world.actor("seller_tech"), inc.id)
    ff.ship_replacement(world.db, world.actor("seller_tech"), inc.id, "Colissimo", "6A999")
    ff.declare_sent_back(world.db, world.actor("camille"), inc.id, _label_id(world, inc), _proof(world, inc))
    svc.confirm_closure(world.db, world.actor("seller_tech"), inc.id, inc.version)


def _label_id(world, inc):
    return world.db.exec(select(ReturnLabel.id).where(ReturnLabel.incident_id == inc.id)).first()


def _proof(world, inc):
    svc.post_message(world.db, world.actor("camille"), inc.id, "Dépôt", [Upload("depot.jpg", jpeg_bytes())])
    return world.db.exec(select(Evidence.id).where(Evidence.incident_id == inc.id).order_by(Evidence.id.desc())).first()


def test_allowed_again_after_agreed_replacement_but_not_after_agreed_refund(world):
    inc = resolved_case(world, "replacement", None)
    _close_agreed(world, inc)
    assert inc.state == S.closed and inc.outcome == "agreed"
    assert open_case(world).state == S.open  # the new item failed too

    other = resolved_case_on(world, "camille_tech_shipped", "refund_partial", 1_000)
    ff.record_refund(world.db, world.actor("seller_tech"), other.id, 1_000, date(2026, 3, 10))
    svc.confirm_closure(world.db, world.actor("seller_tech"), other.id, other.version)
    with pytest.raises(ServiceError) as err:
        open_case(world, line="camille_tech_shipped")
    assert err.value.code == "incidents.error.already_settled"


def resolved_case_on(world, line, solution, amount):
    inc = open_case(world, line=line)
    propose(world, inc, solution, amount)
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    return inc


def test_refused_after_binding_decision(world):
    inc = in_arbitration(world)
    request = world.db.exec(select(ArbitrationRequest)).one()
    world.db.add(
        Decision(
            incident_id=inc.id,
            arbitration_id=request.id,
            arbitrator_id=world.users["arbitrator"].id,
            outcome="no_action",
            rationale="Le vendeur avait raison.",
        )
    )
    inc.state, inc.outcome = "closed", "decided"
    world.db.add(inc)
    world.db.flush()
    with pytest.raises(ServiceError) as err:
        open_case(world)
    assert err.value.code == "incidents.error.decided"


def test_withdrawn_case_may_be_reopened(world):
    inc = open_case(world)
    svc.withdraw(world.db, world.actor("camille"), inc.id, inc.version)
    assert inc.state == S.closed and inc.outcome == "withdrawn"
    assert all(d.settled == "cancelled" for d in world.db.exec(select(Deadline).where(Deadline.incident_id == inc.id)))
    assert open_case(world).state == S.open


def test_a_withdrawn_case_is_not_rated(world):
    inc = open_case(world)
    svc.withdraw(world.db, world.actor("camille"), inc.id, inc.version)
    with pytest.raises(ServiceError) as err:
        svc.rate(world.db, world.actor("camille"), inc.id, 5)
    assert err.value.code == "incidents.error.rate_withdrawn"


# --- who may act ----------------------------------------------------------------------------------


def test_seller_of_another_shop_and_other_customer_get_not_found(world):
    inc = open_case(world)
    with pytest.raises(NotFound):
        svc.post_message(world.db, world.actor("seller_maison"), inc.id, "Bonjour")
    with pytest.raises(NotFound):
        propose(world, inc, who="seller_maison")
    with pytest.raises(NotFound):
        svc.withdraw(world.db, world.actor("paul"), inc.id, inc.version)
    with pytest.raises(NotFound):
        ff.issue_return_label(world.db, world.actor("seller_maison"), inc.id)


def test_support_cannot_act_for_the_parties(world):
    inc = open_case(world)
    with pytest.raises(Forbidden):
        propose(world, inc, who="support")
    with pytest.raises(Forbidden):
        svc.withdraw(world.db, world.actor("support"), inc.id, inc.version)


# --- response -------------------------------------------------------------------------------------


def test_seller_public_message_is_the_response(world, clock):
    inc = open_case(world)
    clock.advance(hours=3)
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Bonjour, je regarde.")
    assert inc.state == S.in_progress and inc.version == 2
    assert inc.first_response_at == clock.at
    response = deadline(world, inc, "response")
    assert response.met_at == clock.at and response.state == "met"


@pytest.mark.parametrize("act", ["support", "internal", "inquiry", "tick", "outside"])
def test_what_does_not_count_as_the_response(world, act):
    inc = open_case(world)
    seller = world.actor("seller_tech")
    if act == "support":
        svc.post_message(world.db, world.actor("support"), inc.id, "Le service client suit le dossier.")
    elif act == "internal":
        svc.post_message(world.db, world.actor("support"), inc.id, "Note", visibility="internal")
    elif act == "inquiry":
        ff.open_carrier_inquiry(world.db, seller, inc.id, "Colissimo", "ENQ-1")
    elif act == "tick":
        item = world.db.exec(select(ChecklistItem).where(ChecklistItem.incident_id == inc.id)).first()
        ff.tick_checklist(world.db, seller, inc.id, item.id, "vu")
    else:
        svc.record_outside_exchange(world.db, seller, inc.id, "phone", now(), "Camille", "Appel au client.")
    assert inc.state == S.open and inc.first_response_at is None
    assert deadline(world, inc, "response").met_at is None


def test_proposal_and_return_label_count_as_the_response(world):
    inc = open_case(world)
    propose(world, inc)
    assert inc.state == S.awaiting_customer and inc.first_response_at is not None
    other = open_case(world, type="damaged")
    ff.issue_return_label(world.db, world.actor("seller_tech"), other.id)
    assert other.state == S.in_progress and deadline(world, other, "response").state == "met"


def test_late_response_is_met_late(world, clock):
    inc = open_case(world)
    clock.advance(hours=49)
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Désolé du retard.")
    response = deadline(world, inc, "response")
    assert response.state == "met_late" and response.breached_at == response.due_at + timedelta(seconds=1)


# --- versions -----------------------------------------------------------------------------------


def test_stale_version_refused_on_state_changes_but_not_on_messages(world):
    inc = open_case(world)
    seen = inc.version
    propose(world, inc)
    with pytest.raises(StaleVersion) as err:
        svc.withdraw(world.db, world.actor("camille"), inc.id, seen)
    assert err.value.params == {"current_version": inc.version}
    with pytest.raises(StaleVersion):
        svc.propose(world.db, world.actor("seller_tech"), inc.id, seen, "refund_partial", 100, "Autre")
    before = inc.version
    svc.post_message(world.db, world.actor("camille"), inc.id, "J'y réfléchis.")
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "D'accord.")
    assert inc.version == before


# --- proposals ----------------------------------------------------------------------------------


def test_proposal_starts_answer_clock_and_pauses_resolution(world):
    inc = open_case(world)
    propose(world, inc)
    answer = deadline(world, inc, "customer_answer")
    assert answer.holder == "customer"
    # Tuesday + 5 business days (Mon–Sat) = Monday 16 March; reminder after 3: Friday 13.
    assert answer.due_at.isoformat() == "2026-03-16T22:59:59+00:00"
    assert answer.next_check_at.isoformat() == "2026-03-13T22:59:59+00:00"
    assert deadline(world, inc, "resolution").paused
    assert inc.ball == "customer" and inc.next_due_at == answer.due_at


def test_solution_must_be_offered_by_the_type(world):
    inc = open_case(world, type="not_received")
    with pytest.raises(InvalidInput) as err:
        propose(world, inc, "replacement", None)
    assert err.value.code == "incidents.error.solution_not_offered"
    assert inc.state == S.open and inc.version == 1  # nothing changed


def test_partial_refund_amount_limits(world):
    inc = open_case(world)
    with pytest.raises(InvalidInput):
        propose(world, inc, "refund_partial", 0)
    with pytest.raises(InvalidInput) as err:
        propose(world, inc, "refund_partial", 13_000)
    assert err.value.params == {"refundable_cents": 12_999}
    propose(world, inc, "refund_full", None)
    assert svc.pending_proposal(world.db, inc).amount_cents == 12_999


def test_refunds_already_recorded_or_agreed_reduce_what_can_be_proposed(world):
    first = resolved_case(world, "refund_partial", 4_000)
    # Agreed but not yet paid: still counts.
    other = open_case(world, type="damaged")
    with pytest.raises(InvalidInput) as err:
        propose(world, other, "refund_partial", 9_000)
    assert err.value.params == {"refundable_cents": 8_999}
    ff.record_refund(world.db, world.actor("seller_tech"), first.id, 4_000, date(2026, 3, 10))
    with pytest.raises(InvalidInput):
        propose(world, other, "refund_partial", 9_000)
    propose(world, other, "refund_partial", 8_999)


def test_accept_meets_resolution_at_proposal_instant_and_creates_obligations(world, clock):
    inc = open_case(world)
    propose(world, inc, "return_and_refund", None)
    proposed_at = clock.at
    clock.advance(days=1)
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    assert inc.state == S.resolved
    assert deadline(world, inc, "resolution").met_at == proposed_at
    obligations = world.db.exec(
        select(Obligation).where(Obligation.incident_id == inc.id).order_by(Obligation.id)
    ).all()
    assert [(o.kind, o.holder) for o in obligations] == [
        ("return_label", "seller"),
        ("customer_return", "customer"),
        ("refund", "seller"),
    ]
    label, ret, refund = obligations
    assert label.due_at - clock.at == timedelta(hours=24)
    assert ret.due_at is None and refund.due_at is None and refund.amount_cents == 12_999
    # The return label step is now mandatory.
    item = world.db.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == inc.id, ChecklistItem.step_code == "return_label")
    ).one()
    assert item.mandatory
    assert inc.ball == "seller" and inc.next_due_at == label.due_at


def test_refuse_needs_a_reason_and_resumes_resolution_against_original_due(world, clock):
    inc = open_case(world)
    propose(world, inc)
    with pytest.raises(InvalidInput):
        svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "  ")
    assert inc.state == S.awaiting_customer
    clock.advance(days=4)  # past the original resolution due (Friday 13)
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Pas assez.")
    assert inc.state == S.in_progress
    resolution = deadline(world, inc, "resolution")
    assert not resolution.paused and resolution.state == "breached"
    assert inc.deadline_state == "breached"


def test_paused_resolution_does_not_breach_while_awaiting_customer(world, clock):
    inc = open_case(world)
    propose(world, inc)
    clock.advance(days=4)
    svc.post_message(world.db, world.actor("camille"), inc.id, "Je réfléchis.")
    assert deadline(world, inc, "resolution").state == "on_track"


@pytest.mark.parametrize("state", ["open", "in_progress", "resolved", "closed"])
def test_accept_and_refuse_only_on_a_pending_proposal(world, state):
    inc = open_case(world)
    if state == "in_progress":
        svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Bonjour")
    elif state in ("resolved", "closed"):
        propose(world, inc)
        svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
        if state == "closed":
            ff.record_refund(world.db, world.actor("seller_tech"), inc.id, 5_000, date(2026, 3, 10))
            svc.confirm_closure(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert inc.state == state
    for action in (
        lambda: svc.accept(world.db, world.actor("camille"), inc.id, inc.version),
        lambda: svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "non"),
    ):
        with pytest.raises(ServiceError) as err:
            action()
        assert err.value.code == "error.action_not_allowed_in_state"


def test_withdraw_allowed_before_resolved_only(world):
    inc = resolved_case(world)
    with pytest.raises(ServiceError) as err:
        svc.withdraw(world.db, world.actor("camille"), inc.id, inc.version)
    assert err.value.code == "error.action_not_allowed_in_state"
    pending = open_case(world, type="damaged")
    propose(world, pending, "refund_partial", 100)
    svc.withdraw(world.db, world.actor("camille"), pending.id, pending.version)
    assert pending.state == S.closed and pending.outcome == "withdrawn"
    assert svc.pending_proposal(world.db, pending) is None


def test_help_request_keeps_state_and_notifies_support(world):
    inc = open_case(world)
    svc.request_help(world.db, world.actor("seller_tech"), inc.id, "Le client ne répond pas.")
    assert inc.state == S.open and inc.version == 1 and inc.help_requested_at is not None
    notified = set(world.db.exec(select(Notification.user_id).where(Notification.kind == "help_requested")).all())
    assert notified == {world.users[u].id for u in ("support", "arbitrator", "arbitrator2")}
    svc.withdraw(world.db, world.actor("camille"), inc.id, inc.version)
    with pytest.raises(ServiceError):
        svc.request_help(world.db, world.actor("camille"), inc.id)


# --- arbitration --------------------------------------------------------------------------------


def test_arbitration_not_yet_without_grounds(world):
    inc = open_case(world)
    for who in ("camille", "seller_tech"):
        with pytest.raises(ServiceError) as err:
            svc.request_arbitration(
                world.db, world.actor(who), inc.id, inc.version, "Motif", [Upload("a.jpg", jpeg_bytes())]
            )
        assert err.value.code in ("error.arbitration_not_yet", "error.arbitration_seller_needs_refusal")


def test_customer_may_request_arbitration_once_response_breached(world, clock):
    inc = open_case(world, evidence=[Upload("defaut.jpg", jpeg_bytes())])
    clock.advance(hours=49)
    # Evidence attached at opening is enough.
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Aucune réponse du vendeur.")
    assert inc.state == S.in_arbitration
    response = deadline(world, inc, "response")
    assert response.settled == "escalated" and response.state == "escalated"
    assert response.breached_at == response.due_at + timedelta(seconds=1)  # breached from the next second
    assert inc.ball == "arbitrator" and inc.arbitrator_id is None


def test_arbitration_needs_reason_and_evidence(world):
    inc = open_case(world)
    propose(world, inc)
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Non.")
    with pytest.raises(InvalidInput) as err:
        svc.request_arbitration(world.db, world.actor("seller_tech"), inc.id, inc.version, "Motif")
    assert err.value.code == "incidents.error.evidence_required"
    with pytest.raises(InvalidInput):
        svc.request_arbitration(
            world.db, world.actor("seller_tech"), inc.id, inc.version, " ", [Upload("a.jpg", jpeg_bytes())]
        )
    assert inc.state == S.in_progress
    svc.request_arbitration(
        world.db, world.actor("seller_tech"), inc.id, inc.version, "Motif", [Upload("facture.jpg", jpeg_bytes())]
    )
    request = world.db.exec(select(ArbitrationRequest)).one()
    assert request.requester_role == "seller"
    statement = deadline(world, inc, "statement")
    assert statement.holder == "customer" and statement.due_at == request.statement_due_at
    assert deadline(world, inc, "resolution").settled == "escalated"
    notified = set(
        world.db.exec(select(Notification.user_id).where(Notification.kind == "arbitration_requested")).all()
    )
    assert world.users["camille"].id in notified and world.users["support"].id in notified


def test_pending_proposal_counts_as_refused_on_arbitration(world):
    inc = open_case(world)
    propose(world, inc)
    svc.request_arbitration(
        world.db,
        world.actor("camille"),
        inc.id,
        inc.version,
        "Proposition insuffisante.",
        [Upload("a.jpg", jpeg_bytes())],
    )
    assert svc.pending_proposal(world.db, inc) is None
    assert deadline(world, inc, "customer_answer").settled == "escalated"
    assert deadline(world, inc, "resolution").settled == "escalated"
    # No proposals in arbitration.
    with pytest.raises(ServiceError):
        propose(world, inc)


def test_statement_by_other_party_once_within_window(world, clock):
    inc = in_arbitration(world)
    with pytest.raises(ServiceError) as err:
        svc.add_statement(world.db, world.actor("camille"), inc.id, "Moi aussi")
    assert err.value.code == "incidents.error.statement_other_party"
    svc.add_statement(world.db, world.actor("seller_tech"), inc.id, "Ma version.")
    assert deadline(world, inc, "statement").met_at == clock.at
    with pytest.raises(ServiceError):
        svc.add_statement(world.db, world.actor("seller_tech"), inc.id, "Encore")


def test_statement_too_late(world, clock):
    inc = in_arbitration(world)
    clock.advance(days=5)
    with pytest.raises(ServiceError) as err:
        svc.add_statement(world.db, world.actor("seller_tech"), inc.id, "Trop tard")
    assert err.value.code == "incidents.error.statement_too_late"


def test_decision_is_binding(world):
    inc = in_arbitration(world)
    request = world.db.exec(select(ArbitrationRequest)).one()
    world.db.add(
        Decision(
            incident_id=inc.id,
            arbitration_id=request.id,
            arbitrator_id=world.users["arbitrator"].id,
            outcome="refund_partial",
            amount_cents=100,
            rationale="Geste.",
        )
    )
    inc.state = "resolved"
    world.db.add(inc)
    world.db.flush()
    with pytest.raises(ServiceError) as err:
        svc.request_arbitration(
            world.db, world.actor("camille"), inc.id, inc.version, "Encore", [Upload("a.jpg", jpeg_bytes())]
        )
    assert err.value.code == "error.decision_binding"


# --- closure ------------------------------------------------------------------------------------


def test_closure_blocked_by_obligations_and_steps_named_in_locale(world):
    inc = resolved_case(world, "refund_partial", 5_000)
    with pytest.raises(ServiceError) as err:
        svc.confirm_closure(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert err.value.code == "error.closure_blocked"
    assert err.value.params["obligations"] == "Rembourser"
    assert err.value.params["steps"] == "Envoyez un produit de remplacement ou effectuez un remboursement."
    english = world.users["seller_tech"]
    english.locale = "en"
    with pytest.raises(ServiceError) as err:
        svc.confirm_closure(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert err.value.params["obligations"] == "Refund"
    ff.record_refund(world.db, world.actor("seller_tech"), inc.id, 5_000, date(2026, 3, 10))
    svc.confirm_closure(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert inc.state == S.closed and inc.outcome == "agreed" and inc.ball == ""


def test_mandatory_step_without_action_blocks_until_ticked(world):
    inc = open_case(world, type="not_as_described")
    propose(world, inc, "refund_partial", 1_000)
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    ff.record_refund(world.db, world.actor("seller_tech"), inc.id, 1_000, date(2026, 3, 10))
    with pytest.raises(ServiceError) as err:
        svc.confirm_closure(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert err.value.params == {
        "obligations": "",
        "seller_obligations": "",
        "steps": "Comparez le produit reçu avec sa description sur le site.",
    }
    item = world.db.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == inc.id, ChecklistItem.step_code == "compare_listing")
    ).one()
    ff.tick_checklist(world.db, world.actor("seller_tech"), inc.id, item.id, "Photos conformes à l'écart signalé.")
    svc.confirm_closure(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert inc.state == S.closed


def test_rating_only_after_closing_once_between_1_and_5(world):
    inc = resolved_case(world, "refund_partial", 5_000)
    with pytest.raises(ServiceError) as err:
        svc.rate(world.db, world.actor("camille"), inc.id, 5)
    assert err.value.code == "incidents.error.rate_after_close"
    ff.record_refund(world.db, world.actor("seller_tech"), inc.id, 5_000, date(2026, 3, 10))
    svc.confirm_closure(world.db, world.actor("seller_tech"), inc.id, inc.version)
    with pytest.raises(InvalidInput):
        svc.rate(world.db, world.actor("camille"), inc.id, 6)
    with pytest.raises(Forbidden):
        svc.rate(world.db, world.actor("seller_tech"), inc.id, 1)
    svc.rate(world.db, world.actor("camille"), inc.id, 4, "Rapide.")
    with pytest.raises(ServiceError) as err:
        svc.rate(world.db, world.actor("camille"), inc.id, 5)
    assert err.value.code == "incidents.error.already_rated"
    svc.add_lesson(world.db, world.actor("seller_tech"), inc.id, "packaging", "Double carton.")
    with pytest.raises(InvalidInput):
        svc.add_lesson(world.db, world.actor("seller_tech"), inc.id, "weather", "?")


# --- events -------------------------------------------------------------------------------------


def test_each_action_records_an_event_with_before_and_after(world):
    inc = open_case(world)
    svc.mark_viewed(world.db, world.actor("seller_tech"), inc.id)
    svc.mark_viewed(world.db, world.actor("seller_tech"), inc.id)  # only the first view counts
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Bonjour")
    propose(world, inc)
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Non")
    svc.request_help(world.db, world.actor("camille"), inc.id)
    kinds = events(world, inc)
    assert kinds == [
        "opened",
        "first_viewed",
        "checklist_auto_ticked",
        "message",
        "proposed",
        "refused",
        "help_requested",
    ]
    proposed = world.db.exec(select(IncidentEvent).where(IncidentEvent.kind == "proposed")).one()
    assert proposed.before["state"] == "in_progress" and proposed.after["state"] == "awaiting_customer"
    assert proposed.actor_id == world.users["seller_tech"].id and proposed.actor_role == "seller"


def test_event_log_refuses_update_and_delete(world):
    open_case(world)
    world.db.commit()
    with pytest.raises(sa.exc.DatabaseError):
        world.db.execute(sa.update(IncidentEvent).values(kind="tampered"))
    world.db.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        world.db.execute(sa.delete(IncidentEvent))
    world.db.rollback()
    assert world.db.exec(select(IncidentEvent.kind)).all() == ["opened"]


def test_clock_turning_at_risk_during_an_action_is_recorded_and_notified(world, clock):
    inc = open_case(world)
    clock.advance(hours=25)
    svc.post_message(world.db, world.actor("camille"), inc.id, "Alors ?")
    assert deadline(world, inc, "response").state == "at_risk" and inc.deadline_state == "at_risk"
    assert "deadline_at_risk" in events(world, inc)
    assert world.db.exec(select(Notification.user_id).where(Notification.kind == "deadline_at_risk")).all() == [
        world.users["seller_tech"].id
    ]


# --- read models --------------------------------------------------------------------------------


def test_incident_view_is_json_safe_and_tailored_to_the_viewer(world):
    inc = open_case(world, evidence=[Upload("defaut.jpg", jpeg_bytes())])
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Bonjour", [Upload("notice.jpg", jpeg_bytes())])
    svc.post_message(world.db, world.actor("support"), inc.id, "Surveiller ce vendeur", visibility="internal")
    svc.record_outside_exchange(world.db, world.actor("seller_tech"), inc.id, "phone", now(), "Camille", "Appel.")
    world.db.add(
        ListingFlag(
            listing_id=inc.listing_id,
            incident_id=inc.id,
            raised_by_id=world.users["support"].id,
            reason="photos",
            details="Fiche",
        )
    )
    world.db.flush()
    viewers = ("camille", "seller_tech", "support", "product")
    views_by = {who: views.incident_view(world.db, world.actor(who), inc.id) for who in viewers}
    threads = {who: views.thread_messages(world.db, world.actor(who), inc.id) for who in viewers}
    for view in (*views_by.values(), *threads.values()):
        assert json.loads(json.dumps(view)) == view
    customer, seller, support, product = views_by.values()
    assert customer["reference"] == inc.reference and customer["type_label_fr"] == "Article défectueux"
    assert customer["shop"]["name"] == "TechShop" and customer["line_total_cents"] == 12_999
    assert "email" not in customer["customer"] and "email" not in product["customer"]
    assert seller["customer"]["email"] == "camille@example.com" and support["customer"]["address"]
    assert [m["kind"] for m in threads["camille"]] == ["message"]
    assert [m["kind"] for m in threads["seller_tech"]] == ["message", "outside_exchange"]
    assert [m["kind"] for m in threads["support"]] == ["message", "internal", "outside_exchange"]
    assert [m["kind"] for m in threads["product"]] == ["message"]
    assert threads["camille"][0]["evidence"][0]["content_type"] == "image/jpeg"
    assert customer["opening_evidence"][0]["filename"] == "defaut.jpg"
    assert "internal_note" not in [e["kind"] for e in customer["timeline"]]
    assert "internal_note" in [e["kind"] for e in support["timeline"]]
    response = next(d for d in customer["deadlines"] if d["kind"] == "response")
    assert response["due_at"].endswith("+00:00") and response["state"] == "met"
    assert customer["ball"]["holder"] == "seller"
    assert customer["allowed"] == ["request_help", "withdraw"]
    assert seller["allowed"] == ["propose", "request_help"]
    assert product["allowed"] == [] and support["allowed"] == []
    assert [c["code"] for c in seller["checklist"]] == ["return_label", "replace_or_refund", "communicate"]
    assert seller["checklist"][2]["done"] and seller["checklist"][2]["en"].startswith("Communicate")


def test_incident_view_not_found_for_strangers(world):
    inc = open_case(world)
    for who in ("paul", "seller_maison", "product"):
        with pytest.raises(NotFound):
            views.incident_view(world.db, world.actor(who), inc.id)


def test_message_window_and_older_messages(world):
    inc = open_case(world)
    for i in range(5):
        svc.post_message(world.db, world.actor("camille"), inc.id, f"Message {i}")
    latest = views.thread_messages(world.db, world.actor("camille"), inc.id, 2)
    assert [m["body"] for m in latest] == ["Message 3", "Message 4"]
    older = views.thread_messages(world.db, world.actor("camille"), inc.id, 2, latest[0]["id"])
    assert [m["body"] for m in older] == ["Message 1", "Message 2"]


def test_customer_orders_show_incidents_and_what_may_be_opened(world):
    inc = open_case(world)
    orders = views.customer_orders(world.db, world.actor("camille"))
    assert len(orders) == 6 and all(o["lines"] for o in orders)
    lines = {line["id"]: line for o in orders for line in o["lines"]}
    delivered = lines[world.lines["camille_tech_delivered"].id]
    assert [i["reference"] for i in delivered["incidents"]] == [inc.reference]
    assert "defective" not in delivered["openable_types"] and "damaged" in delivered["openable_types"]
    pending = lines[world.lines["camille_tech_pending"].id]
    assert pending["can_open"] is False
    assert world.lines["paul_tech_delivered"].id not in lines
    mine = views.customer_incidents(world.db, world.actor("camille"))
    assert [i["reference"] for i in mine] == [inc.reference] and mine[0]["shop"] == "TechShop"
    with pytest.raises(Forbidden):
        views.customer_orders(world.db, world.actor("seller_tech"))


def test_live_room_window_holds_only_the_last_public_messages(world):
    """What an incident's shared room carries reaches every page linked to it: never a note."""
    inc = open_case(world)
    for i in range(4):
        svc.post_message(world.db, world.actor("camille"), inc.id, f"Message {i}")
    svc.post_message(world.db, world.actor("support"), inc.id, "Surveiller ce vendeur", visibility="internal")
    svc.record_outside_exchange(world.db, world.actor("seller_tech"), inc.id, "phone", now(), "Camille", "Appel.")
    window = views.public_window(world.db, inc.id, 3)
    assert [m["body"] for m in window] == ["Message 1", "Message 2", "Message 3"]
    # The support agent's thread: the room's window merged with what only staff read, in order.
    own = views.thread_messages(world.db, world.actor("support"), inc.id, 3)
    thread = thread_of(window, own, 3, "fr")
    assert [m.body for m in thread] == ["Message 3", "Surveiller ce vendeur", "Appel."]
    assert all(m.when for m in thread)


def test_timeline_says_which_deadline_moved_in_words():
    """The sweep's events move a deadline, not the case: the page names both in the viewer's language."""
    event = {
        "kind": "deadline_breached",
        "before": {"state": "on_track"},
        "after": {"deadline": "resolution", "holder": "seller", "state": "breached"},
    }
    assert event_detail(event, "fr") == "Résolution · Dans les temps → Dépassé"
    assert event_detail(event, "en") == "Resolution · On track → Breached"
    moved = {"kind": "proposal_accepted", "before": {"state": "awaiting_customer"}, "after": {"state": "resolved"}}
    assert event_detail(moved, "fr") == "En attente du client → Résolu"
