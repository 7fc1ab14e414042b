"""Arbitration mode: who may request it and when, taking a case (also concurrently),
neutrality, release and reassignment, the statement window, the binding decision and
its obligations closing the incident."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlmodel import Session, func, select

from pixmania_incidents import deadlines as dl
from pixmania_incidents.db import session_scope
from pixmania_incidents.models import (
    ArbitrationRequest,
    Deadline,
    Decision,
    Incident,
    Notification,
    Obligation,
)
from pixmania_incidents.models import (
    IncidentState as S,
)
from pixmania_incidents.services import arbitration as arb
from pixmania_incidents.services import clocks, fulfilment
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.common import Forbidden, InvalidInput, NotFound, ServiceError
from pixmania_incidents.services.evidence import Upload
from tests.conftest import opening_evidence


def photo() -> Upload:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "JPEG")
    return Upload("photo.jpg", buf.getvalue())


def open_case(world, type="defective", line="camille_tech_delivered") -> Incident:
    result = svc.open_incident(
        world.db, world.actor("camille"), world.lines[line].id, type, "Ne fonctionne pas.", opening_evidence(type)
    )
    return world.db.get(Incident, result.incident_id)


def seller_of(inc: Incident, world) -> str:
    return next(k for k, u in world.users.items() if u.role == "seller" and u.shop_id == inc.shop_id)


def refused_case(world, **kw) -> Incident:
    inc = open_case(world, **kw)
    svc.propose(
        world.db,
        world.actor(seller_of(inc, world)),
        inc.id,
        inc.version,
        "refund_partial",
        2_000,
        "Un geste commercial.",
    )
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Trop peu.")
    return inc


def in_arbitration(world, by="camille", **kw) -> Incident:
    inc = refused_case(world, **kw)
    svc.request_arbitration(world.db, world.actor(by), inc.id, inc.version, "Je conteste.", [photo()])
    return inc


def taken(world, who="arbitrator", **kw) -> Incident:
    inc = in_arbitration(world, **kw)
    arb.take_case(world.db, world.actor(who), inc.id)
    return inc


def code_of(excinfo) -> str:
    return excinfo.value.code


# --- requesting arbitration --------------------------------------------------------------------


def test_customer_needs_grounds_and_seller_needs_a_refused_proposal(world):
    inc = open_case(world)
    with pytest.raises(ServiceError) as e:
        svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Pourquoi pas.", [photo()])
    assert code_of(e) == "error.arbitration_not_yet"
    with pytest.raises(ServiceError) as e:
        svc.request_arbitration(world.db, world.actor("seller_tech"), inc.id, inc.version, "Client abusif.", [photo()])
    assert code_of(e) == "error.arbitration_seller_needs_refusal"
    for staff in ("support", "arbitrator"):
        with pytest.raises(Forbidden):
            svc.request_arbitration(world.db, world.actor(staff), inc.id, inc.version, "x", [photo()])
    assert inc.state == S.open


def test_seller_may_request_after_refusal_and_customer_gets_the_statement_window(world, clock):
    inc = refused_case(world)
    svc.request_arbitration(
        world.db, world.actor("seller_tech"), inc.id, inc.version, "Proposition correcte.", [photo()]
    )
    assert inc.state == S.in_arbitration
    [row] = arb.queue(world.db, world.actor("arbitrator"))
    assert row["requester_role"] == "seller" and row["reason"] == "Proposition correcte."
    assert row["statement_open"] and not row["statement_given"]
    assert row["statement_due_at"] == dl.statement_due_at(clock.at, clocks.calendar_of(inc))


def test_customer_may_request_once_the_response_deadline_is_breached(world, clock):
    inc = open_case(world)
    clock.advance(hours=49)
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Aucune réponse.", [photo()])
    assert inc.state == S.in_arbitration


def test_no_arbitration_from_a_closed_case(world):
    inc = open_case(world)
    svc.withdraw(world.db, world.actor("camille"), inc.id, inc.version)
    with pytest.raises(ServiceError) as e:
        svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Finalement si.", [photo()])
    assert code_of(e) == "error.action_not_allowed_in_state"


# --- the queue and the statement window --------------------------------------------------------


def test_queue_is_oldest_request_first_with_who_asked_and_why(world, clock):
    first = in_arbitration(world)
    clock.advance(hours=1)
    second = in_arbitration(world, line="camille_maison_delivered")
    rows = arb.queue(world.db, world.actor("arbitrator"))
    assert [r["incident_id"] for r in rows] == [first.id, second.id]
    assert rows[0]["requester_role"] == "customer" and rows[0]["requester_name"] == "Camille Martin"
    assert rows[0]["reason"] == "Je conteste." and rows[0]["arbitrator_id"] is None
    with pytest.raises(Forbidden):
        arb.queue(world.db, world.actor("support"))


def test_statement_window_closes_after_two_business_days(world, clock):
    inc = in_arbitration(world)
    file = arb.case_file(world.db, world.actor("arbitrator"), inc.id)
    assert file["arbitration"]["statement_open"] is True
    clock.at = file["arbitration"]["statement_due_at"] + timedelta(seconds=1)
    assert arb.case_file(world.db, world.actor("arbitrator"), inc.id)["arbitration"]["statement_open"] is False
    with pytest.raises(ServiceError) as e:
        svc.add_statement(world.db, world.actor("seller_tech"), inc.id, "Trop tard ?")
    assert code_of(e) == "incidents.error.statement_too_late"


def test_statement_given_closes_the_window(world):
    inc = in_arbitration(world)
    svc.add_statement(world.db, world.actor("seller_tech"), inc.id, "Voici ma version.")
    file = arb.case_file(world.db, world.actor("arbitrator"), inc.id)
    assert file["arbitration"]["statement"] == "Voici ma version."
    assert file["arbitration"]["statement_given"] and not file["arbitration"]["statement_open"]


# --- taking, neutrality, release, reassignment ------------------------------------------------------


def test_take_assigns_the_case_and_starts_the_two_business_day_clock(world, clock):
    inc = in_arbitration(world)
    with pytest.raises(Forbidden):
        arb.take_case(world.db, world.actor("support"), inc.id)
    arb.take_case(world.db, world.actor("arbitrator"), inc.id)
    assert inc.arbitrator_id == world.users["arbitrator"].id and inc.ball == "arbitrator"
    due = clocks.current(world.db, inc, clocks.ARBITRATION_DECISION).due_at
    assert due == dl.arbitration_due_at(clock.at, clocks.calendar_of(inc))
    request = world.db.exec(select(ArbitrationRequest).where(ArbitrationRequest.incident_id == inc.id)).one()
    assert request.taken_by_id == world.users["arbitrator"].id
    with pytest.raises(ServiceError) as e:
        arb.take_case(world.db, world.actor("arbitrator2"), inc.id)
    assert code_of(e) == "error.case_already_taken"


def test_take_with_a_stale_read_loses_to_the_first_commit(world, engine):
    inc = in_arbitration(world)
    world.db.commit()
    with Session(engine, expire_on_commit=False) as late:
        stale = late.get(Incident, inc.id)  # read before the other arbitrator commits
        assert stale.arbitrator_id is None
        late.commit()  # the page's read ended; its copy of the case stays in memory
        with Session(engine, expire_on_commit=False) as first:
            arb.take_case(first, world.actor("arbitrator"), inc.id)
            first.commit()
        assert stale.arbitrator_id is None  # still the stale view
        with pytest.raises(ServiceError) as e:
            arb.take_case(late, world.actor("arbitrator2"), inc.id)
        assert code_of(e) == "error.case_already_taken"
        late.rollback()
    world.db.refresh(inc)
    assert inc.arbitrator_id == world.users["arbitrator"].id


def test_two_arbitrators_taking_at_once_one_wins(world, engine):
    inc = in_arbitration(world)
    world.db.commit()
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def attempt(name: str) -> None:
        barrier.wait()
        try:
            with session_scope(engine) as session:  # a unit of work as the app runs one
                arb.take_case(session, world.actor(name), inc.id)
            outcomes[name] = "won"
        except ServiceError as exc:
            outcomes[name] = exc.code

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("arbitrator", "arbitrator2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["error.case_already_taken", "won"]
    winner = next(n for n, o in outcomes.items() if o == "won")
    world.db.refresh(inc)
    assert inc.arbitrator_id == world.users[winner].id
    clocks_ = world.db.exec(
        select(Deadline).where(Deadline.incident_id == inc.id, Deadline.kind == clocks.ARBITRATION_DECISION)
    ).all()
    assert len(clocks_) == 1


def test_an_arbitrator_who_posted_as_support_cannot_take_the_case(world):
    inc = in_arbitration(world)
    svc.post_message(world.db, world.actor("arbitrator"), inc.id, "Note : client de bonne foi.", visibility="internal")
    [row] = arb.queue(world.db, world.actor("arbitrator"))
    assert row["neutral"] is False
    with pytest.raises(ServiceError) as e:
        arb.take_case(world.db, world.actor("arbitrator"), inc.id)
    assert code_of(e) == "error.arbitrator_not_neutral"
    arb.take_case(world.db, world.actor("arbitrator2"), inc.id)
    assert [a["name"] for a in arb.arbitrators(world.db, world.actor("arbitrator2"), inc.id)] == []
    with pytest.raises(ServiceError) as e:
        arb.reassign_case(world.db, world.actor("arbitrator2"), inc.id, world.users["arbitrator"].id)
    assert code_of(e) == "support.error.target_not_neutral"


def test_assisting_message_also_breaks_neutrality(world):
    inc = in_arbitration(world)
    svc.post_message(world.db, world.actor("arbitrator"), inc.id, "Bonjour, je regarde votre dossier.")
    with pytest.raises(ServiceError) as e:
        arb.take_case(world.db, world.actor("arbitrator"), inc.id)
    assert code_of(e) == "error.arbitrator_not_neutral"


def test_release_returns_the_case_to_the_queue_and_stops_the_clock(world):
    inc = taken(world)
    with pytest.raises(Forbidden) as e:
        arb.release_case(world.db, world.actor("arbitrator2"), inc.id)
    assert code_of(e) == "support.error.not_your_case"
    arb.release_case(world.db, world.actor("arbitrator"), inc.id)
    assert inc.arbitrator_id is None
    assert clocks.ball_of(world.db, inc).holder == "waiting_arbitrator"
    assert clocks.current(world.db, inc, clocks.ARBITRATION_DECISION) is None
    arb.take_case(world.db, world.actor("arbitrator2"), inc.id)
    assert inc.arbitrator_id == world.users["arbitrator2"].id


def test_reassign_hands_the_case_over_with_a_fresh_clock_and_tells_the_new_arbitrator(world, clock):
    inc = taken(world)
    first_due = clocks.current(world.db, inc, clocks.ARBITRATION_DECISION).due_at
    clock.advance(days=1)
    arb.reassign_case(world.db, world.actor("arbitrator"), inc.id, world.users["arbitrator2"].id)
    assert inc.arbitrator_id == world.users["arbitrator2"].id
    assert clocks.current(world.db, inc, clocks.ARBITRATION_DECISION).due_at > first_due
    told = world.db.exec(
        select(Notification).where(
            Notification.user_id == world.users["arbitrator2"].id, Notification.kind == "case_reassigned"
        )
    ).all()
    assert len(told) == 1
    with pytest.raises(InvalidInput):
        arb.reassign_case(world.db, world.actor("arbitrator2"), inc.id, world.users["support"].id)
    with pytest.raises(Forbidden):
        arb.decide(world.db, world.actor("arbitrator"), inc.id, inc.version, "refund_full", None, "Plus mon dossier.")


# --- the decision ------------------------------------------------------------------------------------


def test_support_level_one_cannot_decide_and_only_the_holder_can(world):
    inc = in_arbitration(world)
    with pytest.raises(Forbidden):
        arb.decide(world.db, world.actor("support"), inc.id, inc.version, "refund_full", None, "Je tranche.")
    with pytest.raises(ServiceError) as e:
        arb.decide(world.db, world.actor("arbitrator"), inc.id, inc.version, "refund_full", None, "Pas pris.")
    assert code_of(e) == "error.case_not_taken"
    assert world.db.exec(select(func.count(Decision.id))).one() == 0


def test_decision_needs_a_rationale_and_a_partial_amount_within_the_line(world):
    inc = taken(world)
    me = world.actor("arbitrator")
    with pytest.raises(InvalidInput) as e:
        arb.decide(world.db, me, inc.id, inc.version, "refund_partial", 3_000, "   ")
    assert code_of(e) == "inputs.error.required"
    with pytest.raises(InvalidInput) as e:
        arb.decide(world.db, me, inc.id, inc.version, "refund_partial", 12_999 + 1, "Trop.")
    assert code_of(e) == "inputs.error.amount_above_refundable"
    with pytest.raises(InvalidInput):
        arb.decide(world.db, me, inc.id, inc.version, "a_bit_of_everything", None, "?")
    assert inc.state == S.in_arbitration


def test_partial_refund_decision_is_binding_notifies_both_and_its_refund_closes_the_case(world, clock):
    inc = taken(world)
    me = world.actor("arbitrator")
    arb.decide(world.db, me, inc.id, inc.version, "refund_partial", 4_000, "Le défaut est établi par la photo.")
    assert inc.state == S.resolved and inc.ball == "seller"
    decision = world.db.exec(select(Decision).where(Decision.incident_id == inc.id)).one()
    assert (decision.outcome, decision.amount_cents, decision.arbitrator_id) == ("refund_partial", 4_000, me.id)
    [ob] = world.db.exec(select(Obligation).where(Obligation.incident_id == inc.id)).all()
    assert (ob.kind, ob.holder, ob.amount_cents, ob.source) == ("refund", "seller", 4_000, "decision")
    assert ob.due_at == clock.at + timedelta(hours=48)
    told = {n.user_id for n in world.db.exec(select(Notification).where(Notification.kind == "decided")).all()}
    assert told == {world.users["camille"].id, world.users["seller_tech"].id}
    # binding: no second decision, no party move, no new arbitration even after a breach
    with pytest.raises(ServiceError):
        arb.decide(world.db, me, inc.id, inc.version, "refund_full", None, "Je me ravise.")
    with pytest.raises(ServiceError):
        svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_full", None, "Mieux ?")
    clock.advance(hours=49)
    with pytest.raises(ServiceError) as e:
        svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Toujours rien.", [photo()])
    assert code_of(e) == "error.decision_binding"
    # the customer and the seller see the decision; another customer does not
    seen = arb.decision_of(world.db, world.actor("camille"), inc.id)
    assert seen["outcome"] == "refund_partial" and seen["rationale"].startswith("Le défaut")
    assert arb.decision_of(world.db, world.actor("seller_tech"), inc.id)["amount_cents"] == 4_000
    with pytest.raises(NotFound):
        arb.decision_of(world.db, world.actor("paul"), inc.id)
    # fulfilling the obligation lets the seller close
    seller = world.actor("seller_tech")
    with pytest.raises(ServiceError) as e:
        svc.confirm_closure(world.db, seller, inc.id, inc.version)
    assert code_of(e) == "error.closure_blocked"
    fulfilment.record_refund(world.db, seller, inc.id, 4_000, date(2026, 3, 12))
    svc.post_message(world.db, seller, inc.id, "Remboursement effectué.")
    svc.confirm_closure(world.db, seller, inc.id, inc.version)
    assert (inc.state, inc.outcome) == (S.closed, "decided")
    assert world.db.exec(select(Decision).where(Decision.incident_id == inc.id)).one().amount_cents == 4_000


def test_no_action_closes_at_once(world):
    inc = taken(world)
    arb.decide(world.db, world.actor("arbitrator"), inc.id, inc.version, "no_action", 999, "Le vendeur avait raison.")
    assert (inc.state, inc.outcome, inc.ball) == (S.closed, "decided", "")
    decision = world.db.exec(select(Decision).where(Decision.incident_id == inc.id)).one()
    assert decision.amount_cents is None
    assert world.db.exec(select(Obligation).where(Obligation.incident_id == inc.id)).all() == []
    assert clocks.current(world.db, inc, clocks.ARBITRATION_DECISION) is None


def test_default_obligations_and_arbitrator_deadlines(world, clock):
    inc = taken(world)
    me = world.actor("arbitrator")
    form = arb.decision_form(world.db, me, inc.id, "replacement")
    drafts = {d.kind: d for d in form["obligations"]}
    assert set(drafts) == {"return_label", "replacement_shipment", "customer_return"}
    assert drafts["return_label"].due_at == clock.at + timedelta(hours=24)
    assert drafts["customer_return"].holder == "customer" and drafts["customer_return"].due_at is None
    assert form["refundable_cents"] == 12_999
    with pytest.raises(InvalidInput) as e:
        arb.decide(
            world.db,
            me,
            inc.id,
            inc.version,
            "replacement",
            None,
            "Remplacement.",
            {"refund": clock.at + timedelta(days=3)},
        )
    assert code_of(e) == "support.error.obligation_kind"
    with pytest.raises(InvalidInput) as e:
        arb.decide(
            world.db,
            me,
            inc.id,
            inc.version,
            "replacement",
            None,
            "Remplacement.",
            {"replacement_shipment": clock.at - timedelta(hours=1)},
        )
    assert code_of(e) == "support.error.obligation_due"
    own = clock.at + timedelta(days=5)
    arb.decide(world.db, me, inc.id, inc.version, "replacement", None, "Remplacement.", {"replacement_shipment": own})
    ship = world.db.exec(
        select(Obligation).where(Obligation.incident_id == inc.id, Obligation.kind == "replacement_shipment")
    ).one()
    assert ship.due_at == own
    row = world.db.exec(select(Deadline).where(Deadline.obligation_id == ship.id)).one()
    assert row.due_at == own and row.at_risk_at == own - timedelta(hours=24)


def test_case_file_shows_internal_notes_deadline_records_and_is_staff_only(world, clock):
    inc = refused_case(world)
    svc.post_message(world.db, world.actor("support"), inc.id, "À surveiller.", visibility="internal")
    clock.advance(days=6)  # the resolution deadline is breached before the request
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Je conteste.", [photo()])
    file = arb.case_file(world.db, world.actor("arbitrator"), inc.id)
    assert [m["kind"] for m in file["messages"]][-2:] == ["internal", "arbitration_request"]
    assert file["messages"][-1]["files"][0]["is_image"] is True
    assert [p["status"] for p in file["proposals"]] == ["refused"]
    records = {d["kind"]: d for d in file["deadlines"]}
    assert records["response"]["breached"] is False
    assert records["resolution"]["breached"] is True
    assert file["order"]["refundable_cents"] == 12_999 and file["shipment"]["carrier"] == "Colissimo"
    assert "arbitration_requested" in [e["kind"] for e in file["timeline"]]
    for outsider in ("camille", "seller_tech"):
        with pytest.raises((Forbidden, NotFound)):
            arb.case_file(world.db, world.actor(outsider), inc.id)


def test_case_file_lists_every_piece_of_evidence_with_its_giver_and_date(world, clock):
    """The customer's opening photo is in the case file too, not only the exchanges' files."""
    inc = in_arbitration(world)  # a photo at opening (defective), another with the request
    file = arb.case_file(world.db, world.actor("arbitrator"), inc.id)
    pieces = file["evidence"]
    assert [p["purpose"] for p in pieces] == ["opening", "arbitration_request"]
    camille = world.users["camille"]
    assert {(p["given_by"], p["given_by_role"]) for p in pieces} == {(camille.name, "customer")}
    assert all(p["given_at"] is not None for p in pieces)
