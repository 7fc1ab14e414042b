"""SPEC section 8 (issue #12): the case rules that leaked, checked through the services and the sweep."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlmodel import select

from pixmania_incidents.calendar import PARIS, BusinessCalendar
from pixmania_incidents.models import (
    ArbitrationRequest,
    Deadline,
    Evidence,
    Incident,
    IncidentEvent,
    MailOutbox,
    Notification,
    Obligation,
    Proposal,
)
from pixmania_incidents.models import (
    IncidentState as S,
)
from pixmania_incidents.services import arbitration as arb
from pixmania_incidents.services import clocks, sweep, views
from pixmania_incidents.services import fulfilment as ff
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.common import InvalidInput, ServiceError
from pixmania_incidents.services.evidence import Upload
from tests.conftest import opening_evidence, photo
from tests.samples import PDF

SUPPORT = {"support", "arbitrator", "arbitrator2"}


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=PARIS).astimezone(timezone.utc)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=PARIS).astimezone(timezone.utc)


def open_case(world, type="defective", line="camille_tech_delivered") -> Incident:
    result = svc.open_incident(
        world.db, world.actor("camille"), world.lines[line].id, type, "Ne fonctionne pas.", opening_evidence(type)
    )
    return world.db.get(Incident, result.incident_id)


def agreed(world, solution, amount=None, type="defective") -> Incident:
    inc = open_case(world, type)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, solution, amount, "Voici ma proposition.")
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    return inc


def run_sweep(world) -> None:
    world.db.commit()
    sweep.run(world.db.get_bind())
    world.db.expire_all()


def obligation(world, inc, kind) -> Obligation:
    return world.db.exec(select(Obligation).where(Obligation.incident_id == inc.id, Obligation.kind == kind)).one()


def clock_row(world, inc, kind) -> Deadline:
    return world.db.exec(select(Deadline).where(Deadline.incident_id == inc.id, Deadline.kind == kind)).one()


def events(world, inc, kind) -> list[IncidentEvent]:
    rows = world.db.exec(
        select(IncidentEvent).where(IncidentEvent.incident_id == inc.id).order_by(IncidentEvent.id)
    ).all()
    return [e for e in rows if e.kind == kind]


def told(world, kind) -> set[str]:
    ids = world.db.exec(select(Notification.user_id).where(Notification.kind == kind)).all()
    names = {u.id: key for key, u in world.users.items()}
    return {names[i] for i in ids}


def state_of(world, inc) -> Incident:
    return world.db.get(Incident, inc.id)


# --- 8.1 the item is never sent back -----------------------------------------------------


def return_due(world, clock, solution="return_and_refund") -> tuple[Incident, Deadline]:
    """Agreed on Tuesday 10 March, label issued at once: the item is due back by Tuesday 24 March."""
    inc = agreed(world, solution)
    ff.issue_return_label(world.db, world.actor("seller_tech"), inc.id)
    row = clock_row(world, inc, "customer_return")
    assert row.due_at.isoformat() == "2026-03-24T22:59:59+00:00"
    return inc, row


def missed(world, clock, solution="return_and_refund") -> Incident:
    inc, row = return_due(world, clock, solution)
    clock.at = row.due_at + timedelta(seconds=1)
    run_sweep(world)
    return inc


def declare_sent_back(world, inc) -> None:
    svc.post_message(world.db, world.actor("camille"), inc.id, "Dépôt", [Upload("depot.pdf", PDF)])
    proof = world.db.exec(
        select(Evidence.id).where(Evidence.incident_id == inc.id).order_by(Evidence.id.desc())
    ).first()
    label = views.incident_view(world.db, world.actor("camille"), inc.id)["return_labels"][0]["id"]
    ff.declare_sent_back(world.db, world.actor("camille"), inc.id, label, proof)


def test_customer_is_reminded_three_business_days_before_the_return_is_due_and_told_what_follows(world, clock):
    inc, row = return_due(world, clock)
    reminder = midnight(date(2026, 3, 21))  # Sat 21 (3), Mon 23 (2), Tue 24 (1)
    clock.at = reminder - timedelta(seconds=1)
    run_sweep(world)
    assert not told(world, "return_reminder")
    clock.at = reminder
    run_sweep(world)
    run_sweep(world)
    assert told(world, "return_reminder") == {"camille"}
    [event] = events(world, inc, "customer_reminded")
    assert event.after["deadline"] == "customer_return"
    [mail] = world.db.exec(
        select(MailOutbox).where(MailOutbox.to_addr == "camille@example.com", MailOutbox.subject.contains("Rappel"))
    ).all()
    assert "clôturé 7 jours plus tard" in mail.subject


def test_a_missed_return_cancels_the_refund_waiting_for_it_and_tells_everyone_once(world, clock):
    inc = missed(world, clock)
    refund = obligation(world, inc, "refund")
    assert refund.cancelled_at == clock.at and refund.met_at is None
    assert obligation(world, inc, "return_label").cancelled_at is None  # met long ago: untouched
    assert svc.refundable_cents(world.db, inc) == 12_999  # the promise no longer holds the line's money
    assert told(world, "return_missed") == {"camille", "seller_tech"} | SUPPORT
    assert not told(world, "deadline_breached")  # one notice of the breach, saying what follows
    run_sweep(world)
    assert len(events(world, inc, "return_missed")) == 1
    assert len(world.db.exec(select(Notification).where(Notification.kind == "return_missed")).all()) == 5
    assert state_of(world, inc).state == S.resolved
    view = views.incident_view(world.db, world.actor("camille"), inc.id)
    assert {o["kind"]: o["cancelled_at"] is not None for o in view["obligations"]}["refund"]
    assert "close_return_not_sent" in views.incident_view(world.db, world.actor("seller_tech"), inc.id)["allowed"]
    # The customer may still call support in.
    svc.request_help(world.db, world.actor("camille"), inc.id, "Je n'ai pas pu déposer le colis.")


def test_the_case_closes_as_return_not_sent_seven_days_after_the_breach(world, clock):
    inc = missed(world, clock)
    breach = clock_row(world, inc, "customer_return").breached_at
    assert breach == midnight(date(2026, 3, 25))
    clock.at = breach + timedelta(days=7) - timedelta(seconds=1)
    run_sweep(world)
    assert state_of(world, inc).state == S.resolved
    clock.at = breach + timedelta(days=7)
    run_sweep(world)
    closed = state_of(world, inc)
    assert (closed.state, closed.outcome, closed.closed_at) == (S.closed, "return_not_sent", clock.at)
    assert len(events(world, inc, "closed_return_not_sent")) == 1
    assert told(world, "closed_return_not_sent") == {"camille", "seller_tech"}


def test_the_seller_may_close_as_soon_as_the_return_is_missed(world, clock):
    inc, row = return_due(world, clock)
    with pytest.raises(ServiceError) as err:
        svc.close_return_not_sent(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert err.value.code == "error.return_not_missed"
    clock.at = row.due_at + timedelta(seconds=1)  # no sweep has recorded the breach yet
    with pytest.raises(ServiceError) as err:  # the ordinary closure still waits for the return
        svc.confirm_closure(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert err.value.code == "error.closure_blocked"
    svc.close_return_not_sent(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert (inc.state, inc.outcome) == (S.closed, "return_not_sent")
    assert obligation(world, inc, "refund").cancelled_at is not None
    assert told(world, "closed_return_not_sent") == {"camille"}


def test_a_replacement_does_not_wait_for_the_return_so_it_is_still_owed(world, clock):
    inc = missed(world, clock, "replacement")
    assert obligation(world, inc, "replacement_shipment").cancelled_at is None
    inc = state_of(world, inc)
    with pytest.raises(ServiceError) as err:
        svc.close_return_not_sent(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert err.value.code == "error.closure_blocked_seller"
    assert err.value.params["seller_obligations"] == "Expédier l’article"
    clock.advance(days=7)
    run_sweep(world)
    assert state_of(world, inc).state == S.resolved  # not closed over an item the seller still owes
    ff.ship_replacement(world.db, world.actor("seller_tech"), inc.id, "Colissimo", "6A123")
    svc.close_return_not_sent(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert state_of(world, inc).outcome == "return_not_sent"


def test_a_return_received_late_reopens_the_seller_obligations(world, clock):
    inc = missed(world, clock)
    clock.advance(days=2)
    declare_sent_back(world, inc)
    refund = obligation(world, inc, "refund")
    assert refund.cancelled_at is None and refund.due_at is None  # owed again, from the receipt
    assert clock_row(world, inc, "customer_return").state == "met_late"
    inc = state_of(world, inc)
    with pytest.raises(ServiceError) as err:
        svc.close_return_not_sent(world.db, world.actor("seller_tech"), inc.id, inc.version)
    assert err.value.code == "error.return_not_missed"
    clock.advance(hours=5)
    label = views.incident_view(world.db, world.actor("seller_tech"), inc.id)["return_labels"][0]["id"]
    ff.mark_return_received(world.db, world.actor("seller_tech"), inc.id, label)
    assert obligation(world, inc, "refund").due_at == clock.at + timedelta(hours=48)
    assert svc.refundable_cents(world.db, inc) == 0


# --- 8.2 a breach stays recorded ---------------------------------------------------------


def resolution_breached(world, clock) -> Incident:
    """Opened Tuesday 10 March: the resolution is due Friday 13 at 23:59:59, breached at midnight."""
    inc = open_case(world)
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Je regarde.")
    clock.at = midnight(date(2026, 3, 14))
    run_sweep(world)
    assert clock_row(world, inc, "resolution").state == "breached"
    return state_of(world, inc)


def resolution_breaches(world, inc) -> list[IncidentEvent]:
    return [e for e in events(world, inc, "deadline_breached") if e.after["deadline"] == "resolution"]


def test_a_late_proposal_pauses_nothing_and_a_refusal_tells_no_second_breach(world, clock):
    inc = resolution_breached(world, clock)
    notified = len(world.db.exec(select(Notification).where(Notification.kind == "deadline_breached")).all())
    clock.advance(hours=1)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_partial", 3_000, "Un geste.")
    row = clock_row(world, inc, "resolution")
    assert (row.state, row.paused) == ("breached", False)
    assert inc.deadline_state == "breached"
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Trop peu.")
    run_sweep(world)
    assert len(resolution_breaches(world, inc)) == 1
    assert len(world.db.exec(select(Notification).where(Notification.kind == "deadline_breached")).all()) == notified
    assert len(world.db.exec(select(MailOutbox).where(MailOutbox.subject.contains("Délai dépassé"))).all()) == notified


def test_a_late_proposal_accepted_meets_the_resolution_late(world, clock):
    inc = resolution_breached(world, clock)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_partial", 3_000, "Un geste.")
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    row = clock_row(world, inc, "resolution")
    assert (row.state, row.met_at) == ("met_late", clock.at)
    assert len(resolution_breaches(world, inc)) == 1


# --- 8.3 evidence rules are service rules ------------------------------------------------


@pytest.mark.parametrize("type", ["defective", "damaged"])
def test_opening_a_defective_or_damaged_case_needs_a_photo(world, type):
    line = world.lines["camille_tech_delivered"].id
    for evidence in ([], [Upload("facture.pdf", PDF)]):
        with pytest.raises(InvalidInput) as err:
            svc.open_incident(world.db, world.actor("camille"), line, type, "Cassé.", evidence)
        assert err.value.code == "incidents.error.photo_required"
    assert world.db.exec(select(Incident)).all() == []
    svc.open_incident(world.db, world.actor("camille"), line, type, "Cassé.", [Upload("facture.pdf", PDF), photo()])


def test_other_types_open_without_evidence(world):
    line = world.lines["camille_tech_delivered"].id
    svc.open_incident(world.db, world.actor("camille"), line, "not_received", "Rien reçu.")


# --- 8.4 each request keeps its own reason -----------------------------------------------


def test_an_arbitration_request_keeps_its_reason_and_the_proposal_it_refuses_says_so(world):
    inc = open_case(world)
    seller = world.actor("seller_tech")
    svc.propose(world.db, seller, inc.id, inc.version, "refund_partial", 2_000, "Un geste.")
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Trop peu.")
    svc.propose(world.db, seller, inc.id, inc.version, "refund_partial", 3_000, "Un geste plus grand.")
    svc.request_arbitration(world.db, seller, inc.id, inc.version, "Le client exagère.", [photo()])
    first, second = world.db.exec(select(Proposal).where(Proposal.incident_id == inc.id).order_by(Proposal.id)).all()
    assert first.refusal_reason == "Trop peu."
    assert second.status == "refused" and second.refusal_reason != "Le client exagère."
    assert world.db.exec(select(ArbitrationRequest.reason)).one() == "Le client exagère."
    shown = views.incident_view(world.db, world.actor("camille"), inc.id)["proposals"]
    assert [(p["refusal_reason"], p["refused_by_arbitration"]) for p in shown] == [("Trop peu.", False), (None, True)]
    case = arb.case_file(world.db, world.actor("arbitrator"), inc.id)["proposals"]
    assert [(p["refusal_reason"], p["refused_by_arbitration"]) for p in case] == [("Trop peu.", False), (None, True)]


# --- 8.5 withdrawing ---------------------------------------------------------------------


def arbitration_after_resolution(world, clock) -> Incident:
    """A partial refund agreed on Tuesday and not paid within 48 h: the customer asks for arbitration."""
    inc = agreed(world, "refund_partial", 5_000)
    clock.advance(hours=48, seconds=1)
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Pas remboursé.", [photo()])
    assert inc.state == S.in_arbitration
    return inc


def test_an_arbitration_requested_after_resolution_is_withdrawn_as_a_request(world, clock):
    inc = arbitration_after_resolution(world, clock)
    arb.take_case(world.db, world.actor("arbitrator"), inc.id)
    allowed = views.incident_view(world.db, world.actor("camille"), inc.id)["allowed"]
    assert "withdraw_arbitration" in allowed and "withdraw" not in allowed
    with pytest.raises(ServiceError) as err:
        svc.withdraw(world.db, world.actor("camille"), inc.id, inc.version)
    assert err.value.code == "error.withdraw_after_resolution"
    svc.withdraw_arbitration(world.db, world.actor("camille"), inc.id, inc.version)
    assert (inc.state, inc.outcome, inc.arbitrator_id) == (S.resolved, None, None)
    refund = obligation(world, inc, "refund")
    assert (refund.met_at, refund.cancelled_at) == (None, None)
    assert clock_row(world, inc, "refund").state == "breached"  # every obligation as it was
    assert clock_row(world, inc, "statement").settled == "cancelled"
    assert clock_row(world, inc, "arbitration_decision").settled == "cancelled"
    assert world.db.exec(select(ArbitrationRequest.withdrawn_at)).one() == clock.at
    assert views.incident_view(world.db, world.actor("camille"), inc.id)["arbitration"]["withdrawn_at"]
    assert arb.queue(world.db, world.actor("arbitrator")) == []
    assert told(world, "arbitration_withdrawn") == {"seller_tech", "arbitrator"}
    with pytest.raises(ServiceError) as err:  # the case is not over: no second case on the line
        open_case(world)
    assert err.value.code == "incidents.error.already_open"
    # The refund is still owed; asking again remains possible.
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Toujours rien.", [photo()])
    assert inc.state == S.in_arbitration


def test_before_resolution_the_incident_itself_is_withdrawn(world):
    inc = open_case(world)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_partial", 2_000, "Un geste.")
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Trop peu.")
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Je conteste.", [photo()])
    with pytest.raises(ServiceError) as err:
        svc.withdraw_arbitration(world.db, world.actor("camille"), inc.id, inc.version)
    assert err.value.code == "error.arbitration_not_withdrawable"
    svc.withdraw(world.db, world.actor("camille"), inc.id, inc.version)
    assert (inc.state, inc.outcome) == (S.closed, "withdrawn")


# --- 8.6 at risk -------------------------------------------------------------------------


def test_an_accepted_return_is_not_at_risk_the_moment_it_is_agreed(world, clock):
    inc = agreed(world, "replacement")
    label = clock_row(world, inc, "return_label")
    assert label.at_risk_at == label.due_at - timedelta(hours=6)
    assert label.state == "on_track" and not events(world, inc, "deadline_at_risk")
    clock.at = label.at_risk_at
    run_sweep(world)
    assert [e.after["deadline"] for e in events(world, inc, "deadline_at_risk")] == ["return_label"]


# --- 8.7 whose calendar ------------------------------------------------------------------


def test_the_shops_closed_days_stretch_only_the_sellers_deadlines(world, clock):
    shop = world.shops["tech"]
    shop.calendar_kind, shop.closed_days = "ouvres", ["2026-03-11", "2026-03-12"]
    world.db.add(shop)
    inc = open_case(world)
    # Seller: Wednesday and Thursday closed, no Saturday: Fri 13 (1), Mon 16 (2), Tue 17 (3).
    assert clock_row(world, inc, "resolution").due_at == end_of_day(date(2026, 3, 17))
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_partial", 2_000, "Un geste.")
    # Customer: jours ouvrables, holidays only: Wed 11 … Mon 16 (5).
    assert clock_row(world, inc, "customer_answer").due_at == end_of_day(date(2026, 3, 16))
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Je conteste.", [photo()])
    assert clock_row(world, inc, "statement").due_at == end_of_day(date(2026, 3, 12))
    arb.take_case(world.db, world.actor("arbitrator"), inc.id)
    assert clock_row(world, inc, "arbitration_decision").due_at == end_of_day(date(2026, 3, 12))
    assert clocks.calendar_of(inc) != BusinessCalendar()


# --- 8.8 the breach instant --------------------------------------------------------------


def test_a_deadline_is_breached_from_the_second_after_it_is_due(world, clock):
    inc = open_case(world)
    due = clock_row(world, inc, "response").due_at
    clock.at = due
    run_sweep(world)
    assert clock_row(world, inc, "response").state == "at_risk"
    clock.at = due + timedelta(seconds=1)
    run_sweep(world)
    row = clock_row(world, inc, "response")
    assert (row.state, row.breached_at) == ("breached", due + timedelta(seconds=1))
