"""Two conflicting actions released at one barrier, on SQLite and on PostgreSQL: exactly one
takes effect, the other is refused with a message the user can act on, and the case's
invariants hold after every round (SPEC 8.9).

Each race runs ROUNDS times on a fresh case, each action in its own thread and its own unit
of work, as two browser tabs (or a tab and the sweep) would run them on the server.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from pixmania_incidents import settings
from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import (
    ArbitrationRequest,
    CustomerOrder,
    Incident,
    IncidentEvent,
    Listing,
    LoginSession,
    Message,
    OrderLine,
    Proposal,
    Refund,
    Shipment,
)
from pixmania_incidents.services import auth, fulfilment, sweep, unit
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.common import ServiceError, StaleVersion
from pixmania_incidents.services.evidence import Upload
from tests.conftest import NOW, World, make_world
from tests.samples import PDF

pytestmark = pytest.mark.concurrency

ROUNDS = 10
WON = "won"


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "EVIDENCE_DIR", tmp_path / "evidence")


@pytest.fixture(params=["sqlite", "postgresql"])
def race_engine(request, engine):
    if request.param == "sqlite":
        yield engine
        return
    pg = make_engine(request.getfixturevalue("pg_url"))
    yield pg
    pg.dispose()


@pytest.fixture
def town(race_engine, clock) -> World:
    with Session(race_engine, expire_on_commit=False) as session:
        world = make_world(session)
    return world


# --- running two actions at once -------------------------------------------------------------


Action = Callable[[Session], object]


def race(engine: sa.Engine, *actions: Action) -> list[str]:
    """Each action in its own thread and unit of work, released together; what each got."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            with session_scope(engine) as session:
                actions[i](session)
            outcomes[i] = WON
        except ServiceError as exc:
            outcomes[i] = exc.code
        except sa.orm.exc.StaleDataError:  # what `unit.run_as` shows as "the case changed"
            outcomes[i] = StaleVersion.code
        except Exception as exc:  # noqa: BLE001 - a crash is a finding, reported by the assertion
            outcomes[i] = f"crash: {exc!r}"

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(actions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def one_winner(outcomes: list[str], loser: str = StaleVersion.code) -> None:
    assert sorted(outcomes) == sorted([WON, loser]), outcomes


# --- cases to race on ------------------------------------------------------------------------


@dataclass
class Case:
    id: int
    version: int
    line_id: int


_SKUS = itertools.count(1)


def fresh_line(town: World, engine: sa.Engine) -> int:
    """A new delivered line of Camille's at TechShop, so every round opens its own case."""
    with session_scope(engine) as session:
        shop = town.shops["tech"]
        listing = Listing(shop_id=shop.id, sku=f"RACE-{next(_SKUS)}", title="Casque", price_cents=12_999)
        session.add(listing)
        session.flush()
        order = CustomerOrder(
            reference=f"R-{listing.id}",
            customer_id=town.users["camille"].id,
            shop_id=shop.id,
            placed_at=NOW - timedelta(days=10),
            shipping_address="1 rue A, 75001 Paris",
        )
        session.add(order)
        session.flush()
        line = OrderLine(order_id=order.id, listing_id=listing.id, unit_price_cents=12_999, total_cents=12_999)
        session.add(line)
        session.add(
            Shipment(
                order_id=order.id,
                carrier="Colissimo",
                tracking_number=f"6A{listing.id:09d}",
                state="delivered",
                shipped_at=NOW - timedelta(days=8),
                delivered_at=NOW - timedelta(days=5),
            )
        )
        session.flush()
        return line.id


def case_on(
    town: World, engine: sa.Engine, line_id: int, type: str = "not_received", *, proposed: bool = False
) -> Case:
    with session_scope(engine) as session:
        result = svc.open_incident(session, town.actor("camille"), line_id, type, "Le colis n'est jamais arrivé.")
        if proposed:
            result = svc.propose(
                session,
                town.actor("seller_tech"),
                result.incident_id,
                result.version,
                "refund_full",
                None,
                "Nous vous remboursons.",
            )
        return Case(result.incident_id, result.version, line_id)


def new_case(town: World, engine: sa.Engine, **kwargs: object) -> Case:
    return case_on(town, engine, fresh_line(town, engine), **kwargs)  # type: ignore[arg-type]


# --- the invariants ---------------------------------------------------------------------------


def check_invariants(engine: sa.Engine, case_ids: list[int]) -> None:
    with session_scope(engine, write=False) as session:
        for incident_id in case_ids:
            incident = session.get(Incident, incident_id)
            pending = session.exec(
                select(Proposal).where(Proposal.incident_id == incident_id, Proposal.status == "pending")
            ).all()
            assert len(pending) <= 1, f"{len(pending)} pending proposals"
            assert (incident.state == "awaiting_customer") == (len(pending) == 1), incident.state
            closed = incident.state == "closed"
            assert closed == (incident.outcome is not None) == (incident.closed_at is not None), (
                incident.state,
                incident.outcome,
                incident.closed_at,
            )
            open_requests = session.exec(
                select(ArbitrationRequest.id).where(
                    ArbitrationRequest.incident_id == incident_id, ArbitrationRequest.decided_at.is_(None)
                )
            ).all()
            assert not open_requests or incident.state in ("in_arbitration", "closed"), incident.state
            responses = [
                e
                for e in session.exec(select(IncidentEvent).where(IncidentEvent.incident_id == incident_id)).all()
                if e.after.get("response")
            ]
            assert len(responses) <= 1, f"{len(responses)} events record the response"
            line = session.get(OrderLine, incident.order_line_id)
            refunds = session.exec(
                select(sa.func.coalesce(sa.func.sum(Refund.amount_cents), 0))
                .join(Incident, Incident.id == Refund.incident_id)
                .where(Incident.order_line_id == line.id)
            ).one()
            assert refunds == line.refunded_cents <= line.total_cents, (refunds, line.refunded_cents, line.total_cents)


# --- the races of issue #12 --------------------------------------------------------------------


def test_accept_and_refuse_from_two_tabs(town, race_engine):
    camille = town.actor("camille")
    for _ in range(ROUNDS):
        case = new_case(town, race_engine, proposed=True)
        one_winner(
            race(
                race_engine,
                lambda s, case=case: svc.accept(s, camille, case.id, case.version),
                lambda s, case=case: svc.refuse(s, camille, case.id, case.version, "Je préfère un renvoi."),
            )
        )
        check_invariants(race_engine, [case.id])


def test_two_proposals_from_two_tabs(town, race_engine):
    seller = town.actor("seller_tech")
    for _ in range(ROUNDS):
        case = new_case(town, race_engine)
        one_winner(
            race(
                race_engine,
                lambda s, case=case: svc.propose(
                    s, seller, case.id, case.version, "refund_full", None, "Remboursement."
                ),
                lambda s, case=case: svc.propose(s, seller, case.id, case.version, "reship", None, "Nouvel envoi."),
            )
        )
        check_invariants(race_engine, [case.id])


def test_proposal_against_withdrawal(town, race_engine):
    seller, camille = town.actor("seller_tech"), town.actor("camille")
    for _ in range(ROUNDS):
        case = new_case(town, race_engine)
        one_winner(
            race(
                race_engine,
                lambda s, case=case: svc.propose(s, seller, case.id, case.version, "reship", None, "Nouvel envoi."),
                lambda s, case=case: svc.withdraw(s, camille, case.id, case.version),
            )
        )
        check_invariants(race_engine, [case.id])


def test_accept_against_arbitration_request(town, race_engine):
    camille = town.actor("camille")
    for _ in range(ROUNDS):
        case = new_case(town, race_engine, proposed=True)
        one_winner(
            race(
                race_engine,
                lambda s, case=case: svc.accept(s, camille, case.id, case.version),
                lambda s, case=case: svc.request_arbitration(
                    s, camille, case.id, case.version, "Le vendeur ne répond pas.", [Upload("preuve.pdf", PDF)]
                ),
            )
        )
        check_invariants(race_engine, [case.id])


@pytest.mark.parametrize("customer_act", ["accept", "refuse", "withdraw", "request_arbitration"])
def test_sweep_closing_for_no_reply_against_each_customer_action(town, race_engine, clock, customer_act):
    camille = town.actor("camille")
    acts: dict[str, Callable[[Case], Action]] = {
        "accept": lambda c: lambda s: svc.accept(s, camille, c.id, c.version),
        "refuse": lambda c: lambda s: svc.refuse(s, camille, c.id, c.version, "Non merci."),
        "withdraw": lambda c: lambda s: svc.withdraw(s, camille, c.id, c.version),
        "request_arbitration": lambda c: (
            lambda s: svc.request_arbitration(
                s, camille, c.id, c.version, "Proposition insuffisante.", [Upload("preuve.pdf", PDF)]
            )
        ),
    }
    for _ in range(ROUNDS):
        case = new_case(town, race_engine, proposed=True)
        clock.advance(days=9)  # past the customer's 5 business days to answer
        reports: list[sweep.SweepReport] = []
        outcomes = race(
            race_engine, lambda s, reports=reports: reports.append(sweep.run(race_engine)), acts[customer_act](case)
        )
        with session_scope(race_engine, write=False) as session:
            incident = session.get(Incident, case.id)
        closed_by_sweep = incident.outcome == "no_customer_reply"
        assert outcomes[0] == WON
        assert (outcomes[1] == WON) != closed_by_sweep, (outcomes, incident.state, incident.outcome)
        if closed_by_sweep:
            assert outcomes[1] == StaleVersion.code
        check_invariants(race_engine, [case.id])


def test_two_full_refunds_on_one_case(town, race_engine):
    seller = town.actor("seller_tech")
    for _ in range(ROUNDS):
        case = new_case(town, race_engine)
        one_winner(
            race(
                race_engine,
                lambda s, case=case: fulfilment.record_refund(s, seller, case.id, 12_999, date(2026, 3, 9)),
                lambda s, case=case: fulfilment.record_refund(s, seller, case.id, 12_999, date(2026, 3, 9)),
            ),
            loser="inputs.error.amount_above_refundable",
        )
        check_invariants(race_engine, [case.id])


def test_full_refunds_on_two_cases_of_one_line(town, race_engine):
    seller = town.actor("seller_tech")
    for _ in range(ROUNDS):
        line_id = fresh_line(town, race_engine)
        first = case_on(town, race_engine, line_id, "not_received")
        second = case_on(town, race_engine, line_id, "not_as_described")
        one_winner(
            race(
                race_engine,
                lambda s, first=first: fulfilment.record_refund(s, seller, first.id, 12_999, date(2026, 3, 9)),
                lambda s, second=second: fulfilment.record_refund(s, seller, second.id, 12_999, date(2026, 3, 9)),
            ),
            loser="inputs.error.amount_above_refundable",
        )
        check_invariants(race_engine, [first.id, second.id])


def test_concurrent_seller_messages_record_one_response_and_one_order(town, race_engine):
    seller = town.actor("seller_tech")
    case = new_case(town, race_engine)
    outcomes = race(
        race_engine,
        *[partial(svc.post_message, actor=seller, incident_id=case.id, body=f"Message {n}") for n in range(12)],
    )
    assert outcomes == [WON] * 12
    check_invariants(race_engine, [case.id])
    with session_scope(race_engine, write=False) as session:
        rows = session.exec(select(Message).where(Message.incident_id == case.id).order_by(Message.id)).all()
        incident = session.get(Incident, case.id)
    stamps = [m.created_at for m in rows]
    assert stamps == sorted(stamps), "message ids and instants disagree on their order"
    assert incident.first_response_at == rows[0].created_at


def test_a_lost_compare_and_set_reads_as_the_case_changed(town, race_engine, monkeypatch):
    """A write made from a copy of the case read before another change committed is refused
    by the database (version compare-and-set), and the interface shows "the case changed"."""
    camille = town.actor("camille")
    case = new_case(town, race_engine, proposed=True)
    with Session(race_engine, expire_on_commit=False) as stale_tab:
        copy = stale_tab.get(Incident, case.id)
        stale_tab.commit()
        with session_scope(race_engine) as other:
            svc.refuse(other, camille, case.id, case.version, "Non.")
        copy.description = "écrasé"
        with pytest.raises(sa.orm.exc.StaleDataError):
            stale_tab.commit()

    monkeypatch.setattr(settings, "DB_URL", str(race_engine.url.render_as_string(hide_password=False)))
    token = "jeton-de-test"
    with session_scope(race_engine) as session:
        session.add(
            LoginSession(
                user_id=camille.id,
                token_hash=auth.hash_token(token),
                created_at=NOW,
                expires_at=NOW + timedelta(hours=1),
            )
        )

    def loses(session: Session, actor: object) -> None:
        raise sa.orm.exc.StaleDataError(
            "UPDATE statement on table 'incident' expected to update 1 row(s); 0 were matched."
        )

    with pytest.raises(StaleVersion):
        unit.run_as(token, loses)
