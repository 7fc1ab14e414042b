"""Who hears about what (in-app and by e-mail, in their own language), and the bell."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from pixmania_incidents.models import MailOutbox, Notification
from pixmania_incidents.services import arbitration, flags, notifications, sweep
from pixmania_incidents.services import fulfilment as ff
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.common import NotFound
from pixmania_incidents.services.evidence import Upload
from tests.conftest import opening_evidence
from tests.samples import PDF


def told(world, kind):
    """Names of the users notified of `kind`, as a set."""
    ids = world.db.exec(select(Notification.user_id).where(Notification.kind == kind)).all()
    names = {u.id: key for key, u in world.users.items()}
    return {names[i] for i in ids}


def open_case(world, type="defective"):
    line = world.lines["camille_tech_delivered"].id
    result = svc.open_incident(world.db, world.actor("camille"), line, type, "Écran noir.", opening_evidence(type))
    return world.db.get(svc.Incident, result.incident_id)


SUPPORT = {"support", "arbitrator", "arbitrator2"}


def test_opening_tells_the_shop_only(world):
    open_case(world)
    assert told(world, "opened") == {"seller_tech"}


def test_a_message_tells_the_other_party(world):
    inc = open_case(world)
    svc.post_message(world.db, world.actor("camille"), inc.id, "Bonjour ?")
    assert told(world, "message") == {"seller_tech"}
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Bonjour, je regarde.")
    messages = world.db.exec(select(Notification.user_id).where(Notification.kind == "message")).all()
    assert sorted(messages) == sorted([world.users["seller_tech"].id, world.users["camille"].id])


def test_proposal_made_and_answered(world):
    inc = open_case(world)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_full", None, "Je rembourse.")
    assert told(world, "proposed") == {"camille"}
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Je préfère un échange.")
    assert told(world, "refused") == {"seller_tech"}
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "replacement", None, "Échange.")
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    assert told(world, "accepted") == {"seller_tech"}


def test_label_return_and_refund(world):
    inc = open_case(world)
    svc.propose(
        world.db,
        world.actor("seller_tech"),
        inc.id,
        inc.version,
        "return_and_refund",
        None,
        "Retour puis remboursement.",
    )
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    label = ff.issue_return_label(world.db, world.actor("seller_tech"), inc.id)
    assert told(world, "return_label_issued") == {"camille"}
    ff.mark_return_received(world.db, world.actor("seller_tech"), inc.id, label.id)
    assert told(world, "return_received") == {"camille"}  # the seller acted: not told of their own act
    ff.record_refund(world.db, world.actor("seller_tech"), inc.id, 12_999, date(2026, 3, 10))
    assert told(world, "refund_recorded") == {"camille"}


def test_help_and_arbitration_requests(world):
    inc = open_case(world)
    svc.request_help(world.db, world.actor("camille"), inc.id, "Le vendeur ne répond pas.")
    assert told(world, "help_requested") == SUPPORT
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_full", None, "Remboursement.")
    svc.post_message(world.db, world.actor("camille"), inc.id, "Preuve", [Upload("preuve.pdf", PDF)])
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Je veux un échange.")
    assert told(world, "arbitration_requested") == SUPPORT | {"seller_tech"}


def test_decision_tells_both_parties(world):
    inc = open_case(world)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_full", None, "Remboursement.")
    svc.post_message(world.db, world.actor("camille"), inc.id, "Preuve", [Upload("preuve.pdf", PDF)])
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Je veux un échange.")
    arbitration.take_case(world.db, world.actor("arbitrator"), inc.id)
    arbitration.decide(
        world.db, world.actor("arbitrator"), inc.id, inc.version, "no_action", None, "Le vendeur avait raison."
    )
    assert told(world, "decided") == {"camille", "seller_tech"}


def test_deadline_at_risk_tells_the_holder_and_breach_also_support(world, clock):
    open_case(world)
    clock.advance(hours=25)  # past the 24 h response target
    world.db.commit()
    sweep.run(world.db.get_bind())
    assert told(world, "deadline_at_risk") == {"seller_tech"}
    clock.advance(hours=24)  # past the 48 h maximum
    sweep.run(world.db.get_bind())
    world.db.commit()  # end this session's snapshot: the sweep committed in its own transactions
    assert told(world, "deadline_breached") == {"seller_tech"} | SUPPORT


def test_flag_raised_tells_product_and_answer_tells_the_raiser(world):
    inc = open_case(world, "not_as_described")
    change = flags.raise_flag(
        world.db, world.actor("seller_tech"), inc.id, "description", "La taille indiquée est fausse."
    )
    assert told(world, "flag_raised") == {"product"}
    flags.mark_fixed(world.db, world.actor("product"), change.flag.id, "Taille corrigée : 42 cm.")
    assert told(world, "flag_fixed") == {"seller_tech"}


def test_each_recipient_gets_one_mail_in_their_language(world):
    english = world.users["seller_tech"]
    english.locale = "en"
    world.db.add(english)
    open_case(world)
    mails = world.db.exec(select(MailOutbox)).all()
    assert [m.to_addr for m in mails] == [english.email]
    assert mails[0].subject.startswith("[Pixmania] New incident INC-")
    assert "Hello Vendeur Tech" in mails[0].body and "/incidents/" in mails[0].body
    assert mails[0].message_id.startswith("<") and mails[0].status == "pending"


def test_french_by_default(world):
    inc = open_case(world)
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Bonjour")
    mail = world.db.exec(select(MailOutbox).where(MailOutbox.to_addr == "camille@example.com")).one()
    assert mail.subject == f"[Pixmania] Nouveau message sur {inc.reference}"
    assert mail.body.startswith("Bonjour Camille Martin")


def test_notification_and_mail_share_the_transaction(engine, world):
    """Rolled back together: never a mail about a change that did not happen."""
    inc = open_case(world)
    world.db.commit()
    before = len(world.db.exec(select(MailOutbox)).all())
    svc.post_message(world.db, world.actor("seller_tech"), inc.id, "Bonjour")
    world.db.rollback()
    assert len(world.db.exec(select(MailOutbox)).all()) == before
    assert not world.db.exec(select(Notification).where(Notification.kind == "message")).all()


def test_a_bouncing_address_gets_no_more_mail_but_still_the_bell(world, clock):
    seller = world.users["seller_tech"]
    seller.email_bounced_at = clock.at
    world.db.add(seller)
    open_case(world)
    assert told(world, "opened") == {"seller_tech"}
    assert not world.db.exec(select(MailOutbox)).all()


def test_bell_counts_lists_and_marks_read(world):
    inc = open_case(world)
    svc.post_message(world.db, world.actor("camille"), inc.id, "Alors ?")
    seller = world.actor("seller_tech")
    assert notifications.unread_count(world.db, seller) == 2
    items = notifications.recent(world.db, seller)
    assert [i.kind for i in items] == ["message", "opened"]
    assert items[0].text == f"Nouveau message sur {inc.reference}" and items[0].link == f"/incidents/{inc.reference}"
    notifications.mark_read(world.db, seller, items[0].id)
    assert notifications.unread_count(world.db, seller) == 1
    assert notifications.mark_all_read(world.db, seller) == 1
    assert notifications.unread_count(world.db, seller) == 0


def test_nobody_marks_someone_elses_notification(world):
    open_case(world)
    mine = notifications.recent(world.db, world.actor("seller_tech"))[0]
    with pytest.raises(NotFound):
        notifications.mark_read(world.db, world.actor("camille"), mine.id)
    assert notifications.unread_count(world.db, world.actor("seller_tech")) == 1


def test_texts_show_dates_and_amounts_in_the_readers_language():
    params = {"reference": "INC-1", "deadline": "response", "due_at": "2026-12-29T22:59:59+00:00", "holder": "seller"}
    assert notifications.describe("deadline_at_risk", params, "fr") == "Délai bientôt dépassé sur INC-1"
    text = notifications.describe("customer_reminder", params, "fr")
    assert "mardi 29 décembre 2026 à 23:59" in text
    assert notifications.describe("no_such_kind", params, "en") == "News on case INC-1"
