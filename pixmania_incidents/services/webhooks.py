"""Webhooks: the desk's events, signed and sent to the back offices that asked for them.

Why from the event log: every change a service makes appends an `IncidentEvent` in its own
transaction, so the webhook deliveries are derived from those rows at the same flush
(`_on_flush`) and commit with the change or not at all, whichever service, page, API call
or sweep made it. Nothing is sent from inside a transaction: a background loop
(`deliver_due`, run by `tasks.py`) claims each delivery under a lease like the e-mail
outbox (`services/outbox`), signs it per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
`webhook-signature`: HMAC-SHA256 of `id.timestamp.body`) and posts it.

At least once, in order per case: a delivery is not claimed while an earlier one of the same
case is still pending for the same endpoint, and a sender that dies after the receiver
answered lets the delivery go again with the same `webhook-id`. A failure retries with
exponential backoff (`FIRST_RETRY` doubling to `MAX_RETRY`); an endpoint failing for
`GIVE_UP_AFTER` is disabled and its owners are told (bell and e-mail). Every attempt is kept
(status, latency, the start of the answer) for the owner to read and "renvoyer".

Safe by default: only `https` URLs whose addresses are all public, checked when the endpoint
is saved and again at each delivery after resolving the name (and the connection goes to the
address checked); `settings.WEBHOOK_ALLOW` names the exceptions (tests, on-premise receivers).
Short timeouts, no redirects, and only the first `EXCERPT` characters of an answer are read.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import os
import secrets
import socket
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from standardwebhooks.webhooks import Webhook

from pixmania_incidents import settings
from pixmania_incidents.db import session_scope
from pixmania_incidents.models import (
    Deadline,
    Incident,
    IncidentEvent,
    Message,
    Role,
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from pixmania_incidents.services import notifications, outbox
from pixmania_incidents.services.case_feed import case_summary, iso
from pixmania_incidents.services.common import Actor, InvalidInput, NotFound, authorize, existing, now, reads
from pixmania_incidents.services.evidence import visibilities
from pixmania_incidents.vocabulary import OPERATOR_WEBHOOK_EVENTS, WEBHOOK_EVENTS

log = logging.getLogger("pixmania.webhooks")

LEASE = timedelta(minutes=1)
#: Connecting, then the whole answer: well inside the lease.
CONNECT_TIMEOUT = 5.0
SEND_TIMEOUT = 10.0
FIRST_RETRY = timedelta(seconds=float(os.environ.get("PIXMANIA_WEBHOOK_FIRST_RETRY", "30")))
MAX_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=3)
#: Characters of a receiver's answer kept with each attempt.
EXCERPT = 500
MAX_URL = 500

# --- the events ----------------------------------------------------------------------------

#: The desk's event kinds (`col(IncidentEvent.kind)`) that are webhook events.
_BY_EVENT = {
    "opened": "incident.opened",
    "message": "message.created",
    "statement_added": "message.created",
    "deadline_at_risk": "deadline.at_risk",
    "deadline_breached": "deadline.breached",
    "accepted": "proposal.accepted",
    "refused": "proposal.refused",
    "arbitration_requested": "arbitration.requested",
    "decided": "decision.made",
    "flag_raised": "flag.raised",
}


def event_types(event: IncidentEvent) -> list[str]:
    """The webhook events one desk event is: its own kind's, and `incident.closed` when it closed the case."""
    before, after = event.before or {}, event.after or {}
    types = [_BY_EVENT[event.kind]] if event.kind in _BY_EVENT else []
    if event.kind == "message" and after.get("kind") not in ("message", "assist"):
        types = []  # an internal note is no message of the thread
    if after.get("state") == "closed" and before.get("state") != "closed":
        types.append("incident.closed")
    return types


def _message(session: Session, message_id: Any) -> dict[str, Any] | None:
    message = session.get(Message, message_id) if message_id else None
    if message is None or message.visibility not in visibilities(Role.seller):
        return None
    author = existing(session, User, message.author_id) if message.author_id else None
    return {
        "id": message.id,
        "author": author.name if author else "",
        "author_role": message.author_role,
        "kind": message.kind,
        "body": message.body,
        "created_at": iso(message.created_at),
    }


def _data(session: Session, incident: Incident, event: IncidentEvent) -> dict[str, Any]:
    details = {k: v for k, v in (event.after or {}).items() if k not in ("state", "version", "outcome")}
    data: dict[str, Any] = {"incident": case_summary(incident), "details": details, "actor_role": event.actor_role}
    if "message_id" in details:
        data["message"] = _message(session, details["message_id"])
    return data


def _endpoints_for(session: Session, shop_id: int, event_type: str) -> list[WebhookEndpoint]:
    rows = session.exec(
        select(WebhookEndpoint)
        .where(
            col(WebhookEndpoint.active) == sa.true(),
            sa.or_(col(WebhookEndpoint.shop_id) == shop_id, col(WebhookEndpoint.shop_id).is_(None)),
        )
        .order_by(col(WebhookEndpoint.id))
    ).all()
    return [e for e in rows if event_type in e.events and (e.shop_id is None or event_type in WEBHOOK_EVENTS)]


def enqueue(session: Session, incident: Incident, event_type: str, data: dict[str, Any], at: datetime) -> int:
    """One delivery per endpoint that wants this event, in the caller's transaction."""
    body = json.dumps(
        {"type": event_type, "timestamp": iso(at), "data": data}, ensure_ascii=False, separators=(",", ":"), default=str
    )
    endpoints = _endpoints_for(session, incident.shop_id, event_type)
    for endpoint in endpoints:
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                message_id=f"msg_{uuid.uuid4().hex}",
                event_type=event_type,
                incident_id=incident.id,
                payload=body,
                created_at=at,
                next_attempt_at=at,
            )
        )
    return len(endpoints)


def _obligation_due(session: Session, row: Deadline, incident: Incident) -> dict[str, Any]:
    return {
        "incident": case_summary(incident),
        "details": {"obligation": row.kind, "holder": row.holder, "due_at": iso(row.due_at)},
        "actor_role": "system",
    }


_OBLIGATIONS = "pixmania.webhooks.obligations"


def _on_flush(session: Session, _context: object, _instances: object) -> None:
    """Deliveries for the events about to be written, in the order they were added (`session.new`
    keeps it). An obligation's clock is written before the event of the action that started it
    (accepting, deciding, a label, a return): its `obligation.due` waits and follows that event."""
    new = [row for row in session.new if isinstance(row, IncidentEvent | Deadline)]
    if not new:
        return
    waiting = session.info.setdefault(_OBLIGATIONS, [])
    with session.no_autoflush:
        for row in new:
            if isinstance(row, Deadline):
                if row.obligation_id is not None:
                    waiting.append(row)
                continue
            incident = existing(session, Incident, row.incident_id)
            for event_type in event_types(row):
                enqueue(session, incident, event_type, _data(session, incident, row), row.at or now())
            _obligations_due(session)


def _obligations_due(session: Session) -> None:
    waiting = session.info.get(_OBLIGATIONS) or []
    for row in waiting:
        incident = existing(session, Incident, row.incident_id)
        enqueue(session, incident, "obligation.due", _obligation_due(session, row, incident), now())
    waiting.clear()


def _before_commit(session: Session) -> None:
    """An obligation started without an event after it (none does today) is still told."""
    if session.info.get(_OBLIGATIONS):
        with session.no_autoflush:
            _obligations_due(session)


def _forget(session: Session, *_: object) -> None:
    session.info.pop(_OBLIGATIONS, None)


sa.event.listen(Session, "before_flush", _on_flush)
sa.event.listen(Session, "before_commit", _before_commit)
sa.event.listen(Session, "after_soft_rollback", _forget)


# --- where they may go ---------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    """A checked receiver: the address to connect to, and the name to ask for there."""

    url: str
    host: str
    address: str
    port: int


def _allowed(host: str, addresses: Iterable[str] = ()) -> bool:
    allowed = settings.WEBHOOK_ALLOW
    if host.lower() in (a.lower() for a in allowed):
        return True
    networks = []
    for part in allowed:
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            continue
    ips = [ipaddress.ip_address(a) for a in addresses]
    return bool(ips) and all(any(ip in n for n in networks) for ip in ips)


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def check_url(url: str, resolve: bool = True) -> Destination:
    """The receiver `url` names if the desk may post to it: https, every address public (or
    allow-listed); `InvalidInput` saying why not. Resolves the name (`resolve=False`: only its form)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    host = parts.hostname or ""
    if len(url) > MAX_URL or parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise InvalidInput("webhooks.error.url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InvalidInput("webhooks.error.url") from None
    if not resolve:
        return Destination(url, host, "", port)
    try:
        addresses = sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
    except (OSError, UnicodeError):
        raise InvalidInput("webhooks.error.unresolved", host=host) from None
    if _allowed(host, addresses):
        return Destination(url, host, addresses[0], port)
    if parts.scheme != "https":
        raise InvalidInput("webhooks.error.https")
    if not all(_public(a) for a in addresses):
        raise InvalidInput("webhooks.error.private", host=host)
    return Destination(url, host, addresses[0], port)


# --- endpoints, for their owners --------------------------------------------------------------


@dataclass(frozen=True)
class AttemptView:
    at: datetime
    status_code: int | None
    latency_ms: int
    excerpt: str


@dataclass(frozen=True)
class DeliveryView:
    id: int
    message_id: str
    event_type: str
    incident_id: int | None
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    attempts_log: list[AttemptView] = field(default_factory=list)


@dataclass(frozen=True)
class EndpointView:
    id: int
    shop_id: int | None
    url: str
    events: list[str]
    active: bool
    disabled_at: datetime | None
    failing_since: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class NewSecret:
    endpoint: EndpointView
    #: Shown once; receivers verify signatures with it (`whsec_…`, Standard Webhooks).
    secret: str


def _view(endpoint: WebhookEndpoint) -> EndpointView:
    return EndpointView(
        endpoint.id,
        endpoint.shop_id,
        endpoint.url,
        list(endpoint.events),
        endpoint.active,
        endpoint.disabled_at,
        endpoint.failing_since,
        endpoint.created_at,
    )


def _owned(actor: Actor) -> Any:
    """The endpoints an owner manages: their shop's, or the operator's for an admin."""
    return (
        col(WebhookEndpoint.shop_id).is_(None)
        if actor.role == Role.admin
        else col(WebhookEndpoint.shop_id) == actor.shop_id
    )


def _endpoint(session: Session, actor: Actor, endpoint_id: Any) -> WebhookEndpoint:
    authorize(actor, "webhooks.manage")
    try:
        endpoint = session.exec(
            select(WebhookEndpoint).where(col(WebhookEndpoint.id) == int(endpoint_id), _owned(actor))
        ).first()
    except (TypeError, ValueError):
        endpoint = None
    if endpoint is None:
        raise NotFound()
    return endpoint


def _events(actor: Actor, events: Iterable[str]) -> list[str]:
    offered = OPERATOR_WEBHOOK_EVENTS if actor.role == Role.admin else WEBHOOK_EVENTS
    chosen = [e for e in offered if e in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise InvalidInput("webhooks.error.events")
    return chosen


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def create_endpoint(session: Session, actor: Actor, url: str, events: Iterable[str]) -> NewSecret:
    """A seller's endpoint for their shop, an admin's for the operator; its secret is shown once."""
    authorize(actor, "webhooks.manage")
    if actor.role == Role.seller and actor.shop_id is None:
        raise NotFound()
    destination = check_url(url)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        shop_id=None if actor.role == Role.admin else actor.shop_id,
        url=destination.url,
        secret=secret,
        events=_events(actor, events),
        created_by_id=actor.user_id,
        created_at=now(),
    )
    session.add(endpoint)
    session.flush()
    return NewSecret(_view(endpoint), secret)


@reads
def endpoints(session: Session, actor: Actor) -> list[EndpointView]:
    authorize(actor, "webhooks.manage")
    return [
        _view(e)
        for e in session.exec(select(WebhookEndpoint).where(_owned(actor)).order_by(col(WebhookEndpoint.id))).all()
    ]


def update_endpoint(
    session: Session, actor: Actor, endpoint_id: int, events: Iterable[str], active: bool
) -> EndpointView:
    """Chosen events, and on or off; turning a disabled endpoint on resumes its pending deliveries."""
    endpoint = _endpoint(session, actor, endpoint_id)
    endpoint.events = _events(actor, events)
    if active and not endpoint.active:
        endpoint.disabled_at, endpoint.failing_since = None, None
    endpoint.active = bool(active)
    session.add(endpoint)
    return _view(endpoint)


def rotate_secret(session: Session, actor: Actor, endpoint_id: int) -> NewSecret:
    endpoint = _endpoint(session, actor, endpoint_id)
    endpoint.secret = new_secret()
    session.add(endpoint)
    return NewSecret(_view(endpoint), endpoint.secret)


def delete_endpoint(session: Session, actor: Actor, endpoint_id: int) -> None:
    """The endpoint and everything it was to be sent or was sent (its log goes with it)."""
    endpoint = _endpoint(session, actor, endpoint_id)
    ids = select(col(WebhookDelivery.id)).where(col(WebhookDelivery.endpoint_id) == endpoint.id)
    session.connection().execute(
        sa.delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(ids.scalar_subquery()))
    )
    session.connection().execute(sa.delete(WebhookDelivery).where(col(WebhookDelivery.endpoint_id) == endpoint.id))
    session.delete(endpoint)


@reads
def deliveries(session: Session, actor: Actor, endpoint_id: int, limit: int = 50) -> list[DeliveryView]:
    """An endpoint's latest deliveries, newest first, each with its attempts."""
    endpoint = _endpoint(session, actor, endpoint_id)
    rows = session.exec(
        select(WebhookDelivery)
        .where(col(WebhookDelivery.endpoint_id) == endpoint.id)
        .order_by(col(WebhookDelivery.id).desc())
        .limit(max(1, min(int(limit), 200)))
    ).all()
    attempts: dict[int, list[AttemptView]] = {}
    if rows:
        for a in session.exec(
            select(WebhookAttempt)
            .where(col(WebhookAttempt.delivery_id).in_([r.id for r in rows]))
            .order_by(col(WebhookAttempt.id))
        ).all():
            attempts.setdefault(a.delivery_id, []).append(AttemptView(a.at, a.status_code, a.latency_ms, a.excerpt))
    return [
        DeliveryView(
            r.id,
            r.message_id,
            r.event_type,
            r.incident_id,
            r.status,
            r.attempts,
            r.created_at,
            r.next_attempt_at if r.status == "pending" else None,
            attempts.get(r.id, []),
        )
        for r in rows
    ]


def resend(session: Session, actor: Actor, delivery_id: int) -> None:
    """ "Renvoyer": the delivery goes again at once, with its own `webhook-id`."""
    authorize(actor, "webhooks.manage")
    row = session.get(WebhookDelivery, int(delivery_id))
    if row is None:
        raise NotFound()
    _endpoint(session, actor, row.endpoint_id)
    row.status, row.next_attempt_at, row.failed_at = "pending", now(), None
    session.add(row)


# --- sending -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str


class Transport(Protocol):
    def post(self, destination: Destination, body: bytes, headers: dict[str, str]) -> Answer:
        """Post `body`; the receiver's status and the start of its answer (None: no answer)."""


class HttpTransport:
    """httpx to the address `check_url` checked (the name still asked for, TLS included), no redirects."""

    def post(self, destination: Destination, body: bytes, headers: dict[str, str]) -> Answer:
        parts = urlsplit(destination.url)
        address = f"[{destination.address}]" if ":" in destination.address else destination.address
        pinned = parts._replace(netloc=f"{address}:{destination.port}").geturl()
        extensions = {"sni_hostname": destination.host} if parts.scheme == "https" else {}
        timeout = httpx.Timeout(SEND_TIMEOUT, connect=CONNECT_TIMEOUT)
        try:
            with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
                request = client.build_request(
                    "POST", pinned, content=body, extensions=extensions, headers={**headers, "Host": parts.netloc}
                )
                response = client.send(request, stream=True)
                try:
                    head = b""
                    for chunk in response.iter_bytes():
                        head += chunk
                        if len(head) >= EXCERPT * 4:
                            break
                    return Answer(response.status_code, head.decode(errors="replace")[:EXCERPT])
                finally:
                    response.close()
        except httpx.HTTPError as exc:
            return Answer(None, f"{type(exc).__name__}: {exc}"[:EXCERPT])


def signed_headers(endpoint: WebhookEndpoint, row: WebhookDelivery, at: datetime) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "Pixmania-Incidents-Webhooks/1",
        "webhook-id": row.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(row.message_id, at, row.payload),
    }


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.delivered + self.retried + self.failed


def _earlier_pending() -> Any:
    """A delivery of the same case to the same endpoint still waiting before this one."""
    earlier = aliased(WebhookDelivery)
    return (
        select(earlier.id)
        .where(
            earlier.endpoint_id == col(WebhookDelivery.endpoint_id),
            earlier.incident_id == col(WebhookDelivery.incident_id),
            earlier.status == "pending",
            earlier.id < col(WebhookDelivery.id),
        )
        .exists()
    )


def _claim(engine: Engine, owner: str) -> WebhookDelivery | None:
    active = select(col(WebhookEndpoint.id)).where(col(WebhookEndpoint.active) == sa.true())
    return outbox.claim(
        engine,
        WebhookDelivery,
        owner,
        LEASE,
        [col(WebhookDelivery.endpoint_id).in_(active.scalar_subquery()), ~_earlier_pending()],
    )


def _disable(session: Session, endpoint: WebhookEndpoint, at: datetime) -> None:
    """Failing for too long: off, and its owners hear it (the shop's sellers, or the admins)."""
    endpoint.active, endpoint.disabled_at = False, at
    session.add(endpoint)
    owners = (
        [col(User.role) == Role.admin]
        if endpoint.shop_id is None
        else [col(User.role) == Role.seller, col(User.shop_id) == endpoint.shop_id]
    )
    users = session.exec(select(col(User.id)).where(col(User.active) == sa.true(), *owners)).all()
    link = "/admin/integrations" if endpoint.shop_id is None else "/integrations"
    notifications.notify(session, "webhook_disabled", None, [f"user:{u}" for u in users], url=endpoint.url, link=link)
    log.warning("webhook endpoint %s disabled after failing since %s", endpoint.id, endpoint.failing_since)


def _record(
    engine: Engine,
    row: WebhookDelivery,
    owner: str,
    answer: Answer,
    started: datetime,
    latency_ms: int,
    report: DeliveryReport,
) -> None:
    at = now()
    ok = answer.status_code is not None and 200 <= answer.status_code < 300
    with session_scope(engine) as session:
        endpoint = existing(session, WebhookEndpoint, row.endpoint_id)
        failing_since = None if ok else endpoint.failing_since or started
        disable = failing_since is not None and failing_since < at - GIVE_UP_AFTER
        if ok:
            values: dict[str, Any] = {"status": "delivered", "delivered_at": at}
        elif row.created_at < at - GIVE_UP_AFTER and not disable:
            values = {"status": "failed", "failed_at": at}  # this event fails, not the endpoint: "renvoyer"
        else:  # a disabled endpoint keeps its deliveries for when its owner turns it back on
            values = {"next_attempt_at": at + outbox.backoff(row.attempts, FIRST_RETRY, MAX_RETRY)}
        if not outbox.finish(session, WebhookDelivery, row.id, owner, **values):
            return  # our lease ran out (or the endpoint was deleted): not ours to record
        session.add(
            WebhookAttempt(
                delivery_id=row.id,
                at=started,
                status_code=answer.status_code,
                latency_ms=latency_ms,
                excerpt=answer.excerpt[:EXCERPT],
            )
        )
        endpoint.failing_since = failing_since
        if disable and endpoint.active:
            _disable(session, endpoint, at)
        session.add(endpoint)
    if ok:
        report.delivered += 1
    elif values.get("status") == "failed":
        report.failed += 1
    else:
        report.retried += 1


def _send_one(engine: Engine, transport: Transport, row: WebhookDelivery, owner: str, report: DeliveryReport) -> None:
    with session_scope(engine, write=False) as session:
        endpoint = existing(session, WebhookEndpoint, row.endpoint_id)
    if endpoint is None:
        return  # deleted since the claim, with its deliveries
    started = now()
    clock = time.monotonic()
    try:
        destination = check_url(endpoint.url)
    except InvalidInput as exc:
        answer = Answer(None, f"refused: {exc.code} {exc.params}"[:EXCERPT])
    else:
        answer = transport.post(destination, row.payload.encode(), signed_headers(endpoint, row, started))
    _record(engine, row, owner, answer, started, int((time.monotonic() - clock) * 1000), report)


def deliver_due(
    engine: Engine, transport: Transport | None = None, owner: str | None = None, limit: int = 20
) -> DeliveryReport:
    """One round of the sender: up to `limit` deliveries, each claimed, posted and recorded on
    its own. Blocking (run it in a thread from async code)."""
    owner = f"{owner or outbox.worker_name()}:{secrets.token_hex(4)}"
    transport = transport or HttpTransport()
    report = DeliveryReport()
    while report.claimed < limit:
        row = _claim(engine, owner)
        if row is None:
            break
        _send_one(engine, transport, row, owner, report)
    return report
