"""Issues 3 and 13: the browser protocol spoken directly by an attacker who holds a real account.

As every role (customer, seller, customer service, arbitrator, product team, administrator),
every event handler of every state class of every app module is forged with ids naming
someone else's things, wrong argument types and private method names. Nothing the role may
not see appears in any reply (the websocket frames are read), and nothing the role may not
change changes in the database. A tab whose session ended forges them all again: nothing is
read or changed at all. Also: a foreign Origin, a replayed logged-out cookie.

The module runs on a server of its own, without the background loops: the staff roles'
forged events may do what those roles may do (a note on a case, a seller moved to another
shop), which other modules must not find, and a deadline recorded by the sweep meanwhile
must not pass for a change.
"""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
import urllib.request
from dataclasses import dataclass
from importlib import import_module
from pkgutil import walk_packages

import pytest
import reflex as rx
import socketio

from tests.protocol import ReflexClient, flatten, login_cookie
from tests.server import make_server

pytestmark = pytest.mark.integration

PASSWORD = "demo-Pixmania-2026"
CAMILLE = "client@demo.example.com"
LUCAS = "client2@demo.example.com"


@pytest.fixture(scope="module")
def forged_server(tmp_path_factory):
    """Without the background loops: a deadline the sweep records meanwhile is not the attacker's doing."""
    server = make_server(tmp_path_factory.mktemp("forged"), extra_env={"PIXMANIA_BACKGROUND": "0"}).start()
    yield server
    server.stop()


def _db(server) -> sqlite3.Connection:
    return sqlite3.connect(server.data_dir / "pixmania.db")


def _camille_case(server, unflagged: bool = False) -> dict:
    """Camille's first open case (`unflagged`: one no listing flag points at, which the product team may not see)."""
    flag_clause = " AND NOT EXISTS (SELECT 1 FROM listingflag f WHERE f.incident_id = i.id)" if unflagged else ""
    with _db(server) as con:
        con.row_factory = sqlite3.Row
        row = con.execute(
            "SELECT i.id, i.reference, i.description, i.version, i.order_line_id, i.shop_id, a.id AS customer_id, "
            "a.email, a.phone, a.address FROM incident i JOIN account a ON a.id = i.customer_id "
            f"WHERE a.email = ? AND i.state NOT IN ('closed'){flag_clause} ORDER BY i.id LIMIT 1",
            (CAMILLE,),
        ).fetchone()
        return dict(row)


# --- what may not change -------------------------------------------------------------------
# Each watch lists rows by id. "strict": no row changes and none is added; "kept": the rows that
# were there do not change (the role may add its own, e.g. customer service raising a flag).

CAMILLES = "(SELECT id FROM incident WHERE customer_id = (SELECT id FROM account WHERE email = :camille))"
WATCHES = {
    "camille_cases": "SELECT id, state, version, outcome, arbitrator_id, help_requested_at FROM incident "
    "WHERE customer_id = (SELECT id FROM account WHERE email = :camille)",
    "camille_threads": f"SELECT id, body, visibility FROM message WHERE incident_id IN {CAMILLES}",
    "camille_events": f"SELECT id, kind FROM incidentevent WHERE incident_id IN {CAMILLES}",
    "victim_case": "SELECT id, state, version, outcome, arbitrator_id, help_requested_at FROM incident WHERE id = :victim",
    "victim_thread": "SELECT id, body FROM message WHERE incident_id = :victim",
    "cases": "SELECT id, state, outcome, arbitrator_id FROM incident",
    "decisions": "SELECT id, outcome FROM incident",
    "proposals": "SELECT id, status, amount_cents, refusal_reason FROM proposal",
    "ratings": "SELECT id, score, comment FROM rating",
    "flags": "SELECT id, status, handled_by_id, resolution_note FROM listingflag",
    "accounts": "SELECT id, email, name, role, shop_id, active, password_hash, must_change_password, locale FROM account",
    "shops": "SELECT id, name, address, calendar_kind, closed_days, work_start, work_end FROM shop",
    "others_sessions": "SELECT id, revoked_at, expires_at FROM loginsession WHERE user_id != (SELECT id FROM account WHERE email = :attacker)",
    "others_notifications": "SELECT id, read_at FROM notification WHERE user_id != (SELECT id FROM account WHERE email = :attacker)",
    "guidelines": "SELECT id, title, body_md FROM guideline",
}


def _snapshot(server, attacker: str, victim: int) -> dict[str, dict]:
    params = {"camille": CAMILLE, "attacker": attacker, "victim": victim}
    with _db(server) as con:
        return {name: {row[0]: row[1:] for row in con.execute(sql, params)} for name, sql in WATCHES.items()}


def _changes(before: dict, after: dict, strict: set[str], kept: set[str]) -> dict[str, object]:
    """What changed that the role may not change, by watch (empty: nothing)."""
    out: dict[str, object] = {}
    for name in strict | kept:
        changed = {k: (v, after[name].get(k)) for k, v in before[name].items() if after[name].get(k) != v}
        added = set(after[name]) - set(before[name]) if name in strict else set()
        if changed or added:
            out[name] = {"changed": changed, "added": sorted(added)}
    return out


def _hashes(server) -> list[str]:
    """Secrets no reply may carry, whoever asks: password hashes, stored session and link hashes."""
    with _db(server) as con:
        rows = con.execute(
            "SELECT password_hash FROM account UNION ALL SELECT token_hash FROM loginsession "
            "UNION ALL SELECT token_hash FROM passwordreset"
        ).fetchall()
    return [r[0] for r in rows if r[0]]


@dataclass(frozen=True)
class Attacker:
    role: str
    #: Who (None: a seller of a shop other than the victim case's).
    email: str | None
    #: The watches that may not change at all, and those whose existing rows may not change.
    strict: frozenset[str]
    kept: frozenset[str] = frozenset()
    #: The victim case is one the role may not see: its text and its customer's contact may not leak.
    foreign_case: bool = True
    unflagged: bool = False


EVERYTHING = frozenset(WATCHES)
ATTACKERS = [
    Attacker("customer", LUCAS, EVERYTHING),
    Attacker("seller", None, EVERYTHING),
    # The product team answers listing flags (its own changes, which notify their raisers); it may
    # not see a case no flag points at.
    Attacker(
        "product",
        "produit@demo.example.com",
        EVERYTHING - {"flags", "camille_events", "camille_cases", "others_notifications"},
        frozenset({"others_notifications"}),
        unflagged=True,
    ),
    # Customer service and the arbitrator see every case and may write in it, take it, raise flags.
    Attacker(
        "support",
        "support@demo.example.com",
        frozenset({"decisions", "proposals", "ratings", "accounts", "shops", "others_sessions"}),
        frozenset({"flags", "others_notifications", "camille_threads"}),
        foreign_case=False,
    ),
    Attacker(
        "arbitrator",
        "arbitre@demo.example.com",
        frozenset({"proposals", "ratings", "accounts", "shops", "others_sessions"}),
        frozenset({"flags", "others_notifications", "camille_threads"}),
        foreign_case=False,
    ),
    # The administrator manages accounts and shops (and may write internal notes), nothing of a case's course.
    Attacker(
        "admin",
        "admin@demo.example.com",
        frozenset({"cases", "proposals", "ratings", "flags", "guidelines"}),
        frozenset({"others_notifications", "camille_threads"}),
        foreign_case=False,
    ),
]


def _email(server, attacker: Attacker, case: dict) -> str:
    if attacker.email:
        return attacker.email
    with _db(server) as con:
        return con.execute(
            "SELECT email FROM account WHERE role = 'seller' AND shop_id != ? ORDER BY id LIMIT 1", (case["shop_id"],)
        ).fetchone()[0]


# --- the events ----------------------------------------------------------------------------


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
            victim[p.name] = {
                "incident_id": case["id"],
                "body": "forged",
                "reason": "forged",
                "version": case["version"],
                "amount": "1",
                "score": "5",
                "comment": "forged",
                "email": CAMILLE,
            }
        elif name in {"files", "uploads"}:
            victim[p.name] = []
        else:
            victim[p.name] = "forged"
        wrong[p.name] = {"$ne": None}
    return [victim, wrong]


async def _forge_everything(client: ReflexClient, case: dict, path: str) -> tuple[int, list[dict]]:
    """Every handler of every state, twice, then private helpers; (events sent, replies)."""
    sent, replies = 0, []
    for cls in _state_classes():
        full = cls.get_full_name()
        for name, handler in cls.event_handlers.items():
            if name in {"setvar"}:
                continue
            for payload in _forged_payloads(handler.fn, case):
                await client.emit(f"{full}.{name}", payload, path=path)
                sent += 1
        # Private helpers are not events: calling them must do nothing.
        for private in ("_actor", "_run", "_session_token", "_remember"):
            await client.emit(f"{full}.{private}", {"incident_id": case["id"]}, path=path)
            sent += 1
        replies += await client.collect(0.3)
    return sent, replies + await _settled(client)


async def _settled(client: ReflexClient, quiet: float = 3.0, longest: float = 180.0) -> list[dict]:
    """Replies until the server has been quiet for `quiet` seconds: the tab's events are processed
    one after the other, so by then every forged event has run (and the database can be read)."""
    replies: list[dict] = []
    loop = asyncio.get_running_loop()
    end = loop.time() + longest
    while loop.time() < end and (more := await client.collect(quiet)):
        replies += more
    return replies


def _logout(server, cookie: str) -> None:
    request = urllib.request.Request(
        f"{server.url}/auth/logout", data=b"", method="POST", headers={"Cookie": cookie, "Origin": server.url}
    )
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code in (302, 303)


# --- the tests -----------------------------------------------------------------------------


def test_foreign_origin_websocket_is_refused(forged_server):
    async def run():
        client = ReflexClient(forged_server.url, origin="http://evil.example")
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect("/")

    asyncio.run(run())


def test_other_customers_incident_page_leaks_nothing(forged_server):
    case = _camille_case(forged_server)
    cookie = login_cookie(forged_server.url, LUCAS, PASSWORD)

    async def run():
        client = ReflexClient(forged_server.url, cookie=cookie)
        await client.connect(f"/incidents/{case['id']}")
        updates = await client.collect(3)
        await client.close()
        return flatten(updates)

    text = asyncio.run(run())
    assert text  # the page answered
    for secret in (case["description"], case["reference"], case["email"], case["phone"], case["address"]):
        assert secret not in text


@pytest.mark.parametrize("attacker", ATTACKERS, ids=lambda a: a.role)
def test_forged_events_change_nothing_and_leak_nothing_whatever_the_role(forged_server, attacker):
    case = _camille_case(forged_server, unflagged=attacker.unflagged)
    email = _email(forged_server, attacker, case)
    cookie = login_cookie(forged_server.url, email, PASSWORD)
    assert cookie and "pixmania_session" in cookie
    before = _snapshot(forged_server, email, case["id"])
    path = f"/incidents/{case['id']}"

    async def run():
        client = ReflexClient(forged_server.url, cookie=cookie)
        await client.connect(path)
        await client.collect(2)
        try:
            return await _forge_everything(client, case, path)
        finally:
            await client.close()

    sent, replies = asyncio.run(run())
    text = flatten(replies)
    assert sent > 200 and len(_state_classes()) >= 30
    secrets = _hashes(forged_server)
    if attacker.foreign_case:
        secrets += [case["description"], case["email"], case["phone"], case["address"]]
    assert [s for s in secrets if s and s in text] == []
    assert "$argon2" not in text and "password_hash" not in text
    after = _snapshot(forged_server, email, case["id"])
    assert _changes(before, after, set(attacker.strict), set(attacker.kept)) == {}


@pytest.mark.parametrize("attacker", ATTACKERS, ids=lambda a: a.role)
def test_a_tab_whose_session_ended_reads_and_changes_nothing_whatever_it_sends(forged_server, attacker):
    """The tab was open on the role's home page; its session ends (logout); then every handler is
    forged on the same connection with the ids of things the role could change while logged in."""
    case = _camille_case(forged_server, unflagged=attacker.unflagged)
    email = _email(forged_server, attacker, case)
    cookie = login_cookie(forged_server.url, email, PASSWORD)
    with _db(forged_server) as con:
        name, own, shop = con.execute("SELECT name, id, shop_id FROM account WHERE email = ?", (email,)).fetchone()
        mine = con.execute(
            "SELECT id, version, order_line_id, description FROM incident WHERE customer_id = ? "
            "OR shop_id = ? ORDER BY id LIMIT 1",
            (own, shop),
        ).fetchone()
    # Customers and sellers forge with their own case's ids; the staff with a case they could act on.
    target = dict(zip(("id", "version", "order_line_id", "description"), mine, strict=False)) if mine else case

    async def run():
        client = ReflexClient(forged_server.url, cookie=cookie)
        await client.connect(f"/incidents/{target['id']}")
        seen = await client.collect(3)  # the page load did what it does (a seller's first view is recorded)
        before = _snapshot(forged_server, email, target["id"])
        await asyncio.to_thread(_logout, forged_server, cookie)
        ended = await client.collect(3)
        try:
            sent, replies = await _forge_everything(client, target, f"/incidents/{target['id']}")
        finally:
            await client.close()
        return before, seen, ended, sent, replies

    before, seen, ended, sent, replies = asyncio.run(run())
    assert name in flatten(seen)  # the page was theirs before
    assert "/login?error=session_ended" in flatten(ended)  # told at once
    text = flatten(ended + replies)
    assert sent > 200
    for secret in (name, email, target["description"], *_hashes(forged_server)):
        assert secret not in text
    assert _changes(before, _snapshot(forged_server, email, target["id"]), set(EVERYTHING), set()) == {}


def test_replayed_logged_out_session_is_refused(forged_server):
    cookie = login_cookie(forged_server.url, LUCAS, PASSWORD)
    with _db(forged_server) as con:
        own = con.execute(
            "SELECT i.id, i.version FROM incident i JOIN account a ON a.id = i.customer_id "
            "WHERE a.email = ? AND i.state != 'closed' ORDER BY i.id LIMIT 1",
            (LUCAS,),
        ).fetchone()
        messages_before = con.execute("SELECT count(*) FROM message WHERE incident_id = ?", (own[0],)).fetchone()[0]
    _logout(forged_server, cookie)

    async def run():
        client = ReflexClient(forged_server.url, cookie=cookie)
        await client.connect(f"/incidents/{own[0]}")
        updates = await client.collect(2)
        for cls in _state_classes():
            for name, handler in cls.event_handlers.items():
                if "message" in name or "post" in name or "send" in name:
                    params = [p for p in inspect.signature(handler.fn).parameters if p != "self"]
                    await client.emit(
                        f"{cls.get_full_name()}.{name}", {p: "replayed" for p in params}, path=f"/incidents/{own[0]}"
                    )
        updates += await client.collect(2)
        await client.close()
        return flatten(updates)

    text = asyncio.run(run())
    assert "/login" in text  # the guard sends the replayed session to the login page
    with _db(forged_server) as con:
        assert (
            con.execute("SELECT count(*) FROM message WHERE incident_id = ?", (own[0],)).fetchone()[0]
            == messages_before
        )


def test_every_state_of_every_module_is_forged():
    """The walk finds the panels the root state's registered substates alone missed, and the
    session end's own handlers."""
    names = {cls.__name__ for cls in _state_classes()}
    assert {
        "SellerCaseState",
        "IncidentStaffState",
        "ProductCaseState",
        "FlagActionsState",
        "ArbitrationCaseState",
        "TabState",
        "DemoBandState",
        "AccountsState",
        "BellState",
    } <= names
