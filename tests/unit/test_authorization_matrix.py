"""The authorization matrix: every role × every action of the one authorization function,
on own and foreign resources (two customers, two shops), each cell asserted; then the same
decisions seen through real service calls."""

from __future__ import annotations

import pytest

from pixmania_incidents.models import Incident
from pixmania_incidents.services import flags, fulfilment, views
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.common import (
    _RULES,  # the table under test
    Forbidden,
    NotFound,
    can,
    load_incident,
)

ROLES = ["camille", "paul", "seller_tech", "seller_maison", "support", "arbitrator", "product", "admin"]

# For actions on Camille's TechShop incident: who may (✓). Paul is the foreign customer,
# seller_maison the foreign shop.
INCIDENT_ACTIONS = {
    "incident.view": {"camille", "seller_tech", "support", "arbitrator", "admin"},
    "incident.customer_act": {"camille"},
    "incident.seller_act": {"seller_tech"},
    "incident.assign": {"seller_tech"},
    "incident.party_act": {"camille", "seller_tech"},
    "incident.message": {"camille", "seller_tech", "support", "arbitrator"},
    "flag.raise": {"seller_tech", "support", "arbitrator"},
}
# Actions without an incident: who may.
GLOBAL_ACTIONS = {
    "incident.open": {"camille", "paul"},
    "incident.assist": {"support", "arbitrator"},
    "incident.internal_note": {"support", "arbitrator", "admin"},
    "incident.view_internal": {"support", "arbitrator", "admin"},
    "incident.arbitrate": {"arbitrator"},
    "incident.supervise": {"support", "arbitrator", "admin"},
    "incident.take": {"support"},
    "template.use": {"seller_tech", "seller_maison", "support", "arbitrator"},
    "flag.handle": {"product"},
    "flag.view": {"product", "support", "arbitrator", "admin"},
    "order.view": {"camille", "paul"},
    "board.view": {"seller_tech", "seller_maison"},
    "insights.view": {"seller_tech", "seller_maison"},
    "trends.view": {"support", "arbitrator", "admin"},
    "guideline.write": {"support", "arbitrator"},
    "guideline.read": {"seller_tech", "seller_maison", "support", "arbitrator", "admin"},
    "listing.view": {"seller_tech", "seller_maison", "support", "arbitrator", "admin", "product"},
    "admin.manage": {"admin"},
    "api.manage": {"seller_tech", "seller_maison", "admin"},
    "webhooks.manage": {"seller_tech", "seller_maison", "admin"},
    "intake.write": {"admin"},
}


def test_the_matrix_covers_every_action():
    assert set(INCIDENT_ACTIONS) | set(GLOBAL_ACTIONS) == set(_RULES)


@pytest.fixture
def case(world):
    result = svc.open_incident(
        world.db,
        world.actor("camille"),
        world.lines["camille_tech_delivered"].id,
        "not_as_described",
        "La couleur ne correspond pas.",
    )
    return world.db.get(Incident, result.incident_id)


@pytest.mark.parametrize("action", sorted(INCIDENT_ACTIONS))
@pytest.mark.parametrize("who", ROLES)
def test_incident_actions(world, case, action, who):
    assert can(world.actor(who), action, case) is (who in INCIDENT_ACTIONS[action])


@pytest.mark.parametrize("action", sorted(GLOBAL_ACTIONS))
@pytest.mark.parametrize("who", ROLES)
def test_global_actions(world, action, who):
    assert can(world.actor(who), action) is (who in GLOBAL_ACTIONS[action])


@pytest.mark.parametrize("who", ROLES)
def test_seeing_an_incident_or_being_told_it_does_not_exist(world, case, who):
    """Foreign customers, foreign shops and an unflagged product team get "not found",
    exactly as for an incident that does not exist."""
    actor = world.actor(who)
    if who in INCIDENT_ACTIONS["incident.view"]:
        assert load_incident(world.db, actor, case.id).id == case.id
    else:
        with pytest.raises(NotFound):
            load_incident(world.db, actor, case.id)
    with pytest.raises(NotFound):
        load_incident(world.db, actor, 999_999)


def test_product_team_sees_flagged_cases_without_contact_details_or_notes(world, case):
    svc.post_message(world.db, world.actor("support"), case.id, "Note interne", visibility="internal")
    flags.raise_flag(world.db, world.actor("seller_tech"), case.id, flags.REASONS[0], "La couleur diffère de la fiche.")
    view = views.incident_view(world.db, world.actor("product"), case.id)
    assert "email" not in view["customer"] and "phone" not in view["customer"] and "address" not in view["customer"]
    assert all(m["visibility"] != "internal" for m in views.thread_messages(world.db, world.actor("product"), case.id))
    staff_view = views.incident_view(world.db, world.actor("support"), case.id)
    assert any(m["visibility"] == "internal" for m in views.thread_messages(world.db, world.actor("support"), case.id))
    assert "email" in staff_view["customer"]


SERVICE_CALLS = {
    # name: (call, roles that succeed)
    "post_message": (
        lambda db, a, c: svc.post_message(db, a, c.id, "Bonjour"),
        {"camille", "seller_tech", "support", "arbitrator"},
    ),
    "propose": (lambda db, a, c: svc.propose(db, a, c.id, c.version, "refund_partial", 500, "Geste"), {"seller_tech"}),
    "request_help": (lambda db, a, c: svc.request_help(db, a, c.id, "Aide"), {"camille", "seller_tech"}),
    "withdraw": (lambda db, a, c: svc.withdraw(db, a, c.id, c.version), {"camille"}),
    "return_label": (lambda db, a, c: fulfilment.issue_return_label(db, a, c.id), {"seller_tech"}),
    "internal_note": (
        lambda db, a, c: svc.post_message(db, a, c.id, "Note", visibility="internal"),
        {"support", "arbitrator", "admin"},
    ),
}


@pytest.mark.parametrize("call", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("who", ROLES)
def test_service_calls_follow_the_matrix(world, case, call, who):
    fn, allowed = SERVICE_CALLS[call]
    savepoint = world.db.begin_nested()
    if who in allowed:
        fn(world.db, world.actor(who), case)
    else:
        # Who cannot even see the case is told it does not exist; who can is refused.
        expected = Forbidden if who in INCIDENT_ACTIONS["incident.view"] else NotFound
        with pytest.raises(expected):
            fn(world.db, world.actor(who), case)
    savepoint.rollback()
