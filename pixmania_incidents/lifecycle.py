"""The incident lifecycle as one table: (state, action) -> next state, who, guard.

SPEC section 4, verbatim in data. Services ask `transition()` before changing an
incident; an illegal move raises `TransitionError` and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pixmania_incidents.vocabulary import ClosedOutcome, Role
from pixmania_incidents.vocabulary import IncidentState as S


class Action(StrEnum):
    respond = "respond"
    propose = "propose"
    accept = "accept"
    refuse = "refuse"
    request_help = "request_help"
    request_arbitration = "request_arbitration"
    take_case = "take_case"
    release_case = "release_case"
    reassign_case = "reassign_case"
    decide = "decide"
    confirm_closure = "confirm_closure"
    auto_close = "auto_close"
    close_return_not_sent = "close_return_not_sent"
    withdraw = "withdraw"
    withdraw_arbitration = "withdraw_arbitration"
    no_customer_reply = "no_customer_reply"


SYSTEM = "system"


@dataclass(frozen=True)
class CaseFacts:
    """What the guards need to know about a case, gathered by the service."""

    seller_proposal_refused: bool = False
    pending_proposal: bool = False
    response_breached: bool = False
    resolution_breached: bool = False
    seller_obligation_breached: bool = False
    decided: bool = False
    #: In arbitration requested from `resolved` (a breached seller obligation).
    arbitration_from_resolved: bool = False
    #: The customer's return is breached and the item not sent back.
    return_missed: bool = False
    arbitrator_id: int | None = None
    actor_posted_as_support: bool = False
    open_obligations: tuple[str, ...] = ()
    open_seller_obligations: tuple[str, ...] = ()
    open_mandatory_steps: tuple[str, ...] = ()


class TransitionError(Exception):
    """An action that the lifecycle refuses; `code` is a catalogue key."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


Guard = Callable[[CaseFacts, str], str | None]


def _always(_facts: CaseFacts, _role: str) -> str | None:
    return None


def _not_decided(facts: CaseFacts, _role: str) -> str | None:
    return "error.decision_binding" if facts.decided else None


def _arbitration_allowed(facts: CaseFacts, role: str) -> str | None:
    if facts.decided:
        return "error.decision_binding"
    if role == Role.seller:
        return None if facts.seller_proposal_refused else "error.arbitration_seller_needs_refusal"
    grounds = (
        facts.seller_proposal_refused
        or facts.pending_proposal
        or facts.response_breached
        or facts.resolution_breached
        or facts.seller_obligation_breached
    )
    return None if grounds else "error.arbitration_not_yet"


def _arbitration_from_resolved(facts: CaseFacts, role: str) -> str | None:
    if facts.decided:
        return "error.decision_binding"
    if role == Role.customer and facts.seller_obligation_breached:
        return None
    return "error.arbitration_not_yet"


def _neutral_and_free(facts: CaseFacts, _role: str) -> str | None:
    if facts.actor_posted_as_support:
        return "error.arbitrator_not_neutral"
    return "error.case_already_taken" if facts.arbitrator_id is not None else None


def _taken(facts: CaseFacts, _role: str) -> str | None:
    return None if facts.arbitrator_id is not None else "error.case_not_taken"


def _nothing_left_open(facts: CaseFacts, _role: str) -> str | None:
    if facts.open_obligations or facts.open_mandatory_steps:
        return "error.closure_blocked"
    return None


def _return_not_sent(facts: CaseFacts, _role: str) -> str | None:
    """SPEC 8.1: closable once the return is missed, unless the seller still owes something
    that did not wait on it (the replacement to ship)."""
    if not facts.return_missed:
        return "error.return_not_missed"
    return "error.closure_blocked_seller" if facts.open_seller_obligations else None


def _before_resolution(facts: CaseFacts, _role: str) -> str | None:
    """SPEC 8.5: the incident itself is withdrawn only before it was resolved."""
    return "error.withdraw_after_resolution" if facts.arbitration_from_resolved else None


def _requested_from_resolved(facts: CaseFacts, _role: str) -> str | None:
    return None if facts.arbitration_from_resolved else "error.arbitration_not_withdrawable"


@dataclass(frozen=True)
class Transition:
    to: S | None  # None: the state does not change
    roles: frozenset[str]
    guard: Guard = _always
    outcome: ClosedOutcome | None = None


ACTIVE = (S.open, S.in_progress, S.awaiting_customer, S.in_arbitration, S.resolved)
PARTIES = frozenset({Role.customer, Role.seller})
CUSTOMER = frozenset({Role.customer})
SELLER = frozenset({Role.seller})
ARBITRATOR = frozenset({Role.arbitrator})


def _table() -> dict[tuple[S, Action], Transition]:
    t: dict[tuple[S, Action], Transition] = {
        (S.open, Action.respond): Transition(S.in_progress, SELLER),
        (S.open, Action.propose): Transition(S.awaiting_customer, SELLER, _not_decided),
        (S.in_progress, Action.propose): Transition(S.awaiting_customer, SELLER, _not_decided),
        (S.awaiting_customer, Action.accept): Transition(S.resolved, CUSTOMER, _not_decided),
        (S.awaiting_customer, Action.refuse): Transition(S.in_progress, CUSTOMER, _not_decided),
        (S.awaiting_customer, Action.no_customer_reply): Transition(
            S.closed, frozenset({SYSTEM}), outcome=ClosedOutcome.no_customer_reply
        ),
        (S.resolved, Action.request_arbitration): Transition(S.in_arbitration, CUSTOMER, _arbitration_from_resolved),
        (S.in_arbitration, Action.take_case): Transition(None, ARBITRATOR, _neutral_and_free),
        (S.in_arbitration, Action.release_case): Transition(None, ARBITRATOR, _taken),
        (S.in_arbitration, Action.reassign_case): Transition(None, ARBITRATOR),
        (S.in_arbitration, Action.decide): Transition(S.resolved, ARBITRATOR, _taken),
        (S.resolved, Action.confirm_closure): Transition(S.closed, SELLER, _nothing_left_open),
        (S.resolved, Action.auto_close): Transition(S.closed, frozenset({SYSTEM}), _nothing_left_open),
        (S.resolved, Action.close_return_not_sent): Transition(
            S.closed, SELLER | {SYSTEM}, _return_not_sent, ClosedOutcome.return_not_sent
        ),
        (S.in_arbitration, Action.withdraw_arbitration): Transition(S.resolved, CUSTOMER, _requested_from_resolved),
    }
    for state in (S.open, S.in_progress, S.awaiting_customer):
        t[(state, Action.request_arbitration)] = Transition(S.in_arbitration, PARTIES, _arbitration_allowed)
    for state in (S.open, S.in_progress, S.awaiting_customer, S.in_arbitration):
        t[(state, Action.withdraw)] = Transition(S.closed, CUSTOMER, _before_resolution, ClosedOutcome.withdrawn)
    for state in ACTIVE:
        t[(state, Action.request_help)] = Transition(None, PARTIES)
    return t


TRANSITIONS = _table()


def transition(state: str, action: Action, role: str, facts: CaseFacts = CaseFacts()) -> Transition:
    """The allowed move, or `TransitionError` naming why not."""
    move = TRANSITIONS.get((S(state), action))
    if move is None:
        raise TransitionError("error.action_not_allowed_in_state", action=action.value, state=state)
    if role not in move.roles:
        raise TransitionError("error.role_cannot_act", action=action.value, role=role)
    if (reason := move.guard(facts, role)) is not None:
        raise TransitionError(
            reason,
            obligations=", ".join(facts.open_obligations),
            seller_obligations=", ".join(facts.open_seller_obligations),
            steps=", ".join(facts.open_mandatory_steps),
        )
    return move


def allowed_actions(state: str, role: str, facts: CaseFacts = CaseFacts()) -> set[Action]:
    """What this role may do now: the interface shows exactly these buttons."""
    allowed = set()
    for (from_state, action), move in TRANSITIONS.items():
        if from_state == state and role in move.roles and move.guard(facts, role) is None:
            allowed.add(action)
    return allowed


@dataclass(frozen=True)
class Ball:
    """Who must move next, and by when (None: nobody, or no clock)."""

    holder: str | None  # seller | customer | arbitrator | waiting_arbitrator | None
    due_at: datetime | None = None


@dataclass(frozen=True)
class OpenClock:
    holder: str
    due_at: datetime | None


def ball(state: str, clocks: Sequence[OpenClock] = (), arbitrator_id: int | None = None) -> Ball:
    """SPEC section 4: who holds the ball in each state, with that move's deadline."""
    state = S(state)
    if state == S.closed:
        return Ball(None)
    if state == S.in_arbitration:
        holder = "arbitrator" if arbitrator_id is not None else "waiting_arbitrator"
        return Ball(holder, _nearest(clocks, "arbitrator"))
    if state == S.resolved:
        dated = [(c.due_at, c.holder) for c in clocks if c.due_at is not None]
        if dated:
            due_at, holder = min(dated, key=lambda d: d[0])  # the first of equally near ones, as listed
            return Ball(holder, due_at)
        return Ball(clocks[0].holder if clocks else None)
    holder = "customer" if state == S.awaiting_customer else "seller"
    return Ball(holder, _nearest(clocks, holder))


def _nearest(clocks: Sequence[OpenClock], holder: str) -> datetime | None:
    dues = [c.due_at for c in clocks if c.holder == holder and c.due_at is not None]
    return min(dues) if dues else None
