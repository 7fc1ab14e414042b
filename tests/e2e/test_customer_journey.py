"""The customer's journey in a real browser, with the seller watching in another one.

What a user would notice: the new incident reaches the seller without a reload, the
seller's answer reaches the customer without a reload, countdowns tick with no server
traffic, and accepting a proposal shows "Résolu" on both pages.
"""

from __future__ import annotations

import io
import re
import sqlite3
import time
from datetime import datetime, timedelta, timezone

from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import Incident, User
from pixmania_incidents.services import incidents
from pixmania_incidents.services.common import Actor
from tests.e2e.conftest import CASE_URL

CUSTOMER = "client@demo.example.com"
OTHER_CUSTOMER = "client2@demo.example.com"
SELLER = "vendeur.techshop@demo.example.com"
LIVE = 5_000  # ms: what "without reload" may take here; latency belongs to the benchmark


def _db(server) -> str:
    return str(server.data_dir / "pixmania.db")


def _photo(tmp_path) -> str:
    path = tmp_path / "arceau-fissure.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _mark(page: Page) -> None:
    """A flag in the page's JS world: it survives live updates, not a reload."""
    page.evaluate("window.__noReload = 'still here'")


def _not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__noReload") == "still here"


def _untouched_techshop_line(server) -> int:
    """A delivered TechShop line of the customer without any incident (other journeys share the server)."""
    with sqlite3.connect(_db(server)) as conn:
        return conn.execute(
            "SELECT l.id FROM orderline l JOIN customerorder o ON o.id = l.order_id JOIN shop s ON s.id = o.shop_id "
            "JOIN account a ON a.id = o.customer_id JOIN shipment sh ON sh.order_id = o.id "
            "WHERE a.email = ? AND s.name = 'TechShop' AND sh.state = 'delivered' "
            "AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.order_line_id = l.id) ORDER BY l.id LIMIT 1",
            (CUSTOMER,),
        ).fetchone()[0]


def _report_damaged_item(page: Page, server, photo: str, text: str) -> str:
    page.goto("/orders")
    page.locator(f"a[href='/orders/{_untouched_techshop_line(server)}/report']").click()
    page.wait_for_url(re.compile(r"/orders/\d+/report"))
    damaged = page.get_by_role("radio", name=re.compile("Article endommagé"))
    expect(damaged).to_be_enabled()
    damaged.click()
    expect(page.get_by_test_id("type-details")).to_contain_text(re.compile("photos", re.I))
    page.get_by_label(re.compile("Description du problème")).fill(text)
    page.locator("input[type=file]").set_input_files(photo)
    expect(page.get_by_text("arceau-fissure.png")).to_be_visible()
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url(CASE_URL)
    expect(page.get_by_test_id("case-state")).to_contain_text("Ouvert")
    return page.get_by_test_id("case-reference").inner_text().strip()


def _propose_as_seller(server, reference: str) -> None:
    """The seller's proposal, made through the service (the seller's form is not under test)."""
    with session_scope(make_engine(f"sqlite:///{_db(server)}")) as session:
        incident = session.exec(select(Incident).where(Incident.reference == reference)).one()
        seller = session.exec(select(User).where(User.email == SELLER)).one()
        incidents.propose(
            session,
            Actor.of(seller),
            incident.id,
            incident.version,
            "refund_partial",
            1000,
            "Nous vous proposons 10 € de remboursement.",
        )


def _bring_resolution_within(server, reference: str, minutes: int) -> None:
    due = (datetime.now(timezone.utc) + timedelta(minutes=minutes)).replace(tzinfo=None)
    with sqlite3.connect(_db(server)) as conn:
        conn.execute(
            "UPDATE deadline SET due_at = ?, at_risk_at = ? WHERE kind = 'resolution' AND incident_id = "
            "(SELECT id FROM incident WHERE reference = ?)",
            (due.isoformat(sep=" "), (due - timedelta(hours=24)).isoformat(sep=" "), reference),
        )


def _quiet(page: Page, frames: list[tuple[float, str]], calm: float = 1.5, limit: float = 15) -> None:
    """Wait until loading is over: no Socket.IO event for `calm` seconds."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        events = [at for at, payload in frames if '"event"' in payload]
        if not events or time.monotonic() - events[-1] >= calm:
            return
        page.wait_for_timeout(250)
    raise AssertionError("the page kept exchanging events")


def test_customer_and_seller_follow_one_case_live(open_session, e2e_server, tmp_path):
    customer, seller = open_session(CUSTOMER), open_session(SELLER)
    seller.page.goto("/board")
    seller.page.wait_for_timeout(1500)
    _mark(seller.page)

    reference = _report_damaged_item(customer.page, e2e_server, _photo(tmp_path), "Le câble est arrivé coupé en deux.")

    # The seller's board shows the new incident without a reload.
    expect(seller.page.get_by_text(reference).first).to_be_visible(timeout=LIVE)
    _not_reloaded(seller.page)

    # The photo arrived with it: the seller's incident page previews it.
    seller.page.get_by_text(reference).first.click()
    seller.page.wait_for_url(CASE_URL)
    expect(seller.page.get_by_role("img", name="arceau-fissure.png")).to_be_visible()
    _mark(seller.page)
    _mark(customer.page)

    # The seller answers; the customer's page shows it without a reload.
    seller.page.get_by_label("Votre message").fill("Bonjour, pouvez-vous nous dire si le carton était abîmé ?")
    seller.page.get_by_role("button", name="Envoyer").click()
    expect(customer.page.get_by_test_id("thread")).to_contain_text("le carton était abîmé", timeout=LIVE)
    _not_reloaded(customer.page)
    expect(customer.page.get_by_test_id("ball")).to_contain_text("Au vendeur de jouer")

    # The customer answers with a photo from the thread's composer; the seller sees both live.
    customer.page.get_by_label("Votre message").fill("Oui, le carton était enfoncé sur un coin.")
    customer.page.locator("#thread_files input[type=file]").set_input_files(_photo(tmp_path))
    customer.page.get_by_role("button", name="Envoyer").click()
    expect(seller.page.get_by_test_id("thread")).to_contain_text("enfoncé sur un coin", timeout=LIVE)
    # The opening's photo, and now the answer's.
    expect(seller.page.get_by_test_id("thread").get_by_role("img", name="arceau-fissure.png")).to_have_count(
        2, timeout=LIVE
    )
    _not_reloaded(seller.page)

    # A deadline less than an hour away ticks in the browser with no Socket.IO event.
    _bring_resolution_within(e2e_server, reference, 40)
    frames: list[tuple[float, str]] = []
    customer.page.on(
        "websocket",
        lambda ws: (
            ws.on("framesent", lambda payload: frames.append((time.monotonic(), str(payload)))),
            ws.on("framereceived", lambda payload: frames.append((time.monotonic(), str(payload)))),
        ),
    )
    customer.page.reload()
    clock = customer.page.get_by_test_id("deadline").filter(has_text="Résolution").get_by_test_id("countdown")
    expect(clock).to_contain_text(re.compile(r"\d+ min \d{2} s"))
    _quiet(customer.page, frames)
    start = time.monotonic()
    before = clock.inner_text()
    customer.page.wait_for_timeout(2200)
    after = clock.inner_text()
    window = [payload for at, payload in frames if at >= start]
    assert before != after, "the countdown did not tick"
    assert not [p for p in window if '"event"' in p], f"server events while ticking: {window}"

    # The customer accepts the seller's proposal; both pages show "Résolu" without a reload.
    _propose_as_seller(e2e_server, reference)
    customer.page.reload()
    _quiet(customer.page, frames)
    _mark(customer.page)
    proposal = customer.page.get_by_test_id("pending-proposal")
    expect(proposal).to_contain_text("10,00 €")
    proposal.get_by_role("button", name="Accepter").click()
    customer.page.get_by_role("alertdialog").get_by_role("button", name="Oui, j'accepte").click()
    expect(customer.page.get_by_test_id("case-state")).to_contain_text("Résolu", timeout=LIVE)
    expect(seller.page.get_by_test_id("case-state")).to_contain_text("Résolu", timeout=LIVE)
    _not_reloaded(customer.page)
    _not_reloaded(seller.page)
    assert not customer.errors and not seller.errors


def test_someone_elses_incident_reads_not_found(open_session, e2e_server):
    with sqlite3.connect(_db(e2e_server)) as conn:
        (incident_id,) = conn.execute(
            "SELECT incident.id FROM incident JOIN account ON account.id = incident.customer_id WHERE account.email = ?",
            (CUSTOMER,),
        ).fetchone()
    other = open_session(OTHER_CUSTOMER)
    other.page.goto(f"/incidents/{incident_id}")
    expect(other.page.get_by_test_id("not-found")).to_contain_text("Introuvable")
    other.page.goto("/incidents/999999")
    expect(other.page.get_by_test_id("not-found")).to_contain_text("Introuvable")
