"""Seller fulfilment: return labels, returns, refunds, shipments, inquiries, checklist."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from sqlmodel import select

from pixmania_incidents.models import ChecklistItem, Deadline, Incident, IncidentEvent, Notification, Obligation
from pixmania_incidents.services import fulfilment as ff
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services import views
from pixmania_incidents.services.common import InvalidInput, NotFound, ServiceError
from pixmania_incidents.services.evidence import Upload
from tests.conftest import opening_evidence
from tests.samples import PDF


def open_case(world, type="defective", line="camille_tech_delivered"):
    result = svc.open_incident(
        world.db, world.actor("camille"), world.lines[line].id, type, "Écran noir.", opening_evidence(type)
    )
    return world.db.get(Incident, result.incident_id)


def agreed(world, solution, amount=None, type="defective", line="camille_tech_delivered"):
    inc = open_case(world, type, line)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, solution, amount, "Proposition")
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    return inc


def obligation(world, inc, kind):
    return world.db.exec(select(Obligation).where(Obligation.incident_id == inc.id, Obligation.kind == kind)).one()


def seller(world):
    return world.actor("seller_tech")


def proof_id(world, inc):
    svc.post_message(world.db, world.actor("camille"), inc.id, "Récépissé de dépôt", [Upload("depot.pdf", PDF)])
    return views.thread_messages(world.db, world.actor("camille"), inc.id)[-1]["evidence"][0]["id"]


# --- return labels ------------------------------------------------------------------------------


def test_return_label_meets_obligation_and_starts_customer_return(world, clock):
    inc = agreed(world, "return_and_refund")
    assert obligation(world, inc, "customer_return").due_at is None
    clock.advance(hours=2)
    ff.issue_return_label(world.db, seller(world), inc.id)
    assert obligation(world, inc, "return_label").met_at == clock.at
    ret = obligation(world, inc, "customer_return")
    # 14 calendar days from Tuesday 10 March: 24 March, 23:59:59 Paris.
    assert ret.due_at.isoformat() == "2026-03-24T22:59:59+00:00"
    assert inc.ball == "customer" and inc.next_due_at == ret.due_at
    item = world.db.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == inc.id, ChecklistItem.step_code == "return_label")
    ).one()
    assert item.done_at is not None
    assert world.db.exec(select(Notification.user_id).where(Notification.kind == "return_label_issued")).all() == [
        world.users["camille"].id
    ]


def test_label_issued_before_acceptance_counts(world):
    inc = open_case(world)
    ff.issue_return_label(world.db, seller(world), inc.id)
    svc.propose(world.db, seller(world), inc.id, inc.version, "replacement", None, "Je remplace.")
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    assert obligation(world, inc, "return_label").met_at is not None
    assert obligation(world, inc, "customer_return").due_at is not None


def test_label_pdf_has_reference_addresses_notice_and_barcode(world, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    inc = open_case(world)
    label_id = ff.issue_return_label(world.db, seller(world), inc.id).id
    data = ff.return_label_pdf(world.db, world.actor("camille"), label_id)
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    view = views.incident_view(world.db, world.actor("camille"), inc.id)
    tracking = view["return_labels"][0]["tracking_number"]
    assert inc.reference in text and tracking in text
    assert "Frais de retour à la charge du vendeur" in text
    assert "Entrepôt TechShop, 69000 Lyon" in text and "Camille Martin" in text and "Colissimo" in text

    zxingcpp = pytest.importorskip("zxingcpp")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is needed to render the label")
    (tmp_path / "label.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(tmp_path / "label.pdf"), str(tmp_path / "page")],
        check=True,
    )
    from PIL import Image

    decoded = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [(b.format.name, b.text) for b in decoded] == [("Code128", tracking)]


def test_label_pdf_only_for_the_parties_and_staff(world):
    inc = open_case(world)
    label_id = ff.issue_return_label(world.db, seller(world), inc.id).id
    for who in ("seller_tech", "support", "arbitrator"):
        assert ff.return_label_pdf(world.db, world.actor(who), label_id).startswith(b"%PDF")
    for who in ("paul", "seller_maison", "product"):
        with pytest.raises(NotFound):
            ff.return_label_pdf(world.db, world.actor(who), label_id)


def test_only_own_shop_seller_issues_labels(world):
    inc = open_case(world)
    with pytest.raises(NotFound):
        ff.issue_return_label(world.db, world.actor("seller_maison"), inc.id)
    with pytest.raises(ServiceError):  # the customer cannot issue one
        ff.issue_return_label(world.db, world.actor("camille"), inc.id)


# --- returns and refunds ------------------------------------------------------------------------


def test_return_received_starts_48h_refund_clock(world, clock):
    inc = agreed(world, "return_and_refund")
    label_id = ff.issue_return_label(world.db, seller(world), inc.id).id
    refund = obligation(world, inc, "refund")
    assert refund.due_at is None
    clock.advance(days=3)
    ff.mark_return_received(world.db, seller(world), inc.id, label_id)
    assert refund.due_at == clock.at + timedelta(hours=48)
    row = world.db.exec(select(Deadline).where(Deadline.obligation_id == refund.id)).one()
    assert row.kind == "refund" and row.holder == "seller" and row.due_at == refund.due_at
    assert obligation(world, inc, "customer_return").met_at == clock.at
    with pytest.raises(ServiceError):
        ff.mark_return_received(world.db, seller(world), inc.id, label_id)


def test_declared_return_counts_as_received_three_business_days_later(world, clock):
    inc = agreed(world, "return_and_refund")
    label_id = ff.issue_return_label(world.db, seller(world), inc.id).id
    proof = proof_id(world, inc)
    with pytest.raises(NotFound):  # the proof must be the customer's own evidence on this case
        ff.declare_sent_back(world.db, world.actor("camille"), inc.id, label_id, proof + 999)
    ff.declare_sent_back(world.db, world.actor("camille"), inc.id, label_id, proof)
    assert obligation(world, inc, "customer_return").met_at == clock.at
    assert ff.due_auto_receipts(world.db, clock.at) == [inc.id]
    assert ff.apply_auto_receipts(world.db, inc, clock.advance(days=2)) == []
    # Tuesday + 3 business days: Friday 13 March, 23:59:59 Paris.
    [done] = ff.apply_auto_receipts(world.db, inc, clock.advance(days=2))
    assert done.incident_id == inc.id
    assert obligation(world, inc, "refund").due_at.isoformat() == "2026-03-15T22:59:59+00:00"
    kinds = world.db.exec(select(IncidentEvent.kind).where(IncidentEvent.incident_id == inc.id)).all()
    assert "return_auto_received" in kinds


def test_refunds_never_exceed_line_total_cumulatively(world):
    inc = open_case(world)
    ff.record_refund(world.db, seller(world), inc.id, 10_000, date(2026, 3, 9))
    with pytest.raises(InvalidInput) as err:
        ff.record_refund(world.db, seller(world), inc.id, 3_000, date(2026, 3, 9))
    assert err.value.params == {"refundable_cents": 2_999}
    # Refunds on another incident of the same line count too.
    other = open_case(world, type="damaged")
    with pytest.raises(InvalidInput):
        ff.record_refund(world.db, seller(world), other.id, 3_000, date(2026, 3, 9))
    ff.record_refund(world.db, seller(world), other.id, 2_999, date(2026, 3, 9))
    with pytest.raises(InvalidInput):
        ff.record_refund(world.db, seller(world), other.id, 1, date(2026, 3, 9))
    with pytest.raises(InvalidInput):
        ff.record_refund(world.db, seller(world), inc.id, 0, date(2026, 3, 9))


def test_refund_date_not_in_future(world):
    inc = open_case(world)
    with pytest.raises(InvalidInput):
        ff.record_refund(world.db, seller(world), inc.id, 100, date(2026, 3, 11))


def test_refund_obligation_met_when_amount_reached(world):
    inc = agreed(world, "refund_partial", 5_000)
    ff.record_refund(world.db, seller(world), inc.id, 2_000, date(2026, 3, 10))
    assert obligation(world, inc, "refund").met_at is None
    ff.record_refund(world.db, seller(world), inc.id, 3_000, date(2026, 3, 10))
    assert obligation(world, inc, "refund").met_at is not None
    assert (
        world.db.exec(select(Notification.user_id).where(Notification.kind == "refund_recorded")).all()
        == [world.users["camille"].id] * 2
    )


def test_replacement_shipment_meets_obligation_and_ticks_step(world):
    inc = agreed(world, "replacement", type="damaged")
    ff.ship_replacement(world.db, seller(world), inc.id, "Chronopost", "XY123")
    assert obligation(world, inc, "replacement_shipment").met_at is not None
    item = world.db.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == inc.id, ChecklistItem.step_code == "ship_replacement")
    ).one()
    assert item.mandatory and item.done_at is not None


def test_closure_after_replacement_journey(world):
    inc = agreed(world, "replacement", type="damaged")
    with pytest.raises(ServiceError) as err:
        svc.confirm_closure(world.db, seller(world), inc.id, inc.version)
    assert "Émettre le bordereau de retour prépayé" in err.value.params["obligations"]
    label_id = ff.issue_return_label(world.db, seller(world), inc.id).id
    ff.ship_replacement(world.db, seller(world), inc.id, "Chronopost", "XY123")
    with pytest.raises(ServiceError) as err:
        svc.confirm_closure(world.db, seller(world), inc.id, inc.version)
    assert err.value.params["obligations"] == "Renvoyer l’article avec le bordereau"
    assert "Vérifiez l’état de l’article endommagé." in err.value.params["steps"]
    ff.declare_sent_back(world.db, world.actor("camille"), inc.id, label_id, proof_id(world, inc))
    item = world.db.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == inc.id, ChecklistItem.step_code == "check_condition")
    ).one()
    ff.tick_checklist(world.db, seller(world), inc.id, item.id, "Photos vues")
    with pytest.raises(ServiceError):
        ff.tick_checklist(world.db, seller(world), inc.id, item.id)
    svc.confirm_closure(world.db, seller(world), inc.id, inc.version)
    assert inc.state == "closed"


# --- carrier inquiries ------------------------------------------------------------------------


def test_carrier_inquiry_ticks_steps_but_is_not_the_response(world):
    inc = open_case(world, type="not_received")
    inquiry = ff.open_carrier_inquiry(world.db, seller(world), inc.id, "Colissimo", "ENQ-42")
    ff.record_inquiry_outcome(world.db, seller(world), inc.id, inquiry.id, "Colis perdu au centre de tri.")
    assert inc.state == "open" and inc.first_response_at is None
    done = {
        i.step_code
        for i in world.db.exec(select(ChecklistItem).where(ChecklistItem.incident_id == inc.id))
        if i.done_at is not None
    }
    assert done == {"carrier_inquiry", "check_carrier"}
    with pytest.raises(ServiceError):
        ff.record_inquiry_outcome(world.db, seller(world), inc.id, inquiry.id, "encore")
    kinds = world.db.exec(select(IncidentEvent.kind).where(IncidentEvent.incident_id == inc.id)).all()
    assert "carrier_inquiry_opened" in kinds and "carrier_inquiry_outcome" in kinds


def test_checklist_item_of_another_incident_is_not_found(world):
    inc = open_case(world)
    other = open_case(world, type="damaged")
    item = world.db.exec(select(ChecklistItem).where(ChecklistItem.incident_id == other.id)).first()
    with pytest.raises(NotFound):
        ff.tick_checklist(world.db, seller(world), inc.id, item.id)


def test_customer_sends_back_with_proof_in_one_step(world, clock):
    """The proof reaches the thread as a message the seller sees, and the return is declared."""
    inc = agreed(world, "return_and_refund")
    label_id = ff.issue_return_label(world.db, seller(world), inc.id).id
    with pytest.raises(InvalidInput):
        ff.send_back_with_proof(world.db, world.actor("camille"), inc.id, label_id, [], "Déposé")
    ff.send_back_with_proof(
        world.db,
        world.actor("camille"),
        inc.id,
        label_id,
        [Upload("depot.pdf", PDF)],
        "Colis déposé au bureau de poste",
    )
    last = views.thread_messages(world.db, seller(world), inc.id)[-1]
    assert last["body"] == "Colis déposé au bureau de poste"
    assert [e["filename"] for e in last["evidence"]] == ["depot.pdf"]
    assert obligation(world, inc, "customer_return").met_at == clock.at
