"""Passive supervision: every incident, filtered and paged on the server, nearest deadline
first; the queues; assisting messages and internal notes are the only writes."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlmodel import select

from pixmania_incidents.models import Incident, IncidentEvent, Message
from pixmania_incidents.services import clocks, views
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services import supervision as sup
from pixmania_incidents.services.common import Forbidden, InvalidInput, load_incident
from pixmania_incidents.services.common import now as clock_now
from pixmania_incidents.services.evidence import Upload
from pixmania_incidents.services.supervision import Filters
from tests.conftest import opening_evidence


def open_(world, who, line, type="defective") -> int:
    line_id = world.lines[line].id
    result = svc.open_incident(world.db, world.actor(who), line_id, type, "Problème.", opening_evidence(type))
    return result.incident_id


def sweep(world, *incident_ids: int) -> None:
    """What the SLA sweep does to each case: recompute its clocks now."""
    for iid in incident_ids:
        clocks.refresh(world.db, world.db.get(Incident, iid), clock_now())


def ids(page) -> list[int]:
    return [r["id"] for r in page.rows]


def test_supervision_is_staff_only(world):
    for who in ("camille", "seller_tech", "product"):
        with pytest.raises(Forbidden):
            sup.supervise(world.db, world.actor(who))
    for who in ("support", "arbitrator", "admin"):
        assert sup.supervise(world.db, world.actor(who)).total == 0


def test_ordered_by_nearest_deadline_and_filtered(world, clock):
    older = open_(world, "camille", "camille_tech_delivered")  # response due first
    clock.advance(hours=2)
    newer = open_(world, "paul", "paul_maison_delivered", "not_received")
    clock.advance(hours=1)
    closed = open_(world, "camille", "camille_maison_shipped", "wrong_item")
    svc.withdraw(world.db, world.actor("camille"), closed, 1)
    support = world.actor("support")
    page = sup.supervise(world.db, support)
    assert ids(page) == [older, newer, closed]  # a closed case has no running clock: last
    assert page.total == 3 and page.pages == 1
    row = page.rows[0]
    assert (row["shop"], row["customer"], row["ball"], row["state"]) == ("TechShop", "Camille Martin", "seller", "open")
    assert sup.supervise(world.db, support, Filters(shop_id=world.shops["maison"].id)).total == 2
    assert ids(sup.supervise(world.db, support, Filters(type="not_received"))) == [newer]
    assert ids(sup.supervise(world.db, support, Filters(state="closed"))) == [closed]
    assert ids(sup.supervise(world.db, support, Filters(text="paul durand"))) == [newer]
    assert ids(
        sup.supervise(world.db, support, Filters(text=world.listings["camille_tech_delivered"].sku.lower()))
    ) == [older]
    reference = world.db.get(Incident, closed).reference
    assert ids(sup.supervise(world.db, support, Filters(text=reference[-6:]))) == [closed]
    assert sup.supervise(world.db, support, Filters(text="%")).total == 0  # wildcards are literal
    assert ids(sup.supervise(world.db, support, Filters(text="PAUL@example.com"))) == [newer]  # a customer's e-mail
    assert ids(sup.supervise(world.db, support, Filters(text=reference.lower()))) == [closed]  # the whole reference
    assert ids(sup.supervise(world.db, support, Filters(text=reference[-11:]))) == [closed]  # year and number
    assert sup.supervise(world.db, support, Filters(text="camille@example")).total == 0  # e-mails are whole
    assert sup.supervise(world.db, support, Filters(opened_from=date(2026, 3, 11))).total == 0
    assert (
        sup.supervise(world.db, support, Filters(opened_from=date(2026, 3, 10), opened_to=date(2026, 3, 10))).total == 3
    )
    with pytest.raises(InvalidInput):
        sup.supervise(world.db, support, Filters(state="lost"))
    with pytest.raises(InvalidInput):
        sup.supervise(world.db, support, Filters(opened_from=date(2026, 3, 11), opened_to=date(2026, 3, 10)))


def test_pages_of_twenty_five_with_the_total(world, clock):
    # 12 order lines can each carry up to 6 types; 30 incidents on shipped/delivered lines
    lines = [k for k in world.lines if not k.endswith("pending")]
    types = ["defective", "damaged", "not_received", "wrong_item"]
    made = 0
    for t in types:
        for line in lines:
            if made == 30:
                break
            open_(world, line.split("_")[0], line, t)
            clock.advance(minutes=1)
            made += 1
    support = world.actor("support")
    first, second = sup.supervise(world.db, support, page=1), sup.supervise(world.db, support, page=2)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (30, 2, 25, 5)
    assert not set(ids(first)) & set(ids(second))
    assert sup.supervise(world.db, support, page=99).page == 2


def test_counts_and_pages_stop_at_the_cap(world, clock, monkeypatch):
    """Past the cap the list says "at least" and stops paging (a filter narrows it)."""
    monkeypatch.setattr(sup, "COUNT_CAP", 4)
    for key in (
        "camille_tech_delivered",
        "camille_tech_shipped",
        "paul_tech_delivered",
        "paul_maison_delivered",
        "camille_maison_delivered",
    ):
        open_(world, key.split("_")[0], key)
    page = sup.supervise(world.db, world.actor("support"))
    assert (page.total, page.queue_counts["all"]) == (4, 4)
    assert sup.supervise(world.db, world.actor("support"), Filters(shop_id=world.shops["maison"].id)).total == 2


def test_queues_help_at_risk_breached_arbitration(world, clock):
    support = world.actor("support")
    helped = open_(world, "camille", "camille_tech_delivered")
    svc.request_help(world.db, world.actor("camille"), helped, "Le vendeur ne répond pas.")
    late = open_(world, "paul", "paul_tech_delivered")
    counts = sup.supervise(world.db, support).queue_counts
    assert counts["help_requested"] == 1 and counts["at_risk"] == 0
    assert ids(sup.supervise(world.db, support, Filters(queue="help_requested"))) == [helped]
    assert sup.supervise(world.db, support).rows[0]["help_requested"] is True
    sup.assist(world.db, support, helped, "Bonjour, je relance le vendeur.")
    assert sup.supervise(world.db, support, Filters(queue="help_requested")).total == 0
    clock.advance(hours=25)
    sweep(world, helped, late)
    assert set(ids(sup.supervise(world.db, support, Filters(queue="at_risk")))) == {helped, late}
    clock.advance(hours=24)
    svc.post_message(world.db, world.actor("seller_tech"), helped, "Enfin une réponse.")
    sweep(world, helped, late)
    assert ids(sup.supervise(world.db, support, Filters(queue="breached"))) == [late]
    assert ids(sup.supervise(world.db, support, Filters(deadline_state="breached"))) == [late]
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG")
    svc.request_arbitration(
        world.db,
        world.actor("paul"),
        late,
        load_incident(world.db, support, late).version,
        "Aucune réponse.",
        [Upload("p.jpg", buf.getvalue())],
    )
    page = sup.supervise(world.db, support, Filters(queue="arbitration"))
    assert ids(page) == [late] and page.rows[0]["waiting_arbitrator"] is True


def test_assist_is_public_and_notes_are_staff_only_and_nothing_else_changes(world):
    iid = open_(world, "camille", "camille_tech_delivered")
    support = world.actor("support")
    before = load_incident(world.db, support, iid)
    state, version = before.state, before.version
    sup.assist(world.db, support, iid, "Nous suivons votre dossier.")
    sup.add_internal_note(world.db, support, iid, "Client déjà venu pour le même article.")
    inc = load_incident(world.db, support, iid)
    assert (inc.state, inc.version, inc.first_response_at) == (state, version, None)  # not the seller's response
    kinds = {m.kind: m.visibility for m in world.db.exec(select(Message).where(Message.incident_id == iid)).all()}
    assert kinds == {"assist": "public", "internal": "internal"}
    assert [n["body"] for n in sup.internal_notes(world.db, support, iid)] == ["Client déjà venu pour le même article."]
    assert [m["kind"] for m in views.thread_messages(world.db, world.actor("camille"), iid)] == ["assist"]
    assert [m["kind"] for m in views.thread_messages(world.db, world.actor("seller_tech"), iid)] == ["assist"]
    with pytest.raises(Forbidden):
        sup.internal_notes(world.db, world.actor("seller_tech"), iid)
    with pytest.raises(Forbidden):
        sup.assist(world.db, world.actor("seller_tech"), iid, "Je me fais passer pour le support.")
    with pytest.raises(Forbidden):
        sup.add_internal_note(world.db, world.actor("camille"), iid, "Note")
    events = [e.kind for e in world.db.exec(select(IncidentEvent).where(IncidentEvent.incident_id == iid))]
    assert events[-2:] == ["message", "internal_note"]
