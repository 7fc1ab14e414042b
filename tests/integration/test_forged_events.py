"""Issue 3: the browser protocol spoken directly by an attacker who is a real customer.

Lucas (client2) forges every event handler of every state with ids naming Camille's
incident, wrong argument types, private method names, a replayed logged-out cookie and
a foreign Origin. Nothing of Camille's may appear in any reply, and nothing of hers may
change in the database.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import sqlite3
import urllib.request
from importlib import import_module
from pkgutil import walk_packages

import pytest
import reflex as rx
import socketio

from tests.protocol import ReflexClient, flatten, login_cookie

PASSWORD = "demo-Pixmania-2026"
CAMILLE = "client@demo.example.com"
LUCAS = "client2@demo.example.com"


def _db(server) -> sqlite3.Connection:
    return sqlite3.connect(server.data_dir / "pixmania.db")


def _camille_case(server) -> dict:
    with _db(server) as con:
        con.row_factory = sqlite3.Row
        row = con.execute(
            "SELECT i.id, i.reference, i.description, i.version, i.order_line_id, a.email, a.phone, a.address "
            "FROM incident i JOIN account a ON a.id = i.customer_id "
            "WHERE a.email = ? AND i.state NOT IN ('closed') ORDER BY i.id LIMIT 1", (CAMILLE,)).fetchone()
        return dict(row)


def _camille_fingerprint(server) -> str:
    """Everything of Camille's that a forged event could change."""
    queries = [
        "SELECT id, state, version, outcome, arbitrator_id, help_requested_at FROM incident WHERE customer_id = (SELECT id FROM account WHERE email = ?) ORDER BY id",
        "SELECT count(*) FROM message WHERE incident_id IN (SELECT id FROM incident WHERE customer_id = (SELECT id FROM account WHERE email = ?))",
        "SELECT count(*) FROM incidentevent WHERE incident_id IN (SELECT id FROM incident WHERE customer_id = (SELECT id FROM account WHERE email = ?))",
        "SELECT count(*) FROM proposal WHERE incident_id IN (SELECT id FROM incident WHERE customer_id = (SELECT id FROM account WHERE email = ?))",
        "SELECT count(*) FROM listingflag WHERE incident_id IN (SELECT id FROM incident WHERE customer_id = (SELECT id FROM account WHERE email = ?))",
        "SELECT count(*) FROM rating WHERE customer_id = (SELECT id FROM account WHERE email = ?)",
        "SELECT email, name, role, active, password_hash, locale FROM account WHERE email = ?",
        "SELECT count(*) FROM loginsession WHERE revoked_at IS NULL AND user_id = (SELECT id FROM account WHERE email = ?)",
    ]
    with _db(server) as con:
        rows = [con.execute(q, (CAMILLE,)).fetchall() for q in queries]
        rows.append(con.execute("SELECT count(*) FROM incident").fetchall())
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


def _state_classes() -> list[type[rx.State]]:
    """Every state class of every module of the app: each module imported (not only those the
    app imports), then every subclass of `rx.State` walked, wherever it hangs in the tree."""
    package = import_module("pixmania_incidents")
    for info in walk_packages(package.__path__, f"{package.__name__}."):
        if not info.name.endswith("__main__"):  # the command line runs on import
            import_module(info.name)
    out, stack = [], [rx.State]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("pixmania_incidents") and not sub._mixin and sub not in out:
                out.append(sub)
    return out


def _forged_payloads(fn, case: dict) -> list[dict]:
    """Arguments an attacker would try: the victim's ids, then wrong types."""
    params = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
    victim, wrong = {}, {}
    for p in params:
        name = p.name.lower()
        if "version" in name:
            victim[p.name] = case["version"]
        elif "line" in name:
            victim[p.name] = case["order_line_id"]
        elif name.endswith("id") or "incident" in name or name in {"key", "value", "item"}:
            victim[p.name] = case["id"]
        elif name in {"form_data", "data", "form"}:
            victim[p.name] = {"incident_id": case["id"], "body": "forged", "reason": "forged", "version": case["version"],
                              "amount": "1", "score": "5", "comment": "forged", "email": CAMILLE}
        elif name in {"files", "uploads"}:
            victim[p.name] = []
        else:
            victim[p.name] = "forged"
        wrong[p.name] = {"$ne": None}
    return [victim, wrong]


@pytest.fixture(scope="module")
def lucas_cookie(app_server):
    cookie = login_cookie(app_server.url, LUCAS, PASSWORD)
    assert cookie and "pixmania_session" in cookie
    return cookie


def test_foreign_origin_websocket_is_refused(app_server):
    async def run():
        client = ReflexClient(app_server.url, origin="http://evil.example")
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect("/")

    asyncio.run(run())


def test_other_customers_incident_page_leaks_nothing(app_server, lucas_cookie):
    case = _camille_case(app_server)

    async def run():
        client = ReflexClient(app_server.url, cookie=lucas_cookie)
        await client.connect(f"/incidents/{case['id']}")
        updates = await client.collect(3)
        await client.close()
        return flatten(updates)

    text = asyncio.run(run())
    assert text  # the page answered
    for secret in (case["description"], case["reference"], case["email"], case["phone"], case["address"]):
        assert secret not in text


def test_forged_events_change_nothing_and_leak_nothing(app_server, lucas_cookie):
    case = _camille_case(app_server)
    before = _camille_fingerprint(app_server)
    states = _state_classes()
    assert len(states) >= 5
    sent = 0

    async def run():
        nonlocal sent
        client = ReflexClient(app_server.url, cookie=lucas_cookie)
        await client.connect(f"/incidents/{case['id']}")
        await client.collect(2)
        replies = []
        for cls in states:
            full = cls.get_full_name()
            for name, handler in cls.event_handlers.items():
                if name in {"setvar"}:
                    continue
                for payload in _forged_payloads(handler.fn, case):
                    await client.emit(f"{full}.{name}", payload, path=f"/incidents/{case['id']}")
                    sent += 1
                replies += await client.collect(0.3)
            # Private helpers are not events: calling them must do nothing.
            for private in ("_actor", "_run", "_session_token", "_remember"):
                await client.emit(f"{full}.{private}", {"incident_id": case["id"]})
                sent += 1
        replies += await client.collect(3)
        await client.close()
        return flatten(replies)

    text = asyncio.run(run())
    assert sent > 20
    for secret in (case["description"], case["email"], case["phone"], case["address"]):
        assert secret not in text
    assert "password_hash" not in text and "$argon2" not in text
    assert _camille_fingerprint(app_server) == before


def test_replayed_logged_out_session_is_refused(app_server):
    cookie = login_cookie(app_server.url, LUCAS, PASSWORD)
    with _db(app_server) as con:
        own = con.execute("SELECT i.id, i.version FROM incident i JOIN account a ON a.id = i.customer_id "
                          "WHERE a.email = ? AND i.state != 'closed' ORDER BY i.id LIMIT 1", (LUCAS,)).fetchone()
        messages_before = con.execute("SELECT count(*) FROM message WHERE incident_id = ?", (own[0],)).fetchone()[0]
    request = urllib.request.Request(f"{app_server.url}/auth/logout", data=b"", method="POST",
                                     headers={"Cookie": cookie, "Origin": app_server.url})
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code in (302, 303)

    async def run():
        client = ReflexClient(app_server.url, cookie=cookie)
        await client.connect(f"/incidents/{own[0]}")
        updates = await client.collect(2)
        for cls in _state_classes():
            for name, handler in cls.event_handlers.items():
                if "message" in name or "post" in name or "send" in name:
                    params = [p for p in inspect.signature(handler.fn).parameters if p != "self"]
                    await client.emit(f"{cls.get_full_name()}.{name}", {p: "replayed" for p in params}, path=f"/incidents/{own[0]}")
        updates += await client.collect(2)
        await client.close()
        return flatten(updates)

    text = asyncio.run(run())
    assert "/login" in text  # the guard sends the replayed session to the login page
    with _db(app_server) as con:
        assert con.execute("SELECT count(*) FROM message WHERE incident_id = ?", (own[0],)).fetchone()[0] == messages_before
