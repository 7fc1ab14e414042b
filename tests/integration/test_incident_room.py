"""Issue 4's live room, spoken to over the browser protocol: a seller's message reaches
the customer's open page through the incident's shared room, and what a user types right
after moving to another case never lands on the case they left."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid

import pytest

from bench.live import SEND, drain, open_page, post, wait_for
from pixmania_incidents.live import IncidentRoom
from tests.backends import open_cases
from tests.protocol import login_cookie

pytestmark = pytest.mark.integration

PASSWORD = "demo-Pixmania-2026"
CUSTOMER = "client@demo.example.com"


def _messages(server, incident_id: int) -> list[str]:
    with sqlite3.connect(server.data_dir / "pixmania.db") as con:
        return [r[0] for r in con.execute("SELECT body FROM message WHERE incident_id = ?", (incident_id,))]


def test_sellers_message_reaches_the_customer_through_the_incident_room(app_server):
    incident_id, reference, seller_email = open_cases(app_server, CUSTOMER)[0]
    customer_cookie = login_cookie(app_server.url, CUSTOMER, PASSWORD)
    seller_cookie = login_cookie(app_server.url, seller_email, PASSWORD)
    body = f"Nous vous envoyons un bordereau {uuid.uuid4().hex[:8]}"

    async def scenario() -> list[dict]:
        customer = await open_page(app_server.url, customer_cookie, incident_id, reference)
        seller = await open_page(app_server.url, seller_cookie, incident_id, reference)
        try:
            drain(customer)
            await post(seller, body)
            seen = []
            while body not in json.dumps(seen, ensure_ascii=False):
                seen.append(await asyncio.wait_for(customer.updates.get(), 20))
            return seen + await customer.collect(3)  # and what follows: the case re-read
        finally:
            await customer.close()
            await seller.close()

    # The page showed the message (above); the room itself carried it to the customer's tab.
    room = IncidentRoom.get_full_name()
    windows = [u.get("delta", {}).get(room, {}) for u in asyncio.run(scenario())]
    assert any(body in json.dumps(w.get("messages_rx_state_", []), ensure_ascii=False) for w in windows)


def test_message_sent_before_the_new_case_loaded_stays_off_the_previous_case(app_server):
    (first, first_ref, _), (second, _, _) = open_cases(app_server, CUSTOMER)[:2]
    cookie = login_cookie(app_server.url, CUSTOMER, PASSWORD)
    body = f"Pour le second dossier {uuid.uuid4().hex[:8]}"

    async def scenario() -> str:
        tab = await open_page(app_server.url, cookie, first, first_ref)
        try:
            drain(tab)
            # The tab moved to the second case; its load has not run when the message goes.
            await tab.emit(SEND, {"files": [], "body": body, "visibility": "public"}, path=f"/incidents/{second}")
            await wait_for(tab, "réessayez dans un instant", timeout=20)
        finally:
            await tab.close()

    asyncio.run(scenario())
    assert body not in _messages(app_server, first) and body not in _messages(app_server, second)
