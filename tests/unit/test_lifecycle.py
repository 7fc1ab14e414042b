"""The lifecycle table (SPEC section 4): every allowed move, a sample of forbidden ones, who holds the ball."""

from datetime import datetime, timedelta, timezone

import pytest

from pixmania_incidents.lifecycle import (
    SYSTEM,
    Action,
    CaseFacts,
    OpenClock,
    TransitionError,
    allowed_actions,
    ball,
    transition,
)
from pixmania_incidents.models import ClosedOutcome
from pixmania_incidents.models import IncidentState as S

REFUSED = CaseFacts(seller_proposal_refused=True)
TAKEN = CaseFacts(arbitrator_id=7)
FROM_RESOLVED = CaseFacts(arbitration_from_resolved=True, seller_obligation_breached=True)
MISSED = CaseFacts(return_missed=True, open_obligations=("customer_return",))

ALLOWED = [
    # (state, action, role, facts, next state or None for unchanged, outcome)
    (S.open, Action.respond, "seller", CaseFacts(), S.in_progress, None),
    (S.open, Action.propose, "seller", CaseFacts(), S.awaiting_customer, None),
    (S.in_progress, Action.propose, "seller", CaseFacts(), S.awaiting_customer, None),
    (S.awaiting_customer, Action.accept, "customer", CaseFacts(), S.resolved, None),
    (S.awaiting_customer, Action.refuse, "customer", CaseFacts(), S.in_progress, None),
    (S.awaiting_customer, Action.no_customer_reply, SYSTEM, CaseFacts(), S.closed, ClosedOutcome.no_customer_reply),
    (S.in_progress, Action.request_arbitration, "customer", REFUSED, S.in_arbitration, None),
    (S.open, Action.request_arbitration, "customer", CaseFacts(response_breached=True), S.in_arbitration, None),
    (
        S.in_progress,
        Action.request_arbitration,
        "customer",
        CaseFacts(resolution_breached=True),
        S.in_arbitration,
        None,
    ),
    (
        S.awaiting_customer,
        Action.request_arbitration,
        "customer",
        CaseFacts(pending_proposal=True),
        S.in_arbitration,
        None,
    ),
    (S.in_progress, Action.request_arbitration, "seller", REFUSED, S.in_arbitration, None),
    (
        S.resolved,
        Action.request_arbitration,
        "customer",
        CaseFacts(seller_obligation_breached=True),
        S.in_arbitration,
        None,
    ),
    (S.in_arbitration, Action.take_case, "arbitrator", CaseFacts(), None, None),
    (S.in_arbitration, Action.release_case, "arbitrator", TAKEN, None, None),
    (S.in_arbitration, Action.reassign_case, "arbitrator", TAKEN, None, None),
    (S.in_arbitration, Action.decide, "arbitrator", TAKEN, S.resolved, None),
    (S.resolved, Action.confirm_closure, "seller", CaseFacts(), S.closed, None),
    (S.resolved, Action.auto_close, SYSTEM, CaseFacts(), S.closed, None),
    (S.resolved, Action.close_return_not_sent, "seller", MISSED, S.closed, ClosedOutcome.return_not_sent),
    (S.resolved, Action.close_return_not_sent, SYSTEM, MISSED, S.closed, ClosedOutcome.return_not_sent),
    (S.in_arbitration, Action.withdraw_arbitration, "customer", FROM_RESOLVED, S.resolved, None),
    *[
        (s, Action.withdraw, "customer", CaseFacts(), S.closed, ClosedOutcome.withdrawn)
        for s in (S.open, S.in_progress, S.awaiting_customer, S.in_arbitration)
    ],
    *[
        (s, Action.request_help, role, CaseFacts(), None, None)
        for s in (S.open, S.in_progress, S.awaiting_customer, S.in_arbitration, S.resolved)
        for role in ("customer", "seller")
    ],
]


@pytest.mark.parametrize("state,action,role,facts,to,outcome", ALLOWED)
def test_allowed_moves(state, action, role, facts, to, outcome):
    move = transition(state, action, role, facts)
    assert move.to == to
    assert move.outcome == outcome
    assert action in allowed_actions(state, role, facts)


FORBIDDEN = [
    (S.closed, Action.request_help, "customer", CaseFacts(), "error.action_not_allowed_in_state"),
    (S.closed, Action.withdraw, "customer", CaseFacts(), "error.action_not_allowed_in_state"),
    (S.resolved, Action.withdraw, "customer", CaseFacts(), "error.action_not_allowed_in_state"),
    (S.open, Action.accept, "customer", CaseFacts(), "error.action_not_allowed_in_state"),
    (S.awaiting_customer, Action.accept, "seller", CaseFacts(), "error.role_cannot_act"),
    (S.open, Action.propose, "customer", CaseFacts(), "error.role_cannot_act"),
    (S.in_arbitration, Action.propose, "seller", CaseFacts(), "error.action_not_allowed_in_state"),
    (S.in_arbitration, Action.decide, "support", TAKEN, "error.role_cannot_act"),
    (S.in_arbitration, Action.decide, "arbitrator", CaseFacts(), "error.case_not_taken"),
    (S.in_arbitration, Action.take_case, "arbitrator", TAKEN, "error.case_already_taken"),
    (
        S.in_arbitration,
        Action.take_case,
        "arbitrator",
        CaseFacts(actor_posted_as_support=True),
        "error.arbitrator_not_neutral",
    ),
    (S.in_progress, Action.request_arbitration, "customer", CaseFacts(), "error.arbitration_not_yet"),
    (
        S.in_progress,
        Action.request_arbitration,
        "seller",
        CaseFacts(response_breached=True),
        "error.arbitration_seller_needs_refusal",
    ),
    (S.resolved, Action.request_arbitration, "customer", CaseFacts(), "error.arbitration_not_yet"),
    (S.resolved, Action.request_arbitration, "seller", REFUSED, "error.role_cannot_act"),
    (
        S.in_progress,
        Action.request_arbitration,
        "customer",
        CaseFacts(decided=True, resolution_breached=True),
        "error.decision_binding",
    ),
    (S.in_progress, Action.propose, "seller", CaseFacts(decided=True), "error.decision_binding"),
    (S.resolved, Action.confirm_closure, "seller", CaseFacts(open_obligations=("refund",)), "error.closure_blocked"),
    (
        S.resolved,
        Action.confirm_closure,
        "seller",
        CaseFacts(open_mandatory_steps=("check_carrier",)),
        "error.closure_blocked",
    ),
    (S.awaiting_customer, Action.no_customer_reply, "customer", CaseFacts(), "error.role_cannot_act"),
    (S.in_arbitration, Action.withdraw, "customer", FROM_RESOLVED, "error.withdraw_after_resolution"),
    (S.in_arbitration, Action.withdraw_arbitration, "customer", REFUSED, "error.arbitration_not_withdrawable"),
    (S.in_arbitration, Action.withdraw_arbitration, "seller", FROM_RESOLVED, "error.role_cannot_act"),
    (
        S.resolved,
        Action.close_return_not_sent,
        "seller",
        CaseFacts(open_obligations=("refund",)),
        "error.return_not_missed",
    ),
    (
        S.resolved,
        Action.close_return_not_sent,
        "seller",
        CaseFacts(return_missed=True, open_seller_obligations=("ship",)),
        "error.closure_blocked_seller",
    ),
    (S.resolved, Action.close_return_not_sent, "customer", MISSED, "error.role_cannot_act"),
    (S.resolved, Action.confirm_closure, "seller", MISSED, "error.closure_blocked"),
]


@pytest.mark.parametrize("state,action,role,facts,code", FORBIDDEN)
def test_forbidden_moves(state, action, role, facts, code):
    with pytest.raises(TransitionError) as err:
        transition(state, action, role, facts)
    assert err.value.code == code
    assert action not in allowed_actions(state, role, facts)


def test_closure_refusal_names_what_is_open():
    with pytest.raises(TransitionError) as err:
        transition(
            S.resolved,
            Action.confirm_closure,
            "seller",
            CaseFacts(open_obligations=("refund",), open_mandatory_steps=("check_carrier", "keep_informed")),
        )
    assert err.value.params == {
        "obligations": "refund",
        "seller_obligations": "",
        "steps": "check_carrier, keep_informed",
    }


T0 = datetime(2026, 3, 10, 9, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "state,clocks,arbitrator,holder,due",
    [
        (
            S.open,
            [OpenClock("seller", T0 + timedelta(hours=48)), OpenClock("seller", T0 + timedelta(days=3))],
            None,
            "seller",
            T0 + timedelta(hours=48),
        ),
        (S.in_progress, [OpenClock("seller", T0 + timedelta(days=3))], None, "seller", T0 + timedelta(days=3)),
        (
            S.awaiting_customer,
            [OpenClock("customer", T0 + timedelta(days=5)), OpenClock("seller", T0 + timedelta(days=3))],
            None,
            "customer",
            T0 + timedelta(days=5),
        ),
        (S.in_arbitration, [], None, "waiting_arbitrator", None),
        (S.in_arbitration, [OpenClock("arbitrator", T0 + timedelta(days=2))], 7, "arbitrator", T0 + timedelta(days=2)),
        (
            S.resolved,
            [OpenClock("customer", T0 + timedelta(days=14)), OpenClock("seller", T0 + timedelta(hours=24))],
            None,
            "seller",
            T0 + timedelta(hours=24),
        ),
        (
            S.resolved,
            [OpenClock("customer", T0 + timedelta(days=14)), OpenClock("seller", None)],
            None,
            "customer",
            T0 + timedelta(days=14),
        ),
        (S.closed, [OpenClock("seller", T0)], None, None, None),
    ],
)
def test_who_holds_the_ball(state, clocks, arbitrator, holder, due):
    b = ball(state, clocks, arbitrator)
    assert (b.holder, b.due_at) == (holder, due)
