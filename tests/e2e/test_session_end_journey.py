"""Issue 13 in Chromium: a session that ends, ends in every tab at once. What each tab's websocket
receives is recorded (Playwright's frame events, reloads included), not only what the page shows.
Also what the login and registration pages say of a refusal the routes sent back."""

from __future__ import annotations

import json
import re
import uuid

from playwright.sync_api import Page, expect

from tests.backends import open_cases

CAMILLE = "client@demo.example.com"
LUCAS = "client2@demo.example.com"
ADMIN = "admin@demo.example.com"
LIVE = 20_000
DEMO_BAND = "Données de démonstration"


def _record(page: Page) -> list[str]:
    """Every frame the tab's websockets receive, from now on."""
    frames: list[str] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: frames.append(payload if isinstance(payload, str) else payload.decode("utf-8", "replace")),
        ),
    )
    return frames


#: What Reflex echoes back of the tab's own address (a case's is its reference): not something the server told.
_ROUTER_ECHO = re.compile(r"^rx_router_|^(incident_id|line_id|listing_id|token)_rx_state_$")


def _without_router_echo(value):
    if isinstance(value, dict):
        return {k: _without_router_echo(v) for k, v in value.items() if not _ROUTER_ECHO.match(k)}
    if isinstance(value, list):
        return [_without_router_echo(v) for v in value]
    return value


def _after_end(frames: list[str]) -> str:
    """What reached the tab once it was told its session ended (the echo of its own address aside)."""
    told = next(i for i, frame in enumerate(frames) if "session_ended" in frame)
    out = []
    for frame in frames[told + 1 :]:
        start = frame.find("[")
        try:
            out.append(json.dumps(_without_router_echo(json.loads(frame[start:])), ensure_ascii=False))
        except ValueError:
            out.append(frame)
    return "".join(out)


def _write(page: Page, text: str) -> None:
    page.get_by_label("Votre message").fill(text)
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_test_id("thread")).to_contain_text(text, timeout=LIVE)


def _open_case(page: Page, incident_id: int, reference: str) -> None:
    page.goto(f"/incidents/{reference}")
    expect(page.get_by_text(reference).first).to_be_visible()


def test_two_customers_one_after_the_other_in_one_tab(open_session, e2e_server):
    incident_id, reference, seller_email = open_cases(e2e_server, CAMILLE)[0]
    seller = open_session(seller_email)
    _open_case(seller.page, incident_id, reference)
    browser = open_session(CAMILLE)
    page = browser.page
    expect(page.get_by_text(DEMO_BAND)).to_be_visible()  # the seeded demo accounts are here
    frames = _record(page)
    _open_case(page, incident_id, reference)
    before = f"Avant la déconnexion {uuid.uuid4().hex[:6]}"
    _write(seller.page, before)
    expect(page.get_by_test_id("thread")).to_contain_text(before, timeout=LIVE)

    page.get_by_role("button", name=re.compile(r"se déconnecter", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_text(DEMO_BAND)).to_be_visible()
    logged_out = len(frames)
    browser.login(LUCAS)  # the same tab: Reflex keeps its client token
    expect(page).to_have_url(re.compile(r"/orders/?$"))
    expect(page.get_by_text("Lucas Bernard").first).to_be_visible()
    after = f"Après la déconnexion {uuid.uuid4().hex[:6]}"
    _write(seller.page, after)
    page.wait_for_timeout(3000)

    text = "".join(frames[logged_out:])
    assert "Lucas Bernard" in text
    assert [s for s in ("Camille Martin", CAMILLE, reference, before, after) if s in text] == []
    expect(page.get_by_text("Camille Martin")).to_have_count(0)


def test_both_tabs_of_a_user_end_at_once_when_an_administrator_deactivates_the_account(open_session, e2e_server):
    incident_id, reference, seller_email = open_cases(e2e_server, CAMILLE)[0]
    seller = open_session(seller_email)
    _open_case(seller.page, incident_id, reference)
    camille = open_session(CAMILLE)
    tabs = [camille.page, camille.new_tab()]
    frames = [_record(tab) for tab in tabs]
    for tab in tabs:
        _open_case(tab, incident_id, reference)
    admin = open_session(ADMIN)
    row = admin.page.get_by_role("row").filter(has_text=CAMILLE)
    row.get_by_role("button", name="Désactiver").click()
    admin.page.get_by_role("button", name="Confirmer").click()
    try:
        for tab in tabs:
            expect(tab).to_have_url(re.compile(r"/login\?error=session_ended"), timeout=LIVE)
            expect(tab.get_by_text("Votre session a pris fin")).to_be_visible()
        after = f"Après la désactivation {uuid.uuid4().hex[:6]}"
        _write(seller.page, after)
        tabs[0].wait_for_timeout(3000)
        for tab_frames in frames:
            text = _after_end(tab_frames)
            assert [s for s in ("Camille Martin", CAMILLE, reference, after) if s in text] == []
    finally:
        row.get_by_role("button", name="Réactiver").click()
        expect(row.get_by_role("button", name="Désactiver")).to_be_visible()


def test_the_login_and_registration_pages_say_what_the_routes_sent(open_session):
    """The exact wait of a throttled attempt, in seconds, and an address with accents named as such."""
    page = open_session().page
    page.goto("/login?error=throttled&minutes=1&seconds=42")
    expect(page.get_by_text("Trop de tentatives. Réessayez dans 42 secondes.")).to_be_visible()
    page.goto("/register?error=email_international&name=Jos%C3%A9&email=jos%C3%A9%40exemple.fr")
    expect(page.get_by_text("Les adresses e-mail avec accents")).to_be_visible()
    page.goto("/register?error=throttled&seconds=7")
    expect(page.get_by_text("Réessayez dans 7 secondes.")).to_be_visible()
