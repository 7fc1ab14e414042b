"""The seller's (and the customer's) physical actions: labels, returns, refunds, shipments,
carrier inquiries and the playbook checklist.

Why apart from `incidents`: these actions do not move the lifecycle (except that a label
is a response), they meet obligations. Each one records what happened, lets
`clocks.reconcile_obligations` start and meet the obligations that the new facts allow,
ticks the playbook steps it completes, records an event and notifies.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Sequence
from datetime import date, datetime

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from sqlmodel import Session, col, select

from pixmania_incidents import deadlines as dl
from pixmania_incidents.calendar import paris_date
from pixmania_incidents.i18n import tr
from pixmania_incidents.models import (
    CarrierInquiry,
    ChecklistItem,
    CustomerOrder,
    Evidence,
    Incident,
    OrderLine,
    Refund,
    ReplacementShipment,
    ReturnLabel,
    Shop,
    User,
)
from pixmania_incidents.policy import StepAction
from pixmania_incidents.services import clocks, evidence, inputs
from pixmania_incidents.services.common import (
    SYSTEM,
    Actor,
    InvalidInput,
    NotFound,
    ServiceError,
    authorize,
    existing,
    load_incident,
    now,
    reads,
)
from pixmania_incidents.services.evidence import Upload
from pixmania_incidents.services.incidents import (
    Result,
    auto_tick,
    finish,
    incident_for,
    post_message,
    refunded_on_line,
    require_active,
    respond,
    result_of,
    snapshot,
    take_refund,
)
from pixmania_incidents.services.inputs import clean_text
from pixmania_incidents.vocabulary import DEFAULT_RETURN_CARRIER, SHIPMENT_KINDS


def _seller_case(session: Session, actor: Actor, incident_id: int) -> Incident:
    incident = incident_for(session, actor, incident_id, "incident.seller_act")
    require_active(incident)
    return incident


def _own_row(session: Session, model: type, row_id: int, incident: Incident):
    row = session.get(model, row_id)
    if row is None or row.incident_id != incident.id:
        raise NotFound()
    return row


# --- return labels -----------------------------------------------------------------------


def _tracking_number(session: Session) -> str:
    while True:
        number = f"RT{secrets.randbelow(10**9):09d}FR"
        if session.exec(select(col(ReturnLabel.id)).where(col(ReturnLabel.tracking_number) == number)).first() is None:
            return number


def issue_return_label(
    session: Session, actor: Actor, incident_id: int, carrier: str = DEFAULT_RETURN_CARRIER
) -> Result:
    """A prepaid label from the customer to the shop; a customer-visible act, so a response."""
    incident = _seller_case(session, actor, incident_id)
    carrier = clean_text(carrier, "carrier", limit=60)
    before = snapshot(incident)
    order = existing(session, CustomerOrder, incident.order_id)
    customer = existing(session, User, incident.customer_id)
    shop = existing(session, Shop, incident.shop_id)
    label = ReturnLabel(
        incident_id=incident.id,
        issued_by_id=actor.user_id,
        carrier=carrier,
        tracking_number=_tracking_number(session),
        from_address=f"{customer.name}\n{order.shipping_address or customer.address}",
        to_address=f"{shop.name}\n{shop.address}",
        created_at=now(),
    )
    session.add(label)
    session.flush()
    responded = respond(session, incident, actor)
    auto_tick(session, incident, actor, StepAction.return_label)
    clocks.reconcile_obligations(session, incident, now())
    finish(
        session,
        incident,
        actor,
        "return_label_issued",
        before,
        {"label_id": label.id, "tracking_number": label.tracking_number, "response": responded},
        notify=["customer"],
        tracking_number=label.tracking_number,
    )
    return result_of(incident, label.id)


@reads
def return_label_pdf(session: Session, actor: Actor, label_id: int) -> bytes:
    """The printable label: reference, both addresses, carrier, a Code128 barcode."""
    label = session.get(ReturnLabel, label_id)
    if label is None:
        raise NotFound()
    incident = load_incident(session, actor, label.incident_id)
    authorize(actor, "incident.view", incident)  # the customer, the shop and staff only
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(f"{tr('fulfilment.label.title')} {incident.reference}")
    width, height = A4
    x, y = 20 * mm, height - 25 * mm
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(x, y, tr("fulfilment.label.title"))
    pdf.setFont("Helvetica", 12)
    y -= 10 * mm
    pdf.drawString(x, y, f"{tr('fulfilment.label.incident')} : {incident.reference}")
    y -= 7 * mm
    pdf.drawString(x, y, f"{tr('fulfilment.label.carrier')} : {label.carrier}")
    y -= 7 * mm
    pdf.drawString(x, y, f"{tr('fulfilment.label.tracking')} : {label.tracking_number}")
    y -= 14 * mm
    for title, address in (
        (tr("fulfilment.label.from"), label.from_address),
        (tr("fulfilment.label.to"), label.to_address),
    ):
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(x, y, title)
        pdf.setFont("Helvetica", 12)
        for part in address.splitlines():
            y -= 6 * mm
            pdf.drawString(x + 5 * mm, y, part)
        y -= 12 * mm
    barcode = Code128(label.tracking_number, barHeight=22 * mm, barWidth=0.5 * mm, humanReadable=True)
    barcode.drawOn(pdf, x, y - 25 * mm)
    y -= 40 * mm
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(x, y, tr("fulfilment.label.seller_pays"))
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def declare_sent_back(
    session: Session, actor: Actor, incident_id: int, label_id: int, proof_evidence_id: int
) -> Result:
    """The customer says the item is on its way back, with the carrier's proof.

    Meets the customer's return; if the seller never marks it received, it counts as
    received 3 business days later (`apply_auto_receipts`, run by the sweep)."""
    incident = incident_for(session, actor, incident_id, "incident.customer_act")
    require_active(incident)
    label = _own_row(session, ReturnLabel, label_id, incident)
    proof = _own_row(session, Evidence, proof_evidence_id, incident)
    if proof.uploader_id != actor.id:
        raise NotFound()
    if label.sent_back_at is not None:
        raise ServiceError("fulfilment.error.already_sent_back")
    before = snapshot(incident)
    label.sent_back_at = now()
    label.proof_evidence_id = proof.id
    session.add(label)
    clocks.reconcile_obligations(session, incident, now())
    auto_at = auto_receipt_at(incident, label)
    finish(
        session,
        incident,
        actor,
        "return_sent_back",
        before,
        {"label_id": label.id, "auto_received_at": auto_at},
        notify=["shop"],
        auto_received_at=auto_at,
    )
    return result_of(incident, label.id)


def send_back_with_proof(
    session: Session, actor: Actor, incident_id: int, label_id: int, proof: Sequence[Upload], note: str
) -> Result:
    """The customer's form: the carrier's proof arrives as a thread message both parties
    see, then the return is declared with that file, in one unit of work."""
    incident = incident_for(session, actor, incident_id, "incident.customer_act")
    if len(proof) != 1:
        raise InvalidInput("customer.error.one_proof")
    posted = post_message(session, actor, incident_id, note)
    stored = evidence.validate_and_store(session, actor, incident, proof, purpose="return_proof", message_id=posted.id)
    return declare_sent_back(session, actor, incident_id, label_id, stored[0].id)


def auto_receipt_at(incident: Incident, label: ReturnLabel) -> datetime | None:
    """When a return declared sent back counts as received without the seller."""
    if label.sent_back_at is None:
        return None
    return dl.return_auto_received_at(label.sent_back_at, clocks.calendar_of(incident))


def _receive(
    session: Session, incident: Incident, actor: Actor, label: ReturnLabel, at: datetime, event: str
) -> Result:
    before = snapshot(incident)
    label.received_at = at
    session.add(label)
    clocks.reconcile_obligations(session, incident, now())
    finish(
        session, incident, actor, event, before, {"label_id": label.id, "received_at": at}, notify=["customer", "shop"]
    )
    return result_of(incident, label.id)


def mark_return_received(session: Session, actor: Actor, incident_id: int, label_id: int) -> Result:
    """The seller has the item back: the refund's 48 h start now (return_and_refund)."""
    incident = _seller_case(session, actor, incident_id)
    label = _own_row(session, ReturnLabel, label_id, incident)
    if label.received_at is not None:
        raise ServiceError("fulfilment.error.already_received")
    return _receive(session, incident, actor, label, now(), "return_received")


def due_auto_receipts(session: Session, at: datetime) -> list[int]:
    """For the sweep: incidents with a return declared sent back and not yet received
    (through `ix_returnlabel_pending`); `apply_auto_receipts` decides for each."""
    return list(
        dict.fromkeys(
            session.exec(
                select(col(ReturnLabel.incident_id)).where(
                    col(ReturnLabel.received_at).is_(None), col(ReturnLabel.sent_back_at).is_not(None)
                )
            ).all()
        )
    )


def apply_auto_receipts(session: Session, incident: Incident, at: datetime) -> list[Result]:
    """Returns of this incident whose 3 business days after the declaration have passed."""
    if incident.state == "closed":
        return []
    labels = session.exec(
        select(ReturnLabel).where(
            col(ReturnLabel.incident_id) == incident.id,
            col(ReturnLabel.sent_back_at).is_not(None),
            col(ReturnLabel.received_at) == None,  # noqa: E711
        )
    ).all()
    results = []
    for label in labels:
        due = auto_receipt_at(incident, label)
        if due is not None and due <= at:
            results.append(_receive(session, incident, SYSTEM, label, due, "return_auto_received"))
    return results


# --- refunds and shipments ---------------------------------------------------------------


def record_refund(session: Session, actor: Actor, incident_id: int, amount_cents: int, refunded_on: date) -> Result:
    """A refund paid on the line; refunds on one line never add up to more than its total."""
    incident = _seller_case(session, actor, incident_id)
    line = existing(session, OrderLine, incident.order_line_id)
    amount_cents = inputs.amount_cents(amount_cents, at_most=line.total_cents - refunded_on_line(session, line.id))
    order = existing(session, CustomerOrder, incident.order_id)
    refunded_on = inputs.day(
        refunded_on, "fulfilment.error.refund_date", earliest=paris_date(order.placed_at), latest=paris_date(now())
    )
    if not take_refund(session, line.id, amount_cents):  # another refund on this line came first
        raise InvalidInput(
            "inputs.error.amount_above_refundable",
            refundable_cents=line.total_cents - refunded_on_line(session, line.id),
        )
    before = snapshot(incident)
    refund = Refund(
        incident_id=incident.id,
        recorded_by_id=actor.user_id,
        amount_cents=amount_cents,
        refunded_on=refunded_on,
        created_at=now(),
    )
    session.add(refund)
    session.flush()
    auto_tick(session, incident, actor, StepAction.refund)
    met = clocks.reconcile_obligations(session, incident, now())
    finish(
        session,
        incident,
        actor,
        "refund_recorded",
        before,
        {"refund_id": refund.id, "amount_cents": amount_cents, "obligations_met": [o.kind for o in met]},
        notify=["customer"],
        amount_cents=amount_cents,
    )
    return result_of(incident, refund.id)


def ship_replacement(
    session: Session, actor: Actor, incident_id: int, carrier: str, tracking: str, kind: str = "replacement"
) -> Result:
    incident = _seller_case(session, actor, incident_id)
    if kind not in SHIPMENT_KINDS:
        raise InvalidInput("fulfilment.error.shipment_kind")
    carrier, tracking = clean_text(carrier, "carrier", limit=60), clean_text(tracking, "tracking", limit=60)
    before = snapshot(incident)
    shipment = ReplacementShipment(
        incident_id=incident.id,
        shipped_by_id=actor.user_id,
        kind=kind,
        carrier=carrier,
        tracking_number=tracking,
        shipped_at=now(),
    )
    session.add(shipment)
    session.flush()
    auto_tick(session, incident, actor, StepAction.replacement_shipment)
    clocks.reconcile_obligations(session, incident, now())
    finish(
        session,
        incident,
        actor,
        "replacement_shipped",
        before,
        {"shipment_id": shipment.id, "carrier": carrier, "tracking_number": tracking},
        notify=["customer"],
        carrier=carrier,
        tracking_number=tracking,
    )
    return result_of(incident, shipment.id)


# --- carrier inquiries -------------------------------------------------------------------


def open_carrier_inquiry(session: Session, actor: Actor, incident_id: int, carrier: str, reference: str) -> Result:
    """Not customer-visible, so not the response."""
    incident = _seller_case(session, actor, incident_id)
    carrier, reference = clean_text(carrier, "carrier", limit=60), clean_text(reference, "reference", limit=60)
    before = snapshot(incident)
    inquiry = CarrierInquiry(
        incident_id=incident.id, opened_by_id=actor.user_id, carrier=carrier, reference=reference, opened_at=now()
    )
    session.add(inquiry)
    session.flush()
    auto_tick(session, incident, actor, StepAction.carrier_inquiry)
    finish(
        session,
        incident,
        actor,
        "carrier_inquiry_opened",
        before,
        {"inquiry_id": inquiry.id, "carrier": carrier, "reference": reference},
    )
    return result_of(incident, inquiry.id)


def record_inquiry_outcome(session: Session, actor: Actor, incident_id: int, inquiry_id: int, outcome: str) -> Result:
    """The carrier's answer is the delivery status the playbook asks the seller to check."""
    incident = _seller_case(session, actor, incident_id)
    inquiry = _own_row(session, CarrierInquiry, inquiry_id, incident)
    if inquiry.outcome is not None:
        raise ServiceError("fulfilment.error.outcome_recorded")
    before = snapshot(incident)
    inquiry.outcome, inquiry.outcome_at = clean_text(outcome, "outcome", limit=2000), now()
    session.add(inquiry)
    auto_tick(session, incident, actor, StepAction.carrier_check)
    finish(
        session,
        incident,
        actor,
        "carrier_inquiry_outcome",
        before,
        {"inquiry_id": inquiry.id, "outcome": inquiry.outcome},
    )
    return result_of(incident, inquiry.id)


# --- checklist ---------------------------------------------------------------------------


def tick_checklist(session: Session, actor: Actor, incident_id: int, item_id: int, note: str = "") -> Result:
    """A step done by hand (comparing the item with the listing has no action to detect it)."""
    incident = _seller_case(session, actor, incident_id)
    item = _own_row(session, ChecklistItem, item_id, incident)
    if item.done_at is not None:
        raise ServiceError("fulfilment.error.already_ticked")
    before = snapshot(incident)
    item.done_at, item.done_by_id = now(), actor.id
    item.note = clean_text(note, "note", required=False, limit=1000) or None
    session.add(item)
    finish(session, incident, actor, "checklist_ticked", before, {"item_id": item.id, "step": item.step_code})
    return result_of(incident, item.id)
