"""Headless incident pages: what the propagation benchmark and the scaled test share.

A client opens `/incidents/<id>` like a browser tab (hydrate runs the page's on_load,
which links the incident's room); a seller's client posts through the page's own
message handler; a customer's client waits for the message in its deltas.
"""

from __future__ import annotations

import asyncio
import json
import time

from pixmania_incidents.case.page_state import IncidentPageState
from tests.protocol import ReflexClient

#: The page's composer handler, under its full state path (IncidentPageState sits below SessionState).
SEND = f"{IncidentPageState.get_full_name()}.send_message"


def _seen(update: dict, text: str) -> bool:
    return text in json.dumps(update, ensure_ascii=False, default=str)


async def wait_for(client: ReflexClient, text: str, timeout: float = 30.0) -> float:
    """Monotonic time at which `text` first appears in the client's deltas."""
    async with asyncio.timeout(timeout):
        while True:
            if _seen(await client.updates.get(), text):
                return time.monotonic()


async def open_page(
    base_url: str, cookie: str, incident_id: int, reference: str, timeout: float = 60.0
) -> ReflexClient:
    """A connected tab showing the incident (its reference arrived in a delta)."""
    client = ReflexClient(base_url, cookie)
    await client.connect(f"/incidents/{incident_id}")
    await wait_for(client, reference, timeout)
    return client


async def post(seller: ReflexClient, body: str) -> float:
    """Emit the thread composer's event (no files); returns the send instant."""
    sent = time.monotonic()
    await seller.emit(SEND, {"files": [], "body": body, "visibility": "public"})
    return sent


def drain(client: ReflexClient) -> None:
    while not client.updates.empty():
        client.updates.get_nowait()


def local_port(client: ReflexClient) -> int:
    """The client's end of its websocket, to find the worker serving it."""
    return client.sio.eio.ws.get_extra_info("sockname")[1]
