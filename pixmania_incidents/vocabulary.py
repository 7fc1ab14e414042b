"""The desk's words: who acts, where a case stands, how it ended, and the limits users meet.

Why a module of its own, in the pure layer: the lifecycle, the tables, the services and
the screens all name the same roles and states and show the same limits (a text's length,
a flag's reasons); defining them once, below everything else, lets each layer read them
without reaching into the database or the services. Pure Python: no Reflex, no database.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    customer = "customer"
    seller = "seller"
    support = "support"
    arbitrator = "arbitrator"
    product = "product"
    admin = "admin"


class IncidentState(StrEnum):
    open = "open"
    in_progress = "in_progress"
    awaiting_customer = "awaiting_customer"
    in_arbitration = "in_arbitration"
    resolved = "resolved"
    closed = "closed"


class ClosedOutcome(StrEnum):
    agreed = "agreed"
    decided = "decided"
    withdrawn = "withdrawn"
    no_customer_reply = "no_customer_reply"
    return_not_sent = "return_not_sent"


#: Customer service: reads every case and its internal notes.
STAFF: frozenset[str] = frozenset({Role.support, Role.arbitrator, Role.admin})
#: Roles an administrator gives accounts (customers register themselves).
ACCOUNT_ROLES: tuple[str, ...] = (Role.seller, Role.support, Role.arbitrator, Role.product, Role.admin)
#: Roles that write in a case's thread.
THREAD_WRITERS: tuple[str, ...] = (Role.customer, Role.seller, Role.support, Role.arbitrator)

# --- what users type and send ---------------------------------------------------------------

#: Characters of a description, message, reason or statement.
MAX_TEXT = 4000
#: Evidence: files per message and bytes per file.
MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
#: Characters of an arbitration decision's rationale.
RATIONALE_MAX = 8000

# --- the seller's tools ---------------------------------------------------------------------

ROOT_CAUSES = ("carrier", "packaging", "listing_content", "picking_error", "product_quality", "other")
OUTSIDE_CHANNELS = ("phone", "email")
DEFAULT_RETURN_CARRIER = "Colissimo"
SHIPMENT_KINDS = ("replacement", "reship")

# --- listing flags --------------------------------------------------------------------------

FLAG_REASONS = ("description", "photos", "specifications", "price", "wrong_reference", "other")
FLAG_STATUSES = ("raised", "acknowledged", "fixed", "rejected")
OPEN_FLAG_STATUSES = ("raised", "acknowledged")

# --- customer service -----------------------------------------------------------------------

GUIDELINE_KINDS = ("guideline", "training")
GUIDELINE_TITLE_MAX = 200
GUIDELINE_BODY_MAX = 20000
SUPERVISION_QUEUES = ("all", "help_requested", "at_risk", "breached", "arbitration")
#: A period of figures (trends, a shop's insights) spans at most two years.
MAX_PERIOD_DAYS = 731

# --- integrations (the seller API, webhooks) -------------------------------------------------

#: The status sellers know from the marketplace's order system (Mirakl), beside the desk's own state.
MARKETPLACE_STATUS: dict[str, str] = {
    IncidentState.open: "NEW",
    IncidentState.in_progress: "IN_PROGRESS",
    IncidentState.awaiting_customer: "IN_PROGRESS",
    IncidentState.in_arbitration: "DISPUTED",
    IncidentState.resolved: "RESOLVED",
    IncidentState.closed: "CLOSED",
}
#: What an API key may do: a shop's key reads, or reads and writes; the operator's reads every
#: case and feeds the order system's data in (intake).
API_KEY_SCOPES = ("read", "write", "operator")
#: Events a webhook endpoint may subscribe to; the operator's endpoints may also have `flag.raised`.
WEBHOOK_EVENTS = (
    "incident.opened",
    "message.created",
    "deadline.at_risk",
    "deadline.breached",
    "proposal.accepted",
    "proposal.refused",
    "arbitration.requested",
    "decision.made",
    "obligation.due",
    "incident.closed",
)
OPERATOR_WEBHOOK_EVENTS = (*WEBHOOK_EVENTS, "flag.raised")


def case_path(reference: str) -> str:
    """A case's address: its public reference, as people read and quote it (`/incidents/INC-2026-155915`)."""
    return f"/incidents/{reference}"
