"""Issue 13 / SPEC 8.10: a session that ends, ends in every tab at once, over the browser protocol.

Each tab is a websocket that records every frame it receives (tests/protocol.py), so what is
checked is what reached the tab, not what a page shows. The shapes the issue measured:
Camille logs out and Lucas logs in in the same tab (Reflex keeps the tab's client token, and
with it the tab's state and rooms, across reloads); Camille's account deactivated while she
has two tabs open; her password changed in one session while another is open; her session
running out. After the end, no live update, no case message and nothing of hers reaches the tab.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bench.live import drain, open_page, post, wait_for
from pixmania_incidents.account.my_account_state import AccountState
from pixmania_incidents.admin.accounts_state import AccountsState
from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.services import auth
from tests.backends import open_cases
from tests.protocol import ReflexClient, flatten, login_cookie

pytestmark = pytest.mark.integration

PASSWORD = "demo-Pixmania-2026"
CAMILLE = "client@demo.example.com"
LUCAS = "client2@demo.example.com"
ADMIN = "admin@demo.example.com"
ENDED = "/login?error=session_ended"


def _sql(server, query: str, **params) -> list[tuple]:
    engine = sa.create_engine(server.db_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(sa.text(query), params)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _user_id(server, email: str) -> int:
    return _sql(server, "SELECT id FROM account WHERE email = :e", e=email)[0][0]


def _expire(server, cookie: str, at: datetime) -> None:
    """Move the session's expiry, as time passing would."""
    raw = cookie.split("=", 1)[1]
    _sql(
        server,
        "UPDATE loginsession SET expires_at = :at WHERE token_hash = :h",
        at=at.astimezone(timezone.utc).replace(tzinfo=None),
        h=auth.hash_token(raw),
    )


def _logout(server, cookie: str) -> None:
    """The app's logout button: a form POST to the route."""
    request = urllib.request.Request(
        f"{server.url}/auth/logout", data=b"", method="POST", headers={"Cookie": cookie, "Origin": server.url}
    )
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as exc:
        assert exc.code in (302, 303)


async def _until(client: ReflexClient, text: str, timeout: float = 30.0) -> list[dict]:
    """Every frame the tab receives up to the first carrying `text` (which must come in time)."""
    frames: list[dict] = []
    async with asyncio.timeout(timeout):
        while not frames or text not in json.dumps(frames[-1], ensure_ascii=False, default=str):
            frames.append(await client.updates.get())
    return frames


async def _tab(server, cookie: str | None, path: str, token: str | None = None) -> ReflexClient:
    """A tab loading `path`; `token`: the same browser tab as before (Reflex keeps it across reloads)."""
    client = ReflexClient(server.url, cookie)
    client.token = token or client.token
    await client.connect(path)
    return client


def _secrets_of_camille(server, reference: str, *bodies: str) -> list[str]:
    name, phone, address = _sql(server, "SELECT name, phone, address FROM account WHERE email = :e", e=CAMILLE)[0]
    return [s for s in (name, CAMILLE, phone, address, reference, *bodies) if s]


def test_a_tab_logged_out_then_used_by_another_customer_gets_nothing_of_the_first(app_server):
    incident_id, reference, seller_email = open_cases(app_server, CAMILLE)[0]
    camille = login_cookie(app_server.url, CAMILLE, PASSWORD)
    lucas = login_cookie(app_server.url, LUCAS, PASSWORD)
    seller_cookie = login_cookie(app_server.url, seller_email, PASSWORD)
    before, after = (f"{word} {uuid.uuid4().hex[:8]}" for word in ("Avant la déconnexion", "Après la déconnexion"))

    async def scenario():
        seller = await open_page(app_server.url, seller_cookie, incident_id, reference)
        tab = await open_page(app_server.url, camille, incident_id, reference)
        other_tab = await open_page(app_server.url, camille, incident_id, reference)  # the same session
        try:
            await post(seller, before)
            await wait_for(tab, before)
            await wait_for(other_tab, before)
            # The logout button: the tab's page goes (its socket closes) and the route ends the session.
            await tab.close()
            await asyncio.to_thread(_logout, app_server, camille)
            told = await _until(other_tab, ENDED, 20)  # the session's other tab, at once
            # The same browser tab loads /login without a cookie, then Lucas logs in in it.
            reload = await _tab(app_server, None, "/login", token=tab.token)
            frames = await reload.collect(3)
            await reload.close()
            lucas_tab = await _tab(app_server, lucas, "/orders", token=tab.token)
            frames += await lucas_tab.collect(3)
            drain(seller)
            await post(seller, after)
            await wait_for(seller, after)  # the message is in the case's room now
            frames += await lucas_tab.collect(3)
            other_after = await other_tab.collect(1)
            await lucas_tab.close()
            return told, frames, other_after
        finally:
            await seller.close()
            await other_tab.close()

    told, frames, other_after = asyncio.run(scenario())
    text = flatten(frames)
    assert "Lucas" in text  # Lucas's own page did load in that tab
    assert [s for s in _secrets_of_camille(app_server, reference, before, after) if s in text] == []
    assert after not in flatten(told + other_after)


@pytest.mark.scaled
def test_deactivation_ends_every_tab_of_the_user_at_once(app_server):
    incident_id, reference, seller_email = open_cases(app_server, CAMILLE)[0]
    camille_id = _user_id(app_server, CAMILLE)
    camille = login_cookie(app_server.url, CAMILLE, PASSWORD)
    admin = login_cookie(app_server.url, ADMIN, PASSWORD)
    seller_cookie = login_cookie(app_server.url, seller_email, PASSWORD)
    after = f"Après la désactivation {uuid.uuid4().hex[:8]}"
    accounts = AccountsState.get_full_name()

    async def scenario():
        tabs = [await open_page(app_server.url, camille, incident_id, reference) for _ in range(2)]
        seller = await open_page(app_server.url, seller_cookie, incident_id, reference)
        admin_tab = await _tab(app_server, admin, "/admin/accounts")
        try:
            await wait_for(admin_tab, CAMILLE)  # the accounts list is loaded
            for tab in tabs:
                drain(tab)
            await admin_tab.emit(f"{accounts}.ask", {"action": "deactivate", "user_id": str(camille_id)})
            await admin_tab.emit(f"{accounts}.confirm", {})
            told = [await _until(tab, ENDED, 20) for tab in tabs]
            await post(seller, after)
            await wait_for(seller, after)
            later = [await tab.collect(3) for tab in tabs]
            # The tabs go on sending (a click, a reload's events): still nothing.
            for tab in tabs:
                await tab.emit(f"{IncidentPageState.get_full_name()}.show_earlier", {})
            later += [await tab.collect(2) for tab in tabs]
            return told, later
        finally:
            await admin_tab.emit(f"{accounts}.reactivate", {"user_id": str(camille_id)})
            await admin_tab.collect(2)
            for client in (*tabs, seller, admin_tab):
                await client.close()

    told, later = asyncio.run(scenario())
    assert all(ENDED in flatten(frames) for frames in told)
    text = flatten(later)  # everything after the end
    assert '"user_name_rx_state_": ""' in text  # the tab's clean state was sent
    assert [s for s in _secrets_of_camille(app_server, reference, after) if s in text] == []
    assert _sql(app_server, "SELECT active FROM account WHERE id = :i", i=camille_id)[0][0]  # put back


def test_a_password_change_ends_the_tabs_of_the_other_sessions_and_keeps_its_own(app_server):
    incident_id, reference, seller_email = open_cases(app_server, CAMILLE)[0]
    here, elsewhere = (login_cookie(app_server.url, CAMILLE, PASSWORD) for _ in range(2))
    seller_cookie = login_cookie(app_server.url, seller_email, PASSWORD)
    after = f"Après le changement {uuid.uuid4().hex[:8]}"
    new_password = f"Nouveau-{uuid.uuid4().hex[:10]}-7"
    change = f"{AccountState.get_full_name()}.change_password"

    def form(current: str, new: str) -> dict:
        return {"form": {"current": current, "new": new, "confirm": new}}

    async def scenario():
        this_tab = await open_page(app_server.url, here, incident_id, reference)
        other = await open_page(app_server.url, elsewhere, incident_id, reference)
        seller = await open_page(app_server.url, seller_cookie, incident_id, reference)
        try:
            drain(other)
            await this_tab.emit(change, form(PASSWORD, new_password), path="/account")
            told = await _until(other, ENDED, 20)
            await post(seller, after)
            await wait_for(this_tab, after)  # the session that changed it goes on
            return told + await other.collect(3)
        finally:
            await this_tab.emit(change, form(new_password, PASSWORD), path="/account")  # put back
            await this_tab.collect(3)
            for client in (this_tab, other, seller):
                await client.close()

    frames = asyncio.run(scenario())
    assert after not in flatten(frames)
    assert login_cookie(app_server.url, CAMILLE, PASSWORD)  # put back


def test_a_session_running_out_ends_its_tab_when_the_server_notices_and_at_its_next_event_at_the_latest(app_server):
    """The expiry loop (tasks.py) notices within a sweep period (15 s) or at the expiry it knew of;
    a session whose expiry was moved into the past, which no loop notices, ends at the tab's next event."""
    incident_id, reference, seller_email = open_cases(app_server, CAMILLE)[0]
    noticed, next_event = (login_cookie(app_server.url, CAMILLE, PASSWORD) for _ in range(2))
    seller_cookie = login_cookie(app_server.url, seller_email, PASSWORD)
    after = f"Après l'expiration {uuid.uuid4().hex[:8]}"

    async def scenario():
        tab = await open_page(app_server.url, noticed, incident_id, reference)
        late = await open_page(app_server.url, next_event, incident_id, reference)
        seller = await open_page(app_server.url, seller_cookie, incident_id, reference)
        try:
            drain(tab)
            drain(late)
            now = datetime.now(timezone.utc)
            _expire(app_server, noticed, now + timedelta(seconds=2))
            _expire(app_server, next_event, now - timedelta(minutes=5))
            told = await _until(tab, ENDED, 30)
            await late.emit(f"{IncidentPageState.get_full_name()}.dismiss", {})
            told_late = await _until(late, ENDED, 20)
            await post(seller, after)
            await wait_for(seller, after)
            return told + await tab.collect(3), told_late + await late.collect(3)
        finally:
            for client in (tab, late, seller):
                await client.close()

    noticed_frames, late_frames = asyncio.run(scenario())
    assert after not in flatten(noticed_frames) and after not in flatten(late_frames)


def test_a_wrong_current_password_from_the_page_counts_against_the_address_too(app_server):
    """A "change password" on /account names the websocket's address to the throttle, as the login route does."""
    cookie = login_cookie(app_server.url, LUCAS, PASSWORD)
    key = "guess-address:127.0.0.1"

    def attempts() -> int:
        rows = _sql(app_server, "SELECT attempts FROM throttle WHERE key = :k", k=key)
        return rows[0][0] if rows else 0

    async def scenario():
        tab = await _tab(app_server, cookie, "/account")
        try:
            await tab.collect(2)
            form = {
                "current": "pas le bon mot de passe 1",
                "new": "Un-nouveau-mot-de-passe-9",
                "confirm": "Un-nouveau-mot-de-passe-9",
            }
            await tab.emit(f"{AccountState.get_full_name()}.change_password", {"form": form}, path="/account")
            return await _until(tab, "Le mot de passe actuel est incorrect.", 20)
        finally:
            await tab.close()

    before = attempts()
    asyncio.run(scenario())
    assert attempts() == before + 1
