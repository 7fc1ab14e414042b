"""A case's address is the reference people read and quote; the menus lead where each role works."""

from __future__ import annotations

import pytest

from pixmania_incidents.models import Incident
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.common import NotFound
from pixmania_incidents.services.notifications import link_for
from pixmania_incidents.shell.layout import NAV_BY_ROLE
from pixmania_incidents.vocabulary import Role, case_path
from tests.conftest import opening_evidence


def _case(world):
    result = svc.open_incident(
        world.db,
        world.actor("camille"),
        world.lines["camille_tech_delivered"].id,
        "defective",
        "Ne fonctionne pas.",
        opening_evidence("defective"),
    )
    return result


def test_a_case_is_found_by_its_reference_typed_in_any_case_or_by_its_old_number(world):
    opened = _case(world)
    camille = world.actor("camille")
    assert svc.find_case(world.db, camille, opened.reference) == opened.incident_id
    assert svc.find_case(world.db, camille, opened.reference.lower()) == opened.incident_id
    assert svc.find_case(world.db, camille, str(opened.incident_id)) == opened.incident_id
    assert case_path(opened.reference) == f"/incidents/{opened.reference}"


@pytest.mark.parametrize("who", ["paul", "seller_maison"])
def test_someone_elses_case_reads_as_missing_like_one_that_does_not_exist(world, who):
    opened = _case(world)
    for key in (opened.reference, str(opened.incident_id), "INC-2026-000000", "n'importe quoi"):
        with pytest.raises(NotFound):
            svc.find_case(world.db, world.actor(who), key)


def test_notifications_link_to_the_reference(world):
    opened = _case(world)
    incident = world.db.get(Incident, opened.incident_id)
    assert link_for(incident, {}) == f"/incidents/{opened.reference}"


def test_customer_service_menus_reach_the_flags_inbox():
    for role in (Role.support, Role.arbitrator):
        assert ("nav.flags", "/flags") in NAV_BY_ROLE[role]
