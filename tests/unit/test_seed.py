"""Demo data: idempotent, every state present, stable on screen, a new incident can be opened."""

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import func, select

from pixmania_incidents.models import CustomerOrder, Deadline, Incident, IncidentEvent, Listing, User
from pixmania_incidents.seed import seed
from pixmania_incidents.services.auth import login
from pixmania_incidents.services.common import set_clock
from pixmania_incidents.services.demo import DEMO_ACCOUNTS
from pixmania_incidents.services.views import customer_orders


def _counts(db):
    return {
        m.__name__: db.exec(select(func.count()).select_from(m)).one()
        for m in (User, Listing, CustomerOrder, Incident, IncidentEvent)
    }


@pytest.fixture
def seeded(db):
    assert seed(db) is True
    db.commit()
    return db


def test_seed_is_idempotent(seeded):
    before = _counts(seeded)
    assert seed(seeded) is False
    assert seed(seeded, only_if_empty=True) is False
    assert _counts(seeded) == before


def test_seed_covers_every_state_and_type(seeded):
    incidents = seeded.exec(select(Incident)).all()
    assert 25 <= len(incidents) <= 40
    states = Counter(i.state for i in incidents)
    assert set(states) >= {"open", "in_progress", "awaiting_customer", "in_arbitration", "resolved", "closed"}
    assert {i.type for i in incidents} == {
        "not_received",
        "defective",
        "not_as_described",
        "refund_not_processed",
        "wrong_item",
        "damaged",
    }
    assert {i.deadline_state for i in incidents if i.state != "closed"} >= {"at_risk", "breached"}
    assert 35 <= _counts(seeded)["Listing"] <= 45
    assert 100 <= _counts(seeded)["CustomerOrder"] <= 140


def test_demo_accounts_log_in_with_the_demo_password(seeded):
    for email, _name, role, _shop in DEMO_ACCOUNTS:
        _token, actor = login(seeded, email, "demo-Pixmania-2026")
        assert actor.role == role


def test_camille_can_open_a_new_incident_in_both_first_shops(seeded):
    camille = seeded.exec(select(User).where(User.email == "client@demo.example.com")).one()
    from pixmania_incidents.services.common import Actor

    orders = customer_orders(seeded, Actor.of(camille))
    untouched = {
        o["shop"]
        for o in orders
        for line in o["lines"]
        if line["can_open"]
        and not line["incidents"]
        and not line["closed_incidents"]
        and o["shipment"]["state"] == "delivered"
    }
    assert {"TechShop", "MaisonPlus"} <= untouched
    free = {
        o["shop"] for o in orders for line in o["lines"] if line["can_open"] and o["shipment"]["state"] == "delivered"
    }
    assert {"TechShop", "MaisonPlus"} <= free


@pytest.mark.parametrize("paris_hour", [10, 23])
def test_no_open_deadline_turns_within_an_hour_of_seeding(db, paris_hour):
    moment = datetime(2026, 6, 9, paris_hour - 2, 30, tzinfo=timezone.utc)  # Paris is UTC+2 in June
    set_clock(lambda: moment)
    try:
        seed(db)
    finally:
        set_clock(None)
    for row in db.exec(select(Deadline).where(Deadline.met_at.is_(None), Deadline.settled.is_(None))).all():
        for instant in (row.due_at, row.at_risk_at):
            assert abs(instant - moment) > timedelta(hours=1), (row.kind, instant)


def test_product_inbox_has_flags_in_several_statuses(seeded):
    from pixmania_incidents.models import ListingFlag

    statuses = Counter(f.status for f in seeded.exec(select(ListingFlag)).all())
    assert statuses["raised"] >= 1 and statuses["acknowledged"] >= 1 and statuses["fixed"] >= 1
