"""Listing-correction flags: who may raise and handle them, the statuses, the inbox."""

from __future__ import annotations

import pytest
from sqlmodel import select

from pixmania_incidents.models import ChecklistItem, IncidentEvent, ListingFlag
from pixmania_incidents.services import flags
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.common import Forbidden, InvalidInput, NotFound, ServiceError
from tests.conftest import opening_evidence


def open_case(world, line="camille_tech_delivered", type="not_as_described"):
    result = svc.open_incident(
        world.db,
        world.actor(line.split("_")[0]),
        world.lines[line].id,
        type,
        "Pas la bonne taille.",
        opening_evidence(type),
    )
    return world.db.get(svc.Incident, result.incident_id)


def raise_one(world, inc, who="seller_tech", reason="description"):
    return flags.raise_flag(
        world.db, world.actor(who), inc.id, reason, "La fiche annonce 42 cm, l'article mesure 30 cm."
    )


def test_a_seller_flags_their_own_case_and_the_playbook_step_ticks(world):
    inc = open_case(world)
    change = raise_one(world, inc)
    flag = change.flag
    assert (flag.status, flag.listing_id, flag.incident_reference, flag.raised_by) == (
        "raised",
        inc.listing_id,
        inc.reference,
        "Vendeur Tech",
    )
    assert change.shop_id == inc.shop_id and change.notified == (world.users["product"].id,)
    step = world.db.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == inc.id, ChecklistItem.step_code == "flag_listing")
    ).one()
    assert step.done_at is not None and step.done_by_id == world.users["seller_tech"].id
    kinds = world.db.exec(select(IncidentEvent.kind).where(IncidentEvent.incident_id == inc.id)).all()
    assert "flag_raised" in kinds and "checklist_auto_ticked" in kinds


def test_support_may_flag_any_case_but_not_another_shop_nor_the_customer(world):
    inc = open_case(world)
    raise_one(world, inc, who="support", reason="photos")
    with pytest.raises(NotFound):
        raise_one(world, inc, who="seller_maison")
    with pytest.raises(Forbidden):
        raise_one(world, inc, who="camille")
    with pytest.raises((Forbidden, NotFound)):
        raise_one(world, inc, who="product")


def test_reason_and_details_are_required_and_no_duplicate_open_flag(world):
    inc = open_case(world)
    with pytest.raises(InvalidInput):
        flags.raise_flag(world.db, world.actor("seller_tech"), inc.id, "nonsense", "Détails")
    with pytest.raises(InvalidInput):
        flags.raise_flag(world.db, world.actor("seller_tech"), inc.id, "description", "   ")
    raise_one(world, inc)
    with pytest.raises(ServiceError) as err:
        raise_one(world, inc)
    assert err.value.code == "flags.error.duplicate"


def test_product_acknowledges_then_fixes_with_what_changed(world):
    inc = open_case(world)
    flag_id = raise_one(world, inc).flag.id
    product = world.actor("product")
    assert flags.acknowledge(world.db, product, flag_id).flag.status == "acknowledged"
    fixed = flags.mark_fixed(world.db, product, flag_id, "Dimensions corrigées : 30 cm.")
    assert (fixed.flag.status, fixed.flag.resolution_note, fixed.flag.handled_by) == (
        "fixed",
        "Dimensions corrigées : 30 cm.",
        "Pierre Produit",
    )
    assert fixed.notified == (world.users["seller_tech"].id,)
    with pytest.raises(ServiceError) as err:
        flags.reject(world.db, product, flag_id, "Trop tard")
    assert err.value.code == "flags.error.already_handled"


def test_rejecting_needs_a_reason_and_only_product_handles(world):
    inc = open_case(world)
    flag_id = raise_one(world, inc).flag.id
    with pytest.raises(InvalidInput):
        flags.reject(world.db, world.actor("product"), flag_id, "")
    for who in ("seller_tech", "support", "admin"):
        with pytest.raises(Forbidden):
            flags.mark_fixed(world.db, world.actor(who), flag_id, "Corrigé")
    rejected = flags.reject(world.db, world.actor("product"), flag_id, "La fiche est juste : c'est une erreur d'envoi.")
    assert rejected.flag.status == "rejected"
    assert world.db.get(ListingFlag, flag_id).resolution_note.startswith("La fiche est juste")


def test_inbox_lists_open_flags_oldest_first_and_groups_repeated_listings(world, clock):
    first = open_case(world)
    raise_one(world, first)
    clock.advance(minutes=5)
    second = open_case(world, "paul_tech_delivered")
    paul_listing = raise_one(world, second)
    clock.advance(minutes=5)
    raise_one(world, first, who="support", reason="photos")
    flags.reject(world.db, world.actor("product"), paul_listing.flag.id, "Non fondé")
    product = world.actor("product")
    open_flags = flags.inbox(world.db, product)
    assert [(f.incident_reference, f.reason) for f in open_flags] == [
        (first.reference, "description"),
        (first.reference, "photos"),
    ]
    assert len(flags.inbox(world.db, product, "all")) == 3
    groups = flags.group_by_listing(flags.inbox(world.db, product, "all"))
    assert [(g.listing_id, g.open_count, len(g.flags)) for g in groups] == [
        (first.listing_id, 2, 2),
        (second.listing_id, 0, 1),
    ]


def test_inbox_is_closed_to_sellers_and_customers(world):
    for who in ("seller_tech", "camille"):
        with pytest.raises(Forbidden):
            flags.inbox(world.db, world.actor(who))


def test_listing_page_shows_flags_and_cases_without_contact_details(world):
    inc = open_case(world)
    raise_one(world, inc)
    page = flags.listing_page(world.db, world.actor("product"), inc.listing_id)
    assert [f.incident_reference for f in page.flags] == [inc.reference]
    assert [c.reference for c in page.incidents] == [inc.reference]
    fields = set(vars(page.incidents[0]))
    assert not fields & {"customer_id", "email", "phone", "address", "shipping_address", "messages"}
    with pytest.raises(NotFound):
        flags.listing_page(world.db, world.actor("seller_maison"), inc.listing_id)
    with pytest.raises(Forbidden):
        flags.listing_page(world.db, world.actor("camille"), inc.listing_id)


def test_product_sees_only_flagged_cases(world):
    flagged, other = open_case(world), open_case(world, "paul_tech_delivered")
    raise_one(world, flagged)
    product = world.actor("product")
    assert [f.id for f in flags.flags_for_incident(world.db, product, flagged.id)]
    with pytest.raises(NotFound):
        flags.flags_for_incident(world.db, product, other.id)
