"""The desk connected end to end: an order arrives through intake; its customer follows the
invitation, chooses a password and opens an incident in the browser; the seller's back office
(an HTTP client with an API key) sees it through the API and a webhook, and replies through
the API; the customer's open page shows the reply without a reload."""

from __future__ import annotations

import email
import email.policy
import json
import re
import time

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import User
from pixmania_incidents.services import api_keys, webhooks
from pixmania_incidents.services.common import Actor
from pixmania_incidents.vocabulary import WEBHOOK_EVENTS
from tests.e2e.conftest import CASE_URL, Session
from tests.receiver import WAIT, Receiver
from tests.server import make_server

pytestmark = pytest.mark.e2e

CUSTOMER_EMAIL = "nadia.intake@example.com"
PASSWORD = "nadia-Pixmania-2026"
LIVE = 5_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = make_server(
        tmp_path_factory.mktemp("integrations-e2e"),
        extra_env={
            "PIXMANIA_WEBHOOK_ALLOW": "127.0.0.1",
            "PIXMANIA_WEBHOOK_SECONDS": "0.5",
            "PIXMANIA_MAIL_SECONDS": "1",
        },
    ).start()
    yield app
    app.stop()


def _actor(engine, email_address: str) -> Actor:
    with session_scope(engine) as session:
        return Actor.of(session.exec(select(User).where(User.email == email_address)).one())


def _invitation_link(server) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for path in (server.data_dir / "mail").glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == CUSTOMER_EMAIL:
                return re.search(r"(/password/reset/\S+)", message.get_content()).group(1)
        time.sleep(0.5)
    raise AssertionError("the invitation never left the outbox")


def test_an_order_from_intake_becomes_a_case_the_back_office_answers(server, browser, monkeypatch):
    engine = make_engine(server.db_url)
    monkeypatch.setattr(webhooks.settings, "WEBHOOK_ALLOW", ("127.0.0.1",))
    receiver = Receiver()
    receiver.start()
    admin, seller = _actor(engine, "admin@demo.example.com"), _actor(engine, "vendeur.techshop@demo.example.com")
    with session_scope(engine) as session:
        operator_key = api_keys.create_key(session, admin, "Mirakl", "operator").secret
        seller_key = api_keys.create_key(session, seller, "ERP", "write").secret
        endpoint = webhooks.create_endpoint(session, seller, receiver.url("erp"), WEBHOOK_EVENTS)
    receiver.secrets = {"erp": endpoint.secret}
    api = httpx.Client(base_url=f"{server.url}/api/v1", timeout=30)

    # The order system sends the shop (linked by its name), a listing, a new customer, the order, its parcel.
    records = [
        {"type": "shop", "id": "MK-S-1", "name": "TechShop"},
        {
            "type": "listing",
            "id": "MK-P-1",
            "shop_id": "MK-S-1",
            "sku": "MK-ENCEINTE-1",
            "title": "Enceinte Bluetooth",
            "price_cents": 4990,
        },
        {"type": "customer", "id": "MK-C-1", "email": CUSTOMER_EMAIL, "name": "Nadia Intake"},
        {
            "type": "order",
            "id": "MK-O-1",
            "reference": "MK-2026-0001",
            "shop_id": "MK-S-1",
            "customer_id": "MK-C-1",
            "placed_at": "2026-11-20T10:00:00+01:00",
            "shipping_address": "8 rue C, 69003 Lyon",
            "lines": [{"id": "MK-O-1-1", "listing_id": "MK-P-1", "quantity": 1, "unit_price_cents": 4990}],
        },
        {
            "type": "shipment",
            "id": "MK-SH-1",
            "order_id": "MK-O-1",
            "carrier": "Colissimo",
            "tracking_number": "6A1",
            "state": "delivered",
            "shipped_at": "2026-11-21T09:00:00Z",
            "delivered_at": "2026-11-23T12:00:00Z",
        },
    ]
    sent = api.post(
        "/intake/bulk",
        content="\n".join(json.dumps(r) for r in records),
        headers={"Authorization": f"Bearer {operator_key}", "Content-Type": "application/x-ndjson"},
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["counts"]["refused"] == 0

    # The customer follows the invitation, chooses a password, logs in and reports the problem.
    customer = Session(browser, server.url)
    page = customer.page
    page.goto(_invitation_link(server))
    page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmer le nouveau mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.get_by_role("status")).to_be_visible()
    customer.login(CUSTOMER_EMAIL, PASSWORD)
    page.goto("/orders")
    expect(page.get_by_text("Enceinte Bluetooth")).to_be_visible()
    page.locator("a[href$='/report']").first.click()
    page.wait_for_url(re.compile(r"/orders/\d+/report"))
    page.get_by_role("radio", name=re.compile("Article non reçu")).click()
    page.get_by_label(re.compile("Description du problème")).fill("L'enceinte n'est jamais arrivée.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url(CASE_URL)
    reference = page.get_by_test_id("case-reference").inner_text().strip()
    page.evaluate("window.__noReload = 'still here'")

    # The back office sees it through the API and through a webhook.
    seller_auth = {"Authorization": f"Bearer {seller_key}"}
    listed = api.get("/incidents", params={"status": "NEW"}, headers=seller_auth).json()["cases"]
    case = next(c for c in listed if c["reference"] == reference)
    receiver.wait_for("erp", {"incident.opened"})
    opened = next(e for e in receiver.got["erp"] if e["type"] == "incident.opened")
    assert opened["data"]["incident"]["reference"] == reference

    # It replies through the API; the customer's open page shows it live.
    reply = api.post(
        f"/incidents/{case['id']}/messages",
        headers=seller_auth,
        data={"body": "Nous ouvrons une enquête auprès de Colissimo."},
    )
    assert reply.status_code == 201, reply.text
    expect(page.get_by_test_id("thread")).to_contain_text("Nous ouvrons une enquête", timeout=LIVE)
    assert page.evaluate("window.__noReload") == "still here"
    expect(page.get_by_test_id("case-state")).to_contain_text("En cours")
    receiver.wait_for("erp", {"message.created"})
    customer.close()
    receiver.stop()
    engine.dispose()


def test_the_seller_manages_keys_and_webhooks_on_the_integrations_page(server, browser, tmp_path):
    seller = Session(browser, server.url)
    page = seller.login("vendeur.techshop@demo.example.com")
    page.goto("/integrations")
    expect(page.get_by_role("heading", name="Intégrations", exact=True)).to_be_visible()
    page.get_by_label("Nom de la clé").fill("Logiciel de caisse")
    page.get_by_role("button", name="Créer la clé").click()
    secret = page.get_by_test_id("new-secret")
    expect(secret).to_contain_text("pxm_")
    key = secret.inner_text().strip()
    # The key works at once, read only; shown once: gone after "C'est noté" and a reload.
    answer = httpx.get(f"{server.url}/api/v1/incidents", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    page.get_by_role("button", name="C'est noté").click()
    expect(page.get_by_test_id("new-secret")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="Logiciel de caisse")
    expect(row).to_contain_text("Lecture")
    # The endpoint of the journey is listed, with its deliveries and "Renvoyer".
    endpoints = page.get_by_role("row").filter(has_text="/erp")
    expect(endpoints).to_have_count(1)
    endpoints.get_by_role("button", name="Envois").click()
    delivered = page.get_by_test_id("deliveries").get_by_role("row").filter(has_text="incident.opened").first
    expect(delivered).to_contain_text("Reçu")
    expect(delivered).to_contain_text("HTTP 200")
    expect(delivered.get_by_role("button", name="Renvoyer")).to_be_visible()
    page.screenshot(path=str(tmp_path / "integrations.png"), full_page=True)
    row.get_by_role("button", name="Révoquer").click()
    expect(row).to_contain_text("Révoquée")
    answer = httpx.get(f"{server.url}/api/v1/incidents", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 401
    seller.close()
