"""The shapes the API answers with, as its OpenAPI document publishes them.

Names follow the desk (case states, solutions, deadlines) and, where a seller's tools already
speak it, the marketplace's order system (Mirakl): `status` (NEW, IN_PROGRESS, RESOLVED,
DISPUTED, CLOSED), `updated_since`, `page_token`/`next_page_token`, a thread's messages with
their attachments. Instants are ISO-8601 strings in UTC; amounts are integer cents.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pixmania_incidents.vocabulary import OUTSIDE_CHANNELS, ROOT_CAUSES, SHIPMENT_KINDS

Status = Literal["NEW", "IN_PROGRESS", "RESOLVED", "DISPUTED", "CLOSED"]


class Shape(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Problem(Shape):
    """RFC 9457 problem details, in the language of `Accept-Language` (French by default)."""

    type: str = Field(description="`urn:pixmania:problem:<code>`, or `about:blank`")
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str = Field(description="The catalogue key of the refusal, stable across languages")
    params: dict[str, Any] = Field(default_factory=dict)
    current: Case | None = Field(None, description="409 on a stale version: the case as it stands now")


class CaseSummary(Shape):
    id: int
    reference: str
    type: str
    state: str = Field(
        description="The desk's state: open, in_progress, awaiting_customer, in_arbitration, resolved, closed"
    )
    status: Status = Field(description="The marketplace's status for the same state")
    outcome: str | None
    version: int = Field(description="Give it back with a write (`If-Match` or `version`)")
    shop_id: int
    ball: str | None = Field(description="Who must act next: seller, customer, arbitrator, or none")
    deadline_state: str | None
    next_due_at: str | None
    opened_at: str
    updated_at: str
    order_reference: str | None = None
    listing_title: str | None = None


class CasePage(Shape):
    cases: list[CaseSummary]
    next_page_token: str | None = Field(description="Pass it as `page_token` for the next page; null: no more")


class Deadline(Shape):
    kind: str
    holder: str
    due_at: str | None
    at_risk_at: str | None
    state: str
    paused: bool
    met_at: str | None
    breached_at: str | None


class Ball(Shape):
    holder: str | None
    due_at: str | None


class ChecklistStep(Shape):
    id: int
    code: str
    fr: str
    en: str
    mandatory: bool
    done: bool
    done_at: str | None
    note: str | None


class Proposal(Shape):
    id: int
    solution: str
    amount_cents: int | None
    message: str
    status: str
    refusal_reason: str | None
    refused_by_arbitration: bool
    created_at: str | None
    answered_at: str | None


class Obligation(Shape):
    id: int
    kind: str
    holder: str
    amount_cents: int | None
    due_at: str | None
    met_at: str | None
    cancelled_at: str | None
    source: str


class ReturnLabel(Shape):
    id: int
    carrier: str
    tracking_number: str
    created_at: str | None
    sent_back_at: str | None
    received_at: str | None


class Refund(Shape):
    id: int
    amount_cents: int
    refunded_on: str
    created_at: str | None


class Shipment(Shape):
    id: int
    kind: str
    carrier: str
    tracking_number: str
    shipped_at: str | None


class CarrierInquiry(Shape):
    id: int
    carrier: str
    reference: str
    opened_at: str | None
    outcome: str | None
    outcome_at: str | None


class Decision(Shape):
    outcome: str
    amount_cents: int | None
    rationale: str
    created_at: str | None


class Arbitration(Shape):
    id: int
    requester_role: str
    reason: str
    created_at: str | None
    statement_due_at: str | None
    statement: str | None
    taken: bool
    withdrawn_at: str | None
    decision: Decision | None


class Attachment(Shape):
    """A file's metadata; download it from `/api/v1/evidence/{id}`."""

    id: int
    filename: str
    content_type: str
    size: int


class Message(Shape):
    id: int
    author: str
    author_role: str
    kind: str
    visibility: str
    body: str
    created_at: str | None
    attachments: list[Attachment] = Field(validation_alias="evidence")


class Party(Shape):
    name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class Named(Shape):
    id: int
    name: str | None = None
    title: str | None = None
    sku: str | None = None


class Case(CaseSummary):
    """Everything the case page shows its viewer, with the thread."""

    description: str
    shop: Named
    listing: Named
    customer: Party
    line_total_cents: int
    first_response_at: str | None
    resolved_at: str | None
    closed_at: str | None
    help_requested_at: str | None
    ball_detail: Ball = Field(description="Who must act next, and by when")
    deadlines: list[Deadline]
    checklist: list[ChecklistStep]
    pending_proposal: Proposal | None
    proposals: list[Proposal]
    obligations: list[Obligation]
    return_labels: list[ReturnLabel]
    refunds: list[Refund]
    shipments: list[Shipment]
    carrier_inquiries: list[CarrierInquiry]
    arbitration: Arbitration | None
    opening_attachments: list[Attachment]
    messages: list[Message]
    allowed: list[str] = Field(description="The actions this key's owner may take now")


class Done(Shape):
    """What a write did: the case as it stands after it, and the row it created (if any)."""

    incident_id: int
    reference: str
    state: str
    status: Status
    version: int
    id: int | None = Field(None, description="The message, proposal, label, refund... the action created")


# --- what writes send ---------------------------------------------------------------------


class Versioned(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(None, description="The case's version (or the `If-Match` header)", ge=0, le=2**31 - 1)


class Tick(Versioned):
    note: str = Field("", max_length=1000)


class ProposalIn(Versioned):
    solution: Literal["refund_full", "refund_partial", "replacement", "reship", "return_and_refund"]
    amount_cents: int | None = Field(None, ge=1, le=10**9, description="refund_partial only")
    message: str = Field(max_length=4000)


class LabelIn(Versioned):
    carrier: str = Field("Colissimo", max_length=60)


class RefundIn(Versioned):
    amount_cents: int = Field(ge=1, le=10**9)
    refunded_on: str = Field(description="The day it was paid, YYYY-MM-DD (Paris)", max_length=10)


class ShipmentIn(Versioned):
    carrier: str = Field(max_length=60)
    tracking_number: str = Field(max_length=60)
    kind: Literal[tuple(SHIPMENT_KINDS)] = "replacement"  # type: ignore[valid-type]


class InquiryIn(Versioned):
    carrier: str = Field(max_length=60)
    reference: str = Field(max_length=60)


class OutcomeIn(Versioned):
    outcome: str = Field(max_length=2000)


class LessonIn(Versioned):
    root_cause: Literal[tuple(ROOT_CAUSES)]  # type: ignore[valid-type]
    change: str = Field(max_length=4000)


class FlagIn(Versioned):
    reason: Literal["description", "photos", "specifications", "price", "wrong_reference", "other"]
    details: str = Field(max_length=4000)


class HelpIn(Versioned):
    message: str = Field("", max_length=2000)


class OutsideIn(Versioned):
    channel: Literal[tuple(OUTSIDE_CHANNELS)]  # type: ignore[valid-type]
    occurred_at: str = Field(description="ISO-8601 instant with its offset", max_length=40)
    counterpart: str = Field(max_length=120)
    summary: str = Field(max_length=4000)


Problem.model_rebuild()
