"""The integrations against a real app process (production build) and real HTTP receivers:

- every webhook event type reaches a receiver (a small aiohttp server in this test) signed
  per Standard Webhooks and verified with the stock verifier, in order per case; the
  operator's endpoint also gets `flag.raised`;
- a receiver outage and then a desk restart lose nothing: deliveries retry, and arrive once
  the receiver is back;
- property-based tests generated from the OpenAPI document (schemathesis, bounded): no 5xx,
  every status, content type, header and body as documented.
"""

from __future__ import annotations

import io
import json
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from PIL import Image
from schemathesis import checks
from sqlmodel import select

from pixmania_incidents.api import api as _routes  # noqa: F401 - mounts the API's routers
from pixmania_incidents.api import v1
from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import Incident, User, WebhookDelivery, WebhookEndpoint
from pixmania_incidents.services import api_keys, arbitration, incidents, webhooks
from pixmania_incidents.services.common import Actor
from pixmania_incidents.services.evidence import Upload
from pixmania_incidents.vocabulary import OPERATOR_WEBHOOK_EVENTS, WEBHOOK_EVENTS
from tests.receiver import WAIT, Receiver
from tests.server import make_server

pytestmark = pytest.mark.integration

SELLER, ARBITRATOR, ADMIN = ("vendeur.techshop@demo.example.com", "arbitre@demo.example.com", "admin@demo.example.com")
#: Demo customers with TechShop lines no other test touches (the journeys use client@demo.example.com).
CUSTOMER, OTHER_CUSTOMER = "ines.roux@demo.example.com", "louis.lefebvre@demo.example.com"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = make_server(
        tmp_path_factory.mktemp("integrations"),
        extra_env={
            "PIXMANIA_WEBHOOK_ALLOW": "127.0.0.1",
            "PIXMANIA_WEBHOOK_FIRST_RETRY": "1",
            "PIXMANIA_WEBHOOK_SECONDS": "0.5",
            "PIXMANIA_SWEEP_SECONDS": "2",
            "PIXMANIA_API_RATE_PER_MINUTE": "100000",
        },
    ).start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def engine(server):
    eng = make_engine(server.db_url)
    yield eng
    eng.dispose()


def _actor(engine, email: str) -> Actor:
    with session_scope(engine, write=False) as session:
        return Actor.of(session.exec(select(User).where(User.email == email)).one())


@pytest.fixture(scope="module")
def receiver(engine, monkeypatch_module):
    monkeypatch_module.setattr(webhooks.settings, "WEBHOOK_ALLOW", ("127.0.0.1",))
    rx = Receiver()
    rx.start()
    seller, admin = _actor(engine, SELLER), _actor(engine, ADMIN)
    with session_scope(engine) as session:
        shop = webhooks.create_endpoint(session, seller, rx.url("shop"), WEBHOOK_EVENTS)
        operator = webhooks.create_endpoint(session, admin, rx.url("operator"), OPERATOR_WEBHOOK_EVENTS)
    rx.secrets = {"shop": shop.secret, "operator": operator.secret}
    yield rx


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def seller_key(engine):
    with session_scope(engine) as session:
        return api_keys.create_key(session, _actor(engine, SELLER), "back office", "write").secret


def _photo() -> Upload:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG")
    return Upload("colis.jpg", out.getvalue())


def _fresh_lines(engine, count: int, customer: str = CUSTOMER) -> list[int]:
    """Delivered TechShop lines of a demo customer with no incident yet."""
    import sqlalchemy as sa

    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT l.id FROM orderline l JOIN customerorder o ON o.id = l.order_id JOIN shop s ON s.id = o.shop_id "
                "JOIN account a ON a.id = o.customer_id JOIN shipment sh ON sh.order_id = o.id "
                "WHERE a.email = :c AND s.name = 'TechShop' AND sh.state IN ('delivered', 'shipped') "
                "AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.order_line_id = l.id) ORDER BY l.id"
            ),
            {"c": customer},
        )
        lines = [r[0] for r in rows]
    assert len(lines) >= count, "the demo data has too few untouched TechShop lines"
    return lines[:count]


def _as(engine, email: str, fn, *args):  # noqa: ANN001
    actor = _actor(engine, email)
    with session_scope(engine) as session:
        return fn(session, actor, *args)


def _version(engine, incident_id: int) -> int:
    with session_scope(engine, write=False) as session:
        return session.get(Incident, incident_id).version


def _shift_clock(engine, incident_id: int, kind: str, **instants: datetime) -> None:
    import sqlalchemy as sa

    values = {k: v.astimezone(timezone.utc).replace(tzinfo=None) for k, v in instants.items()}
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                f"UPDATE deadline SET {', '.join(f'{k} = :{k}' for k in values)} "
                "WHERE incident_id = :i AND kind = :k AND met_at IS NULL AND settled IS NULL"
            ),
            {**values, "i": incident_id, "k": kind},
        )


def _api(server, key: str, method: str, path: str, **kwargs) -> httpx.Response:
    return httpx.request(
        method, f"{server.url}/api/v1{path}", headers={"Authorization": f"Bearer {key}"}, timeout=30, **kwargs
    )


def test_every_event_type_arrives_signed_and_in_order_per_case(server, engine, receiver, seller_key):
    first, second, third = _fresh_lines(engine, 3)
    now = datetime.now(timezone.utc)
    # 1: opened, a message and a flag through the API, a refused proposal, arbitration, a decision.
    case = _as(engine, CUSTOMER, incidents.open_incident, first, "damaged", "Carton écrasé.", [_photo()])
    assert (
        _api(
            server,
            seller_key,
            "POST",
            f"/incidents/{case.incident_id}/messages",
            data={"body": "Pouvez-vous nous envoyer une photo du carton ?"},
        ).status_code
        == 201
    )
    flagged = _api(
        server,
        seller_key,
        "POST",
        f"/incidents/{case.incident_id}/flags",
        json={"version": _version(engine, case.incident_id), "reason": "photos", "details": "Photos floues"},
    )
    assert flagged.status_code == 201, flagged.text
    proposed = _api(
        server,
        seller_key,
        "POST",
        f"/incidents/{case.incident_id}/proposals",
        json={
            "version": _version(engine, case.incident_id),
            "solution": "refund_partial",
            "amount_cents": 1000,
            "message": "10 € pour le désagrément.",
        },
    )
    assert proposed.status_code == 201, proposed.text
    _as(engine, CUSTOMER, incidents.refuse, case.incident_id, proposed.json()["version"], "C'est trop peu.")
    _as(
        engine,
        CUSTOMER,
        incidents.request_arbitration,
        case.incident_id,
        _version(engine, case.incident_id),
        "Le vendeur propose trop peu.",
    )
    _as(engine, ARBITRATOR, arbitration.take_case, case.incident_id)
    _as(
        engine,
        ARBITRATOR,
        arbitration.decide,
        case.incident_id,
        _version(engine, case.incident_id),
        "refund_partial",
        3000,
        "Le colis est arrivé abîmé : remboursement partiel.",
    )
    # 2: a proposal accepted.
    other = _as(engine, CUSTOMER, incidents.open_incident, second, "not_received", "Jamais reçu.")
    offer = _as(engine, SELLER, incidents.propose, other.incident_id, other.version, "reship", None, "Nous renvoyons.")
    _as(engine, CUSTOMER, incidents.accept, other.incident_id, offer.version)
    # 3: its response deadline turns at risk, then is breached (the app's sweep), then the case is withdrawn.
    late = _as(engine, CUSTOMER, incidents.open_incident, third, "not_received", "Toujours rien.")
    _shift_clock(
        engine,
        late.incident_id,
        "response",
        at_risk_at=now - timedelta(minutes=1),
        next_check_at=now - timedelta(minutes=1),
    )
    receiver.wait_for("shop", {"deadline.at_risk"})
    _shift_clock(
        engine,
        late.incident_id,
        "response",
        due_at=now - timedelta(seconds=1),
        next_check_at=now - timedelta(seconds=1),
    )
    receiver.wait_for("shop", {"deadline.breached"})
    _as(engine, CUSTOMER, incidents.withdraw, late.incident_id, _version(engine, late.incident_id))

    receiver.wait_for("shop", set(WEBHOOK_EVENTS))
    receiver.wait_for("operator", set(OPERATOR_WEBHOOK_EVENTS))
    assert "flag.raised" not in receiver.types("shop")
    assert receiver.refused == 0
    message = next(e for e in receiver.got["shop"] if e["type"] == "message.created")
    assert message["data"]["message"]["body"] == "Pouvez-vous nous envoyer une photo du carton ?"
    assert message["data"]["incident"]["reference"] == case.reference
    # In order per case: each case's events arrive as they were written.
    seller = _actor(engine, SELLER)
    with session_scope(engine, write=False) as session:
        endpoint = next(e for e in webhooks.endpoints(session, seller))
        written = session.exec(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id).order_by(WebhookDelivery.id)
        ).all()
    for incident_id in (case.incident_id, other.incident_id, late.incident_id):
        expected = [d.message_id for d in written if d.incident_id == incident_id]
        arrived = list(
            dict.fromkeys(e["id"] for e in receiver.got["shop"] if e["data"]["incident"]["id"] == incident_id)
        )
        assert arrived == expected


def test_a_receiver_outage_and_a_desk_restart_lose_nothing(server, engine, receiver, seller_key):
    [line] = _fresh_lines(engine, 1, OTHER_CUSTOMER)
    receiver.stop()
    case = _as(engine, OTHER_CUSTOMER, incidents.open_incident, line, "not_received", "Le suivi ne bouge plus.")
    for text in ("Avez-vous des nouvelles ?", "Le transporteur ne répond pas."):
        _as(engine, OTHER_CUSTOMER, incidents.post_message, case.incident_id, text)
    with session_scope(engine, write=False) as session:
        pending = [
            d.message_id
            for d in session.exec(select(WebhookDelivery).where(WebhookDelivery.incident_id == case.incident_id)).all()
        ]
    # The receiver is down: attempts fail and are logged, nothing is lost.
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with session_scope(engine, write=False) as session:
            tried = session.exec(
                select(WebhookDelivery).where(
                    WebhookDelivery.incident_id == case.incident_id, WebhookDelivery.attempts > 0
                )
            ).all()
        if tried:
            break
        time.sleep(0.5)
    assert tried and all(d.status == "pending" for d in tried)
    # The desk stops; a change is written while it is down (its outbox keeps it); it starts again.
    server.stop()
    _as(engine, OTHER_CUSTOMER, incidents.post_message, case.incident_id, "J'attends votre réponse.")
    server.start()
    with session_scope(engine, write=False) as session:
        rows = session.exec(
            select(WebhookDelivery, WebhookEndpoint.shop_id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.incident_id == case.incident_id)
            .order_by(WebhookDelivery.id)
        ).all()
    pending = {
        "shop": [d.message_id for d, shop in rows if shop],
        "operator": [d.message_id for d, shop in rows if not shop],
    }
    receiver.start()
    for path, ids in pending.items():
        receiver.wait_for(path, ids=set(ids))
        arrived = list(
            dict.fromkeys(e["id"] for e in receiver.got[path] if e["data"]["incident"]["id"] == case.incident_id)
        )
        assert arrived == ids and len(ids) == 4  # opened and three messages, in order


# --- the API's contract, property-based ---------------------------------------------------------------


@schemathesis.serializer("application/x-ndjson")
def _ndjson(_context, value):  # noqa: ANN001 - schemathesis' serializer protocol
    """Intake's bulk body: whatever was generated, as text lines."""
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


#: The document the server serves (`/api/v1/openapi.json`), built by the same code in this process.
schema = schemathesis.openapi.from_dict(v1.app.openapi())
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture(scope="module")
def any_key(engine, seller_key):
    """Operations run with the key of their audience: the operator's for its routes, the shop's otherwise."""
    admin = _actor(engine, ADMIN)
    with session_scope(engine) as session:
        operator = api_keys.create_key(session, admin, "reporting", "operator").secret
    return lambda path: operator if path.startswith(("/operator", "/intake")) else seller_key


@schema.parametrize()
@hypothesis_settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_openapi_document_says(case, server, any_key):
    case.call_and_validate(
        base_url=f"{server.url}/api/v1", headers={"Authorization": f"Bearer {any_key(case.path)}"}, checks=CHECKS
    )
