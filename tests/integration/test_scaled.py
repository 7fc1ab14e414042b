"""Scale-out: on PostgreSQL + Redis with several workers, a live update reaches every
open page whichever worker serves it."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bench.live import local_port, open_page, post, wait_for
from tests.backends import open_cases
from tests.protocol import login_cookie
from tests.server import connection_owners

pytestmark = [pytest.mark.integration, pytest.mark.scaled]

PASSWORD = "demo-Pixmania-2026"
CUSTOMER = "client@demo.example.com"
MAX_TABS = 30


def test_message_reaches_customer_tabs_on_every_worker(app_server_scaled):
    server = app_server_scaled
    incident_id, reference, seller_email = open_cases(server, CUSTOMER)[0]
    customer_cookie = login_cookie(server.url, CUSTOMER, PASSWORD)
    seller_cookie = login_cookie(server.url, seller_email, PASSWORD)

    async def scenario() -> None:
        seller = await open_page(server.url, seller_cookie, incident_id, reference)
        tabs = []
        try:
            # Connections through the one port are spread by granian; open tabs until the
            # customer's are served by at least two workers, one of them not the seller's.
            while len(tabs) < MAX_TABS:
                tabs.append(await open_page(server.url, customer_cookie, incident_id, reference))
                owners = connection_owners(server)
                workers = {owners.get(local_port(t)) for t in tabs}
                if len(tabs) >= 6 and len(workers) >= 2 and workers - {owners.get(local_port(seller))}:
                    break
            assert None not in workers
            assert len(workers) >= 2, f"all {len(tabs)} tabs landed on one worker"
            body = f"Colis renvoyé aujourd'hui {uuid.uuid4().hex[:8]}"
            await post(seller, body)
            await asyncio.gather(*(wait_for(t, body, timeout=20) for t in tabs))
        finally:
            await asyncio.gather(seller.close(), *(t.close() for t in tabs), return_exceptions=True)

    asyncio.run(scenario())
