"""The seller's and the agents' tools around a case: the order's parcel on the case page,
what the customer wants, assignment within a shop, a case taken by an agent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from pixmania_incidents.models import Incident, Shipment, ShipmentEvent
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services import views
from pixmania_incidents.services.common import NotFound
from tests.conftest import NOW, opening_evidence


def open_case(world, type="not_received", line="camille_tech_shipped", who="camille", **kw):
    kw.setdefault("evidence", opening_evidence(type))
    result = svc.open_incident(world.db, world.actor(who), world.lines[line].id, type, "Toujours rien reçu.", **kw)
    world.db.commit()
    return world.db.get(Incident, result.incident_id)


def test_the_case_page_shows_the_parcel_and_its_tracking_to_shop_support_and_arbitrator(world):
    inc = open_case(world)
    shipment = world.db.exec(select(Shipment).where(Shipment.order_id == inc.order_id)).one()
    world.db.add(ShipmentEvent(shipment_id=shipment.id, event="shipped", at=NOW - timedelta(days=8)))
    world.db.add(ShipmentEvent(shipment_id=shipment.id, event="returned", at=NOW - timedelta(days=2)))
    world.db.commit()
    for who in ("seller_tech", "support", "arbitrator"):
        parcel = views.case_view(world.db, world.actor(who), inc.id, "fr").parcel
        assert parcel is not None, who
        assert (parcel.carrier, parcel.tracking_number, parcel.state_label) == (
            "Colissimo",
            shipment.tracking_number,
            "Expédié",
        )
        assert parcel.shipped_when.startswith(("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"))
        assert parcel.delivered_when == ""
        assert [e.label for e in parcel.events] == ["Expédié", "Retourné à l'expéditeur"]
    english = views.case_view(world.db, world.actor("support"), inc.id, "en").parcel
    assert english is not None and english.events[-1].label == "Returned to sender"
    # The customer follows the parcel in their orders; another shop never reaches the case at all.
    assert views.case_view(world.db, world.actor("camille"), inc.id, "fr").parcel is None
    with pytest.raises(NotFound):
        views.case_view(world.db, world.actor("seller_maison"), inc.id, "fr")


def test_the_customer_says_what_they_want_among_the_types_solutions(world):
    from pixmania_incidents.services import board
    from pixmania_incidents.services.common import InvalidInput

    # "Non reçu" offers a reshipment or a full refund: a replacement is not an anchor of that type.
    with pytest.raises(InvalidInput) as refused:
        open_case(world, wanted="replacement")
    assert refused.value.code == "incidents.error.unknown_wish"
    world.db.rollback()
    inc = open_case(world, wanted="reship")
    assert inc.wanted == "reship"
    assert views.case_view(world.db, world.actor("seller_tech"), inc.id, "fr").wanted_label == "Réexpédition"
    assert views.case_view(world.db, world.actor("camille"), inc.id, "en").wanted_label == "Reship"
    card = next(c for col in board.board(world.db, world.actor("seller_tech")) for c in col.cards if c.id == inc.id)
    assert card.wanted == "reship"
    # No preference is a choice too.
    plain = open_case(world, type="defective", line="camille_tech_delivered")
    assert plain.wanted is None
    assert views.case_view(world.db, world.actor("seller_tech"), plain.id, "fr").wanted_label == ""


@pytest.fixture
def colleague(world):
    """A second seller of TechShop."""
    from pixmania_incidents.vocabulary import Role
    from tests.conftest import _user

    user = _user(world.db, "tech2@example.com", "Zoé Vendeuse", Role.seller, world.shops["tech"])
    world.users["seller_tech2"] = user
    world.db.commit()
    return user


def test_a_seller_assigns_a_case_to_a_colleague_of_the_same_shop_only(world, colleague):
    from pixmania_incidents.services import assignment, board
    from pixmania_incidents.services.board import BoardFilters
    from pixmania_incidents.services.common import Forbidden

    inc = open_case(world)
    seller = world.actor("seller_tech")
    assert [c.name for c in assignment.colleagues(world.db, seller)] == ["Vendeur Tech", "Zoé Vendeuse"]
    version = inc.version
    assignment.assign(world.db, seller, inc.id, colleague.id)
    world.db.commit()
    world.db.refresh(inc)
    assert inc.assignee_id == colleague.id and inc.version == version  # no colleague's form goes stale
    # Never to another shop's seller, a customer or support, whatever the browser sends; nor by another shop.
    for other in ("seller_maison", "camille", "support"):
        with pytest.raises(Forbidden):
            assignment.assign(world.db, seller, inc.id, world.users[other].id)
    with pytest.raises(NotFound):
        assignment.assign(world.db, world.actor("seller_maison"), inc.id, world.users["seller_maison"].id)
    for who in ("support", "camille"):
        with pytest.raises((Forbidden, NotFound)):
            assignment.assign(world.db, world.actor(who), inc.id, colleague.id)
    world.db.rollback()

    # "Assigned to me" on the board: the colleague's card, not the first seller's.
    mine = BoardFilters(mine=True)
    theirs = [c for col in board.board(world.db, world.actor("seller_tech2"), mine) for c in col.cards]
    assert [(c.reference, c.assignee) for c in theirs] == [(inc.reference, "Zoé Vendeuse")]
    assert all(col.count == 0 for col in board.board(world.db, seller, mine))
    assert BoardFilters.of({"mine": "1"}).mine and not BoardFilters.of({"mine": "yes please"}).mine

    case = views.case_view(world.db, seller, inc.id, "fr")
    assert case.assignee_name == "Zoé Vendeuse"
    assert "Dossier attribué" in [e.label for e in case.timeline]
    customer_view = views.case_view(world.db, world.actor("camille"), inc.id, "fr")
    assert customer_view.assignee_name == "" and "Dossier attribué" not in [e.label for e in customer_view.timeline]

    assignment.assign(world.db, seller, inc.id, None)
    world.db.commit()
    assert views.case_view(world.db, seller, inc.id, "fr").assignee_name == ""


def test_support_takes_a_case_and_other_agents_see_it(world):
    from pixmania_incidents.services import assignment, supervision
    from pixmania_incidents.services.common import Forbidden

    inc = open_case(world)
    assignment.take(world.db, world.actor("support"), inc.id)
    world.db.commit()
    for who in ("support", "arbitrator"):
        case = views.case_view(world.db, world.actor(who), inc.id, "fr")
        assert case.agent_name == "Sophie Support" and case.agent_is_me == (who == "support")
    row = next(r for r in supervision.supervise(world.db, world.actor("arbitrator")).rows if r["id"] == inc.id)
    assert row["agent"] == "Sophie Support"
    # The shop and the customer do not see customer service's internal handling.
    for who in ("seller_tech", "camille"):
        case = views.case_view(world.db, world.actor(who), inc.id, "fr")
        assert case.agent_name == "" and "Pris en charge par le service client" not in [e.label for e in case.timeline]
    for who in ("seller_tech", "camille", "arbitrator"):
        with pytest.raises(Forbidden):
            assignment.take(world.db, world.actor(who), inc.id)
    world.db.rollback()
    assignment.release(world.db, world.actor("support"), inc.id)
    world.db.commit()
    assert views.case_view(world.db, world.actor("support"), inc.id, "fr").agent_name == ""


def test_reply_templates_per_shop_and_per_desk_with_placeholders_filled_for_the_case(world, colleague):
    from pixmania_incidents.services import templates
    from pixmania_incidents.services.common import Forbidden

    inc = open_case(world)
    seller, support = world.actor("seller_tech"), world.actor("support")
    mine = templates.save_template(
        world.db, seller, "Accusé de réception", "Bonjour {client}, nous traitons {reference} avant le {echeance}."
    )
    desk = templates.save_template(world.db, support, "Relance", "Bonjour {client}, où en êtes-vous ?")
    world.db.commit()
    # The shop's colleagues share the shop's templates; another shop and the desk do not see them.
    assert [t.title for t in templates.templates(world.db, world.actor("seller_tech2"))] == ["Accusé de réception"]
    assert templates.templates(world.db, world.actor("seller_maison")) == []
    assert [t.title for t in templates.templates(world.db, world.actor("arbitrator"))] == ["Relance"]

    text = templates.filled(world.db, seller, inc.id, mine.id)
    assert text.startswith(f"Bonjour Camille Martin, nous traitons {inc.reference} avant le ")
    assert "{" not in text
    # Another scope's template, or a case the actor may not see, is not found.
    with pytest.raises(NotFound):
        templates.filled(world.db, seller, inc.id, desk.id)
    with pytest.raises(NotFound):
        templates.filled(world.db, world.actor("seller_maison"), inc.id, mine.id)
    with pytest.raises(NotFound):
        templates.delete_template(world.db, world.actor("seller_maison"), mine.id)
    for who in ("camille", "product"):
        with pytest.raises(Forbidden):
            templates.templates(world.db, world.actor(who))
    templates.delete_template(world.db, world.actor("seller_tech2"), mine.id)
    world.db.commit()
    assert templates.templates(world.db, seller) == []
