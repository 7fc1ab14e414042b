"""Issue 4's live room, spoken to over the browser protocol: a seller's message reaches
the customer's open page through the incident's shared room, and what a user types right
after moving to another case never lands on the case they left; and a case's change moves the
supervision page a support agent has open, not the page of staff away from their desk (issue 15)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid

import pytest

from bench.live import SEND, drain, open_page, post, wait_for
from pixmania_incidents.live import IncidentRoom, LiveRoom
from tests.backends import open_cases
from tests.protocol import ReflexClient, login_cookie

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


def _ticks(updates: list[dict]) -> list[int]:
    """The values the user's room took in these deltas: each one made the page re-read itself."""
    room = LiveRoom.get_full_name()
    return [u["delta"][room]["tick_rx_state_"] for u in updates if "tick_rx_state_" in u.get("delta", {}).get(room, {})]


async def _settled(client: ReflexClient) -> None:
    """Until the page has loaded: two seconds without an update."""
    while await client.collect(2):
        pass


def test_a_case_change_moves_the_supervision_page_open_and_no_staff_page_away_from_the_desk(app_server):
    incident_id, reference, seller_email = open_cases(app_server, CUSTOMER)[0]
    seller = login_cookie(app_server.url, seller_email, PASSWORD)
    support = login_cookie(app_server.url, "support@demo.example.com", PASSWORD)
    arbitrator = login_cookie(app_server.url, "arbitre@demo.example.com", PASSWORD)

    async def scenario() -> tuple[list[dict], list[dict]]:
        desk, away = ReflexClient(app_server.url, support), ReflexClient(app_server.url, arbitrator)
        await desk.connect("/supervision")
        await away.connect("/guidelines")  # a staff page that does not follow every case
        writer = await open_page(app_server.url, seller, incident_id, reference)
        try:
            await asyncio.gather(_settled(desk), _settled(away))
            await post(writer, f"Le colis part demain {uuid.uuid4().hex[:8]}")
            desk_seen = []
            while not _ticks(desk_seen):
                desk_seen.append(await asyncio.wait_for(desk.updates.get(), 20))
            return desk_seen, await away.collect(3)
        finally:
            for client in (desk, away, writer):
                await client.close()

    desk_seen, away_seen = asyncio.run(scenario())
    assert _ticks(desk_seen) and not _ticks(away_seen)
