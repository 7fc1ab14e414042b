"""Webhooks, without a network: which deliveries a change writes (in its own transaction, for the
endpoints that asked, the shop's own and the operator's), their order per case, retries with
backoff, the endpoint disabled after 3 days of failures with its owners told, "renvoyer",
signatures a stock Standard Webhooks verifier accepts, and receivers the desk refuses."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from pixmania_incidents import settings
from pixmania_incidents.models import (
    ChecklistItem,
    MailOutbox,
    Notification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from pixmania_incidents.services import fulfilment, incidents, supervision, webhooks
from pixmania_incidents.services.common import Forbidden, InvalidInput, NotFound, ServiceError
from pixmania_incidents.vocabulary import WEBHOOK_EVENTS

ALL = list(WEBHOOK_EVENTS)


@pytest.fixture(autouse=True)
def local_receivers(monkeypatch):
    monkeypatch.setattr(settings, "WEBHOOK_ALLOW", ("127.0.0.1", "localhost"))


class Receiver:
    """A fake transport: answers with the next status of `script` (then 200), keeps what it got."""

    def __init__(self, *script: int | None) -> None:
        self.script = list(script)
        self.got: list[tuple[dict, dict]] = []

    def post(self, destination, body, headers):  # noqa: ANN001
        status = self.script.pop(0) if self.script else 200
        if status is None:
            return webhooks.Answer(None, "ConnectError: refused")
        if status < 300:
            self.got.append((json.loads(body), headers))
        return webhooks.Answer(status, '{"ok": true}' if status < 300 else "busy")


def _endpoint(world, who: str, events=ALL) -> webhooks.NewSecret:
    created = webhooks.create_endpoint(world.db, world.actor(who), "http://127.0.0.1:9/hook", events)
    world.db.commit()
    return created


def _open(world, customer="camille", line="camille_tech_delivered"):
    result = incidents.open_incident(
        world.db, world.actor(customer), world.lines[line].id, "not_received", "Le colis n'est jamais arrivé."
    )
    world.db.commit()
    return result


def _deliveries(world, endpoint_id: int) -> list[WebhookDelivery]:
    world.db.expire_all()
    return list(
        world.db.exec(
            select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id).order_by(WebhookDelivery.id)
        ).all()
    )


def test_a_change_writes_deliveries_for_the_shops_endpoints_and_the_operators_only(world):
    tech, maison, operator = (
        _endpoint(world, "seller_tech"),
        _endpoint(world, "seller_maison"),
        _endpoint(world, "admin"),
    )
    result = _open(world)
    for endpoint in (tech, operator):
        [delivery] = _deliveries(world, endpoint.endpoint.id)
        body = json.loads(delivery.payload)
        assert body["type"] == "incident.opened"
        assert body["data"]["incident"]["reference"] == result.reference
        assert body["data"]["incident"]["status"] == "NEW"
    assert _deliveries(world, maison.endpoint.id) == []


def test_only_the_events_chosen_are_written_and_internal_notes_never(world):
    only_messages = _endpoint(world, "seller_tech", ["message.created"])
    result = _open(world)
    supervision.add_internal_note(world.db, world.actor("support"), result.incident_id, "Client connu.")
    incidents.post_message(world.db, world.actor("camille"), result.incident_id, "Toujours rien reçu.")
    world.db.commit()
    [delivery] = _deliveries(world, only_messages.endpoint.id)
    body = json.loads(delivery.payload)
    assert body["type"] == "message.created"
    assert body["data"]["message"]["body"] == "Toujours rien reçu."
    assert body["data"]["message"]["author_role"] == "customer"


def test_a_refused_change_writes_nothing(world):
    endpoint = _endpoint(world, "seller_tech")
    result = _open(world)
    with pytest.raises(ServiceError):
        incidents.propose(world.db, world.actor("seller_tech"), result.incident_id, 999, "reship", None, "Renvoi")
    world.db.rollback()
    assert [d.event_type for d in _deliveries(world, endpoint.endpoint.id)] == ["incident.opened"]


def test_a_lifecycle_writes_each_event_in_order(world, clock):
    endpoint = _endpoint(world, "seller_tech")
    result = _open(world)
    seller, customer = world.actor("seller_tech"), world.actor("camille")
    proposed = incidents.propose(
        world.db, seller, result.incident_id, result.version, "reship", None, "Nous renvoyons."
    )
    accepted = incidents.accept(world.db, customer, result.incident_id, proposed.version)
    world.db.commit()
    fulfilment.ship_replacement(world.db, seller, result.incident_id, "Colissimo", "6A123", "reship")
    for item in world.db.exec(
        select(ChecklistItem).where(ChecklistItem.incident_id == result.incident_id, ChecklistItem.done_at.is_(None))
    ).all():
        fulfilment.tick_checklist(world.db, seller, result.incident_id, item.id)
    world.db.commit()
    clock.advance(days=8)
    incidents.confirm_closure(world.db, seller, result.incident_id, accepted.version)
    world.db.commit()
    types = [d.event_type for d in _deliveries(world, endpoint.endpoint.id)]
    assert types == ["incident.opened", "proposal.accepted", "obligation.due", "incident.closed"]


def test_signatures_verify_with_the_stock_verifier(world, clock):
    clock.at = datetime.now(timezone.utc)  # the verifier refuses a timestamp 5 minutes away from its clock
    endpoint = _endpoint(world, "seller_tech")
    _open(world)
    receiver = Receiver()
    report = webhooks.deliver_due(world.db.get_bind(), receiver)
    assert report.delivered == 1
    body, headers = receiver.got[0]
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    assert Webhook(endpoint.secret).verify(raw, headers)["type"] == "incident.opened"
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(raw, headers)


def test_a_failing_receiver_is_retried_with_backoff_and_the_case_keeps_its_order(world, clock):
    endpoint = _endpoint(world, "seller_tech")
    result = _open(world)
    incidents.post_message(world.db, world.actor("camille"), result.incident_id, "Des nouvelles ?")
    world.db.commit()
    receiver = Receiver(503)
    engine = world.db.get_bind()
    report = webhooks.deliver_due(engine, receiver)
    # The first failed: the second of the same case waits behind it.
    assert (report.delivered, report.retried) == (0, 1)
    assert webhooks.deliver_due(engine, receiver).claimed == 0
    clock.advance(seconds=31)
    assert webhooks.deliver_due(engine, receiver).delivered == 2
    assert [b["type"] for b, _ in receiver.got] == ["incident.opened", "message.created"]
    first = _deliveries(world, endpoint.endpoint.id)[0]
    attempts = world.db.exec(select(WebhookAttempt).where(WebhookAttempt.delivery_id == first.id)).all()
    assert [a.status_code for a in attempts] == [503, 200]
    assert attempts[0].excerpt == "busy"


def test_an_endpoint_failing_for_three_days_is_disabled_and_its_sellers_told(world, clock):
    endpoint = _endpoint(world, "seller_tech")
    _open(world)
    engine = world.db.get_bind()
    down = Receiver(*[None] * 500)
    webhooks.deliver_due(engine, down)
    for _ in range(80):
        clock.advance(hours=1, minutes=1)
        webhooks.deliver_due(engine, down)
    world.db.expire_all()
    row = world.db.get(WebhookEndpoint, endpoint.endpoint.id)
    assert not row.active and row.disabled_at is not None
    told = world.db.exec(select(Notification).where(Notification.kind == "webhook_disabled")).all()
    assert {n.user_id for n in told} == {world.users["seller_tech"].id}
    assert world.db.exec(select(MailOutbox).where(MailOutbox.to_addr == "tech@example.com")).first() is not None
    # Disabled: nothing more is tried; turned back on, the pending delivery goes.
    up = Receiver()
    assert webhooks.deliver_due(engine, up).claimed == 0
    webhooks.update_endpoint(world.db, world.actor("seller_tech"), row.id, ALL, True)
    world.db.commit()
    clock.advance(hours=2)
    assert webhooks.deliver_due(engine, up).delivered == 1


def test_resend_sends_a_delivered_event_again_with_its_id(world):
    endpoint = _endpoint(world, "seller_tech")
    _open(world)
    receiver = Receiver()
    engine = world.db.get_bind()
    webhooks.deliver_due(engine, receiver)
    [delivery] = webhooks.deliveries(world.db, world.actor("seller_tech"), endpoint.endpoint.id)
    assert delivery.status == "delivered"
    with pytest.raises(NotFound):
        webhooks.resend(world.db, world.actor("seller_maison"), delivery.id)
    webhooks.resend(world.db, world.actor("seller_tech"), delivery.id)
    world.db.commit()
    webhooks.deliver_due(engine, receiver)
    assert [h["webhook-id"] for _, h in receiver.got] == [delivery.message_id] * 2


@pytest.mark.parametrize(
    "url, code",
    [
        ("http://example.com/hook", "webhooks.error.https"),
        ("https://10.0.0.5/hook", "webhooks.error.private"),
        ("https://169.254.169.254/latest", "webhooks.error.private"),
        ("https://[::1]/hook", "webhooks.error.private"),
        ("ftp://example.com/", "webhooks.error.url"),
        ("https://user:pw@example.com/", "webhooks.error.url"),
    ],
)
def test_receivers_on_private_networks_or_without_https_are_refused(world, monkeypatch, url, code):
    monkeypatch.setattr(settings, "WEBHOOK_ALLOW", ())
    monkeypatch.setattr(
        webhooks.socket,
        "getaddrinfo",
        lambda host, *a, **k: (
            [(0, 0, 0, "", (host.strip("[]"), 443))]
            if host[0].isdigit() or ":" in host
            else [(0, 0, 0, "", ("93.184.216.34", 443))]
        ),
    )
    with pytest.raises(InvalidInput) as refused:
        webhooks.create_endpoint(world.db, world.actor("seller_tech"), url, ALL)
    assert refused.value.code == code


def test_a_name_that_turns_private_after_saving_is_refused_at_delivery(world, monkeypatch):
    endpoint = _endpoint(world, "seller_tech")
    _open(world)
    world.db.get(WebhookEndpoint, endpoint.endpoint.id).url = "https://hooks.example.com/x"
    world.db.commit()
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda *a, **k: [(0, 0, 0, "", ("192.168.1.20", 443))])
    receiver = Receiver()
    webhooks.deliver_due(world.db.get_bind(), receiver)
    assert receiver.got == []
    attempt = world.db.exec(select(WebhookAttempt)).one()
    assert attempt.status_code is None and "webhooks.error.private" in attempt.excerpt


def test_only_the_owner_manages_an_endpoint(world):
    endpoint = _endpoint(world, "seller_tech")
    with pytest.raises(NotFound):
        webhooks.update_endpoint(world.db, world.actor("seller_maison"), endpoint.endpoint.id, ALL, False)
    with pytest.raises(NotFound):
        webhooks.deliveries(world.db, world.actor("admin"), endpoint.endpoint.id)
    with pytest.raises(Forbidden):
        webhooks.endpoints(world.db, world.actor("camille"))
    with pytest.raises(InvalidInput):
        webhooks.create_endpoint(world.db, world.actor("seller_tech"), "http://127.0.0.1:9/", ["flag.raised"])
    assert [e.id for e in webhooks.endpoints(world.db, world.actor("seller_maison"))] == []


def test_the_secret_can_be_rotated_and_the_endpoint_deleted(world):
    endpoint = _endpoint(world, "seller_tech")
    rotated = webhooks.rotate_secret(world.db, world.actor("seller_tech"), endpoint.endpoint.id)
    assert rotated.secret != endpoint.secret and rotated.secret.startswith("whsec_")
    _open(world)
    webhooks.delete_endpoint(world.db, world.actor("seller_tech"), endpoint.endpoint.id)
    world.db.commit()
    assert world.db.exec(select(WebhookDelivery)).all() == []
    assert timedelta(days=3) == webhooks.GIVE_UP_AFTER


def test_the_http_sender_posts_to_a_real_receiver_which_verifies_it(world, clock):
    from tests.receiver import Receiver

    clock.at = datetime.now(timezone.utc)
    receiver = Receiver()
    receiver.start()
    try:
        created = webhooks.create_endpoint(world.db, world.actor("seller_tech"), receiver.url("erp"), ALL)
        world.db.commit()
        receiver.secrets = {"erp": created.secret}
        _open(world)
        assert webhooks.deliver_due(world.db.get_bind()).delivered == 1
        assert [e["type"] for e in receiver.got["erp"]] == ["incident.opened"]
        attempt = world.db.exec(select(WebhookAttempt)).one()
        assert attempt.status_code == 200 and attempt.excerpt == '{"ok": true}'
        # A forged secret is refused by the receiver: the attempt keeps its 401 and retries later.
        world.db.get(WebhookEndpoint, created.endpoint.id).secret = webhooks.new_secret()
        world.db.commit()
        incidents.post_message(
            world.db, world.actor("camille"), _deliveries(world, created.endpoint.id)[0].incident_id, "Bonjour ?"
        )
        world.db.commit()
        assert webhooks.deliver_due(world.db.get_bind()).retried == 1
        assert receiver.refused == 1
    finally:
        receiver.stop()


def test_on_postgresql_two_senders_keep_each_case_in_order(pg_url, clock, monkeypatch):
    """Two senders at once on PostgreSQL (FOR UPDATE SKIP LOCKED): every delivery once, each case in order."""
    import threading

    from sqlmodel import Session

    from pixmania_incidents.db import make_engine
    from tests.conftest import make_world

    monkeypatch.setattr(settings, "WEBHOOK_ALLOW", ("127.0.0.1",))
    engine = make_engine(pg_url)
    with Session(engine, expire_on_commit=False) as db:
        world = make_world(db)
        webhooks.create_endpoint(db, world.actor("seller_tech"), "http://127.0.0.1:9/hook", ALL)
        db.commit()
        for line in ("camille_tech_delivered", "paul_tech_delivered"):
            customer = world.actor(line.split("_")[0])
            case = incidents.open_incident(db, customer, world.lines[line].id, "not_received", "Rien reçu.")
            for n in range(4):
                incidents.post_message(db, customer, case.incident_id, f"Message {n}")
            db.commit()

    class Slow(Receiver):
        def post(self, destination, body, headers):  # noqa: ANN001
            import time

            time.sleep(0.01)
            return super().post(destination, body, headers)

    receiver = Slow()
    senders = [threading.Thread(target=webhooks.deliver_due, args=(engine, receiver, f"w{i}", 50)) for i in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    while webhooks.deliver_due(engine, receiver).claimed:
        pass
    ids = [h["webhook-id"] for _, h in receiver.got]
    assert len(ids) == len(set(ids)) == 10
    for reference in {b["data"]["incident"]["reference"] for b, _ in receiver.got}:
        bodies = [b for b, _ in receiver.got if b["data"]["incident"]["reference"] == reference]
        assert [b["type"] for b in bodies] == ["incident.opened", *["message.created"] * 4]
        assert [b["data"]["message"]["body"] for b in bodies[1:]] == [f"Message {n}" for n in range(4)]
    engine.dispose()
