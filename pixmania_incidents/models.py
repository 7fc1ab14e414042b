"""Database tables of the incident desk.

Plain SQLModel tables (``rx.Model`` is deprecated). Instants are stored in UTC and
always come back timezone-aware; money is integer cents. Business rules live in
``policy``/``lifecycle`` and in the services, not here.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import JSON, Column, Field, SQLModel

# The tables' words come from the vocabulary below them (re-exported for the services).
from pixmania_incidents.vocabulary import ClosedOutcome as ClosedOutcome
from pixmania_incidents.vocabulary import IncidentState
from pixmania_incidents.vocabulary import Role as Role


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC, returns aware UTC, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: store aware UTC instants")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


# Primary keys are typed `int`: a row's id is None only between its construction and its
# first flush, and the services read ids after a flush, never before.


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def When(*, nullable: bool = True, index: bool = False, default_now: bool = False) -> Any:
    """A UTC instant column."""
    kwargs: dict[str, Any] = {"sa_type": UTCDateTime, "nullable": nullable, "index": index}
    if default_now:
        kwargs["default_factory"] = utcnow
    else:
        kwargs["default"] = None
    return Field(**kwargs)


def ExternalId() -> Any:
    """The order system's own id of a row that arrives by intake (`services/intake`): unique when set."""
    return Field(default=None, max_length=64, unique=True, index=True)


# --- marketplace -----------------------------------------------------------


class Shop(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    address: str = Field(default="", max_length=400)
    calendar_kind: str = Field(default="ouvrables", max_length=10)
    subdiv: str | None = Field(default=None, max_length=8)
    closed_days: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    work_start: str = Field(default="08:00", max_length=5)
    work_end: str = Field(default="19:00", max_length=5)
    created_at: datetime = When(nullable=False, default_now=True)
    external_id: str | None = ExternalId()
    external_updated_at: datetime | None = When()


class User(SQLModel, table=True):
    __tablename__ = "account"

    id: int = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    role: str = Field(max_length=16, index=True)
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)
    password_hash: str = Field(max_length=255)
    locale: str = Field(default="fr", max_length=5)
    active: bool = Field(default=True)
    must_change_password: bool = Field(default=False)
    address: str = Field(default="", max_length=400)
    phone: str = Field(default="", max_length=40)
    email_bounced_at: datetime | None = When()
    created_at: datetime = When(nullable=False, default_now=True)
    external_id: str | None = ExternalId()
    external_updated_at: datetime | None = When()


class LoginSession(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = When(nullable=False, default_now=True)
    expires_at: datetime = When(nullable=False)
    revoked_at: datetime | None = When()
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=255)


class LoginAttempt(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    ip: str = Field(default="", max_length=64, index=True)
    success: bool
    at: datetime = When(nullable=False, index=True, default_now=True)


class Throttle(SQLModel, table=True):
    """Recent attempts on one key (an account, an address): the next allowed instant follows from them."""

    key: str = Field(primary_key=True, max_length=320)
    attempts: int = Field(default=0)
    last_at: datetime = When(nullable=False, index=True)


class PendingRegistration(SQLModel, table=True):
    """A customer account waiting for its owner to follow the link mailed to the address."""

    id: int = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = When(nullable=False, default_now=True)
    expires_at: datetime = When(nullable=False)
    used_at: datetime | None = When()


class PasswordReset(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = When(nullable=False, default_now=True)
    expires_at: datetime = When(nullable=False)
    used_at: datetime | None = When()


class Listing(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    sku: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    price_cents: int
    external_id: str | None = ExternalId()
    external_updated_at: datetime | None = When()


class CustomerOrder(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    customer_id: int = Field(foreign_key="account.id", index=True)
    shop_id: int = Field(foreign_key="shop.id", index=True)
    placed_at: datetime = When(nullable=False)
    shipping_address: str = Field(default="", max_length=400)
    external_id: str | None = ExternalId()
    external_updated_at: datetime | None = When()


class OrderLine(SQLModel, table=True):
    """`refunded_cents` is what the line's incidents have refunded together; the database
    refuses more than the line's total, whatever runs at the same time."""

    __table_args__ = (
        sa.CheckConstraint(
            "refunded_cents >= 0 AND refunded_cents <= total_cents", name="ck_orderline_refunds_within_total"
        ),
    )

    id: int = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="customerorder.id", index=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    quantity: int = Field(default=1)
    unit_price_cents: int
    total_cents: int
    refunded_cents: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    external_id: str | None = ExternalId()
    external_updated_at: datetime | None = When()


class Shipment(SQLModel, table=True):
    """The order's outbound parcel; `state` is pending, shipped, delivered or returned (to the sender)."""

    id: int = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="customerorder.id", index=True)
    carrier: str = Field(default="", max_length=60)
    tracking_number: str = Field(default="", max_length=60)
    state: str = Field(default="pending", max_length=12)
    shipped_at: datetime | None = When()
    delivered_at: datetime | None = When()
    external_id: str | None = ExternalId()
    external_updated_at: datetime | None = When()


class ShipmentEvent(SQLModel, table=True):
    """A tracking event the order system reported for the parcel, kept once as received:
    checking delivery is the first step of the "non reçu" playbook."""

    __table_args__ = (sa.UniqueConstraint("shipment_id", "event", "at", name="uq_shipmentevent_once"),)

    id: int = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    event: str = Field(max_length=20)
    at: datetime = When(nullable=False)
    received_at: datetime = When(nullable=False, default_now=True)


# --- incidents -------------------------------------------------------------


class Incident(SQLModel, table=True):
    __table_args__ = (
        sa.Index("ix_incident_board", "shop_id", "state", "next_due_at"),
        sa.Index("ix_incident_supervision", "state", "next_due_at", "opened_at"),
        sa.Index("ix_incident_line_type", "order_line_id", "type"),
        sa.Index("ix_incident_shop_opened", "shop_id", "opened_at"),  # a shop's insights over a period
        # Supervision's order (nearest deadline first) for every case, a deadline state or a type,
        # and the few cases whose parties asked for help (`services/supervision`).
        sa.Index("ix_incident_due", "next_due_at", "opened_at"),
        sa.Index("ix_incident_deadline_due", "deadline_state", "next_due_at", "opened_at"),
        sa.Index("ix_incident_type_due", "type", "next_due_at", "opened_at"),
        sa.Index("ix_incident_help", "help_requested_at"),
    )

    id: int = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    type: str = Field(max_length=24, index=True)
    state: str = Field(default=IncidentState.open, max_length=20)
    outcome: str | None = Field(default=None, max_length=20)
    order_line_id: int = Field(foreign_key="orderline.id")
    order_id: int = Field(foreign_key="customerorder.id", index=True)
    shop_id: int = Field(foreign_key="shop.id")
    listing_id: int = Field(foreign_key="listing.id", index=True)
    customer_id: int = Field(foreign_key="account.id", index=True)
    description: str = Field(max_length=4000)
    # What the customer asked for when opening: one of the type's solutions, or None (no preference).
    wanted: str | None = Field(default=None, max_length=20)
    # The shop's business calendar as it was at opening (never recomputed).
    calendar: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    opened_at: datetime = When(nullable=False, index=True)
    first_viewed_at: datetime | None = When()
    first_response_at: datetime | None = When()
    resolved_at: datetime | None = When()
    closed_at: datetime | None = When()
    help_requested_at: datetime | None = When()
    arbitrator_id: int | None = Field(default=None, foreign_key="account.id")
    # The shop's seller the case is assigned to, and the customer service agent who took it.
    assignee_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    agent_id: int | None = Field(default=None, foreign_key="account.id")
    # Denormalised from the open deadlines, for the board, supervision and sweep.
    next_due_at: datetime | None = When()
    deadline_state: str = Field(default="on_track", max_length=12, index=True)
    ball: str = Field(default="seller", max_length=12)
    # Moved by state changes only (messages keep it); every UPDATE of the row is compared
    # against the version it was read at, by the database, so a stale write fails.
    version: int = Field(default=1)
    updated_at: datetime = When(nullable=False, default_now=True)

    @declared_attr  # type: ignore[misc, arg-type]
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        table = cls.__table__  # type: ignore[attr-defined]
        return {"version_id_col": table.c.version, "version_id_generator": False}


class Deadline(SQLModel, table=True):
    """One clock of one incident: due, met, breached, and its current state.

    `next_check_at` is the next instant at which its state can change by itself
    (turning at risk, breaching, sending a reminder); the sweep reads only rows
    whose `next_check_at` has passed, through an index, so a quiet sweep is cheap.
    """

    __table_args__ = (
        sa.Index("ix_deadline_sweep", "next_check_at"),
        sa.Index("ix_deadline_incident_kind", "incident_id", "kind"),  # an incident's latest clock of a kind (figures)
    )

    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    kind: str = Field(max_length=24)
    holder: str = Field(max_length=12)
    obligation_id: int | None = Field(default=None, foreign_key="obligation.id")
    due_at: datetime = When(nullable=False)
    at_risk_at: datetime = When(nullable=False)
    met_at: datetime | None = When()
    breached_at: datetime | None = When()
    settled: str | None = Field(default=None, max_length=12)
    paused: bool = Field(default=False)
    state: str = Field(default="on_track", max_length=12)
    next_check_at: datetime | None = When()
    reminded_at: datetime | None = When()
    created_at: datetime = When(nullable=False, default_now=True)


class Message(SQLModel, table=True):
    """Never edited. `visibility` is public (both parties and staff) or internal (staff)."""

    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="account.id")
    author_role: str = Field(max_length=16)
    kind: str = Field(default="message", max_length=20)
    visibility: str = Field(default="public", max_length=10)
    body: str = Field(max_length=4000)
    # Exchanges held outside the desk (phone, e-mail): channel, counterpart, when.
    channel: str | None = Field(default=None, max_length=12)
    counterpart: str | None = Field(default=None, max_length=120)
    occurred_at: datetime | None = When()
    created_at: datetime = When(nullable=False, default_now=True)


class Evidence(SQLModel, table=True):
    # The uploader's last 24 hours, for the daily quota.
    __table_args__ = (sa.Index("ix_evidence_uploader_created", "uploader_id", "created_at"),)

    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    uploader_id: int = Field(foreign_key="account.id")
    purpose: str = Field(default="message", max_length=20)
    filename: str = Field(max_length=120)
    stored_name: str = Field(max_length=80, unique=True)
    content_type: str = Field(max_length=40)
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = When(nullable=False, default_now=True)


class Proposal(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    seller_id: int = Field(foreign_key="account.id")
    solution: str = Field(max_length=24)
    amount_cents: int | None = None
    message: str = Field(max_length=4000)
    status: str = Field(default="pending", max_length=12)
    refusal_reason: str | None = Field(default=None, max_length=2000)
    created_at: datetime = When(nullable=False, default_now=True)
    answered_at: datetime | None = When()


class ReturnLabel(SQLModel, table=True):
    # The sweep looks for labels sent back but not yet received.
    __table_args__ = (sa.Index("ix_returnlabel_pending", "received_at", "sent_back_at"),)

    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    issued_by_id: int = Field(foreign_key="account.id")
    carrier: str = Field(max_length=60)
    tracking_number: str = Field(max_length=60, unique=True)
    from_address: str = Field(max_length=400)
    to_address: str = Field(max_length=400)
    created_at: datetime = When(nullable=False, default_now=True)
    sent_back_at: datetime | None = When()
    proof_evidence_id: int | None = Field(default=None, foreign_key="evidence.id")
    received_at: datetime | None = When()


class Refund(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    recorded_by_id: int = Field(foreign_key="account.id")
    amount_cents: int
    refunded_on: date
    created_at: datetime = When(nullable=False, default_now=True)


class ReplacementShipment(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    shipped_by_id: int = Field(foreign_key="account.id")
    kind: str = Field(default="replacement", max_length=12)
    carrier: str = Field(max_length=60)
    tracking_number: str = Field(max_length=60)
    shipped_at: datetime = When(nullable=False, default_now=True)


class CarrierInquiry(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    opened_by_id: int = Field(foreign_key="account.id")
    carrier: str = Field(max_length=60)
    reference: str = Field(max_length=60)
    opened_at: datetime = When(nullable=False, default_now=True)
    outcome: str | None = Field(default=None, max_length=2000)
    outcome_at: datetime | None = When()


class ListingFlag(SQLModel, table=True):
    """A listing-correction request to the product team: raised, acknowledged, fixed or rejected."""

    __table_args__ = (sa.Index("ix_listingflag_inbox", "status", "created_at"),)

    id: int = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    raised_by_id: int = Field(foreign_key="account.id")
    reason: str = Field(max_length=200)
    details: str = Field(max_length=4000)
    status: str = Field(default="raised", max_length=14)
    handled_by_id: int | None = Field(default=None, foreign_key="account.id")
    resolution_note: str | None = Field(default=None, max_length=4000)
    created_at: datetime = When(nullable=False, default_now=True)
    updated_at: datetime = When(nullable=False, default_now=True)


class ArbitrationRequest(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    requested_by_id: int = Field(foreign_key="account.id")
    requester_role: str = Field(max_length=16)
    reason: str = Field(max_length=4000)
    created_at: datetime = When(nullable=False, index=True, default_now=True)
    statement_due_at: datetime = When(nullable=False)
    statement: str | None = Field(default=None, max_length=4000)
    statement_at: datetime | None = When()
    taken_by_id: int | None = Field(default=None, foreign_key="account.id")
    taken_at: datetime | None = When()
    decided_at: datetime | None = When()
    # A request made from `resolved` may be withdrawn: the case goes back to `resolved`.
    withdrawn_at: datetime | None = When()


class Decision(SQLModel, table=True):
    """Binding: one per arbitration, never edited."""

    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    arbitration_id: int = Field(foreign_key="arbitrationrequest.id", unique=True)
    arbitrator_id: int = Field(foreign_key="account.id")
    outcome: str = Field(max_length=24)
    amount_cents: int | None = None
    rationale: str = Field(max_length=8000)
    created_at: datetime = When(nullable=False, default_now=True)


class Obligation(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    source: str = Field(max_length=10)  # proposal | decision
    source_id: int
    kind: str = Field(max_length=24)
    holder: str = Field(max_length=12)
    amount_cents: int | None = None
    due_at: datetime | None = When()  # None until it can start (refund after return)
    met_at: datetime | None = When()
    # Set when what it waits on will not come (the return was never sent back); a late return clears it.
    cancelled_at: datetime | None = When()
    created_at: datetime = When(nullable=False, default_now=True)


class ReplyTemplate(SQLModel, table=True):
    """A canned reply: a shop's, shared by its sellers, or customer service's (no shop)."""

    id: int = Field(default=None, primary_key=True)
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)
    title: str = Field(max_length=80)
    body: str = Field(max_length=4000)
    created_by_id: int = Field(foreign_key="account.id")
    created_at: datetime = When(nullable=False, default_now=True)


class ChecklistItem(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    position: int
    step_code: str = Field(max_length=32)
    mandatory: bool
    done_at: datetime | None = When()
    done_by_id: int | None = Field(default=None, foreign_key="account.id")
    note: str | None = Field(default=None, max_length=1000)


class Lesson(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    author_id: int = Field(foreign_key="account.id")
    root_cause: str = Field(max_length=20)
    change: str = Field(max_length=4000)
    created_at: datetime = When(nullable=False, default_now=True)


class Rating(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", unique=True)
    customer_id: int = Field(foreign_key="account.id")
    score: int
    comment: str = Field(default="", max_length=2000)
    created_at: datetime = When(nullable=False, default_now=True)


class Guideline(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    kind: str = Field(default="guideline", max_length=12)  # guideline | training
    title: str = Field(max_length=200)
    body_md: str = Field(max_length=20000)
    incident_type: str | None = Field(default=None, max_length=24)
    author_id: int = Field(foreign_key="account.id")
    created_at: datetime = When(nullable=False, default_now=True)


class Notification(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_notification_inbox", "user_id", "read_at", "created_at"),)

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="account.id")
    kind: str = Field(max_length=32)
    incident_id: int | None = Field(default=None, foreign_key="incident.id")
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = When(nullable=False, default_now=True)
    read_at: datetime | None = When()


class MailOutbox(SQLModel, table=True):
    """Written in the same transaction as the change it tells about; sent by a background task."""

    __table_args__ = (sa.Index("ix_mailoutbox_due", "status", "next_attempt_at"),)

    id: int = Field(default=None, primary_key=True)
    message_id: str = Field(max_length=200, unique=True)
    to_addr: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str = Field(max_length=20000)
    status: str = Field(default="pending", max_length=10)  # pending | sent | failed
    failure: str | None = Field(default=None, max_length=20)  # why it failed: mail.failure.<failure>
    attempts: int = Field(default=0)
    next_attempt_at: datetime = When(nullable=False, default_now=True)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = When()
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = When(nullable=False, default_now=True)
    sent_at: datetime | None = When()
    failed_at: datetime | None = When()


class IncidentEvent(SQLModel, table=True):
    """Append-only: database triggers refuse UPDATE and DELETE (see the migrations)."""

    __table_args__ = (sa.Index("ix_incidentevent_incident", "incident_id", "id"),)

    id: int = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id")
    actor_id: int | None = Field(default=None, foreign_key="account.id")
    actor_role: str = Field(max_length=16)
    kind: str = Field(max_length=40)
    before: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = When(nullable=False, default_now=True)


class JobLock(SQLModel, table=True):
    """A named lease so that only one worker runs the sweep at a time (SQLite path)."""

    name: str = Field(primary_key=True, max_length=40)
    owner: str = Field(max_length=64)
    until: datetime = When(nullable=False)


# --- integrations (the seller API, webhooks) ----------------------------------------------


class ApiKey(SQLModel, table=True):
    """A back office's key: only its SHA-256 is kept. A shop key acts as the shop's seller who
    owns it (`user_id`), read or read-write; an operator key (no shop) acts as its admin."""

    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    key_hash: str = Field(max_length=64, unique=True)
    #: The first characters of the key, shown so its owner can tell keys apart.
    prefix: str = Field(max_length=16)
    user_id: int = Field(foreign_key="account.id", index=True)
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)
    scope: str = Field(max_length=10)  # read | write | operator
    created_by_id: int = Field(foreign_key="account.id")
    created_at: datetime = When(nullable=False, default_now=True)
    last_used_at: datetime | None = When()
    revoked_at: datetime | None = When()


class WebhookEndpoint(SQLModel, table=True):
    """Where a shop (or the operator, no shop) wants the desk's events, signed with `secret`."""

    id: int = Field(default=None, primary_key=True)
    shop_id: int | None = Field(default=None, foreign_key="shop.id", index=True)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=80)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=True)
    #: The first failure of the current run of failures (cleared by a success).
    failing_since: datetime | None = When()
    disabled_at: datetime | None = When()
    created_by_id: int = Field(foreign_key="account.id")
    created_at: datetime = When(nullable=False, default_now=True)


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint, written with the change it tells about (an outbox row);
    delivered in order per case (`incident_id`), at least once, under a lease like mail."""

    __table_args__ = (
        sa.Index("ix_webhookdelivery_due", "status", "next_attempt_at"),
        sa.Index("ix_webhookdelivery_case", "endpoint_id", "incident_id", "id"),
    )

    id: int = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhookendpoint.id")
    #: The Standard Webhooks `webhook-id`: the same on every attempt, so receivers can drop twins.
    message_id: str = Field(max_length=40, unique=True)
    event_type: str = Field(max_length=40)
    incident_id: int | None = Field(default=None, foreign_key="incident.id")
    payload: str = Field(max_length=20000)
    status: str = Field(default="pending", max_length=10)  # pending | delivered | failed
    attempts: int = Field(default=0)
    next_attempt_at: datetime = When(nullable=False, default_now=True)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = When()
    created_at: datetime = When(nullable=False, default_now=True)
    delivered_at: datetime | None = When()
    failed_at: datetime | None = When()


class WebhookAttempt(SQLModel, table=True):
    """Each try of a delivery, for its owner to read: status, latency, the start of the answer."""

    id: int = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhookdelivery.id", index=True)
    at: datetime = When(nullable=False, default_now=True)
    status_code: int | None = None
    latency_ms: int = Field(default=0)
    #: The start of the receiver's answer, or why there was none (refused address, timeout...).
    excerpt: str = Field(default="", max_length=500)
