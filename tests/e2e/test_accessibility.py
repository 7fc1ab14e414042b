"""Every page of every role, as axe-core (the npm package, injected by Playwright) judges it:
no critical and no serious violation, in French and in English, at 1280 and 375 px.

One server and one browser context per role; the language is switched with the header's button. The
cases opened are read from the seeded database by state, so the test does not depend on the
seed's random references. A failure lists every violation: impact, rule, page, language,
width and the elements concerned.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import CASE_URL, Session
from tests.server import ROOT

pytestmark = pytest.mark.e2e

AXE = ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 375)
LANGUAGES = ("fr", "en")
BLOCKING = {"critical", "serious"}

ACCOUNTS = {
    "anonymous": None,
    "customer": "client@demo.example.com",
    "seller": "vendeur.techshop@demo.example.com",
    "support": "support@demo.example.com",
    "arbitrator": "arbitre@demo.example.com",
    "product": "produit@demo.example.com",
    "admin": "admin@demo.example.com",
}


@dataclass(frozen=True)
class Seeded:
    """What the seeded database offers each role to open (cases by their reference, as links name them)."""

    customer_case: str  # the demo customer's case awaiting their answer (a proposal to accept)
    seller_case: str  # TechShop's case in progress
    arbitration_case: str  # a case in arbitration whose customer gave photos when opening
    arbitration_case_id: int
    product_case: str  # a case a listing flag points at (the product team sees only those)
    report_line: int  # one of the demo customer's lines without a case
    flagged_listing: int


def _seeded(db_url: str) -> Seeded:
    engine = sa.create_engine(db_url)

    def one(sql: str) -> Any:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).first()[0]

    arbitration = (
        "FROM incident i WHERE i.state = 'in_arbitration' AND EXISTS "
        "(SELECT 1 FROM evidence e WHERE e.incident_id = i.id AND e.purpose = 'opening') ORDER BY i.id"
    )
    try:
        return Seeded(
            customer_case=one(
                "SELECT i.reference FROM incident i JOIN account c ON c.id = i.customer_id "
                "WHERE c.email = 'client@demo.example.com' AND i.state = 'awaiting_customer' ORDER BY i.id"
            ),
            seller_case=one(
                "SELECT i.reference FROM incident i JOIN shop s ON s.id = i.shop_id "
                "WHERE s.name = 'TechShop' AND i.state = 'in_progress' ORDER BY i.id"
            ),
            arbitration_case=one(f"SELECT i.reference {arbitration}"),
            arbitration_case_id=one(f"SELECT i.id {arbitration}"),
            product_case=one(
                "SELECT i.reference FROM incident i JOIN listingflag f ON f.incident_id = i.id ORDER BY i.id"
            ),
            report_line=one(
                "SELECT min(l.id) FROM orderline l JOIN customerorder o ON o.id = l.order_id "
                "JOIN account c ON c.id = o.customer_id WHERE c.email = 'client@demo.example.com' "
                "AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.order_line_id = l.id)"
            ),
            flagged_listing=one("SELECT min(listing_id) FROM listingflag"),
        )
    finally:
        engine.dispose()


def _pages(role: str, s: Seeded) -> list[str]:
    """Every page of the role's menu, plus the pages reached from them (a case, a case file…)."""
    staff_case = f"/incidents/{s.customer_case}"
    return {
        "anonymous": ["/", "/login", "/register", "/password/forgot", "/password/reset/not-a-valid-token"],
        "customer": [
            "/orders",
            "/incidents",
            f"/orders/{s.report_line}/report",
            f"/incidents/{s.customer_case}",
            "/account",
        ],
        "seller": [
            "/board",
            "/insights",
            "/integrations",
            f"/incidents/{s.seller_case}",
            f"/listings/{s.flagged_listing}",
            "/account",
        ],
        "support": ["/supervision", "/trends", "/guidelines", "/flags", staff_case, "/account"],
        "arbitrator": [
            "/supervision",
            "/arbitration",
            f"/arbitration/{s.arbitration_case_id}",
            f"/incidents/{s.arbitration_case}",
            "/trends",
            "/guidelines",
            "/account",
        ],
        "product": ["/flags", f"/listings/{s.flagged_listing}", f"/incidents/{s.product_case}", "/account"],
        "admin": ["/admin/accounts", "/admin/shops", "/admin/integrations", "/flags", staff_case, "/account"],
    }[role]


@pytest.fixture(scope="module")
def seeded(e2e_server) -> Seeded:
    return _seeded(e2e_server.db_url)


@pytest.fixture(scope="module")
def sessions(browser, e2e_server):
    """One logged-in browser context per role, opened when first needed."""
    opened: dict[str, Session] = {}

    def get(role: str) -> Session:
        if role not in opened:
            # The app's CSP rightly refuses inline scripts; only this test's axe is let through.
            session = Session(browser, e2e_server.url, bypass_csp=True)
            if ACCOUNTS[role]:
                session.login(ACCOUNTS[role])
            opened[role] = session
        return opened[role]

    yield get
    for session in opened.values():
        session.close()


def _settle(page: Page) -> None:
    """The page loaded, its data arrived over the socket, nothing left spinning."""
    page.wait_for_load_state("networkidle")
    page.locator("main, h1").first.wait_for()
    page.wait_for_timeout(600)


def _speak(page: Page, language: str) -> None:
    """Switch the interface language as a visitor does, with the header's button (it offers the other one)."""
    offered = {"fr": "English", "en": "Français"}[language]
    switch = page.get_by_role("button", name=re.compile("^(English|Français)$")).first
    for _ in range(3):  # the language arrives with the page's state: look again once it has
        if switch.inner_text().strip() != offered:
            switch.click()
            expect(switch).to_have_text(offered)
        page.wait_for_timeout(500)
    _settle(page)


def _axe(page: Page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))")
    return [v for v in json.loads(result)["violations"] if v["impact"] in BLOCKING]


def _describe(violation: dict, where: str) -> list[str]:
    lines = [f"{violation['impact']} {violation['id']} on {where}: {violation['help']}"]
    for node in violation["nodes"][:6]:
        summary = (node.get("failureSummary") or "").replace("\n", " ")[:220]
        lines.append(f"    {' '.join(map(str, node['target']))} :: {node['html'][:160]} :: {summary}")
    if len(violation["nodes"]) > 6:
        lines.append(f"    … and {len(violation['nodes']) - 6} more elements")
    return lines


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_no_serious_violation_on_any_page(role, language, sessions, seeded):
    assert AXE.is_file(), "axe-core is missing: `make setup` installs it into .tools"
    page = sessions(role).page
    found: list[str] = []
    for path in _pages(role, seeded):
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(path)
        _settle(page)
        _speak(page, language)
        assert "/login" not in page.url or role == "anonymous", f"{role} was sent to log in from {path}"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(150)
            for violation in _axe(page):
                found.extend(_describe(violation, f"{path} ({role}, {language}, {width} px)"))
    assert not found, "axe found critical or serious violations:\n" + "\n".join(found)


def _open(session: Session, path: str, language: str) -> Page:
    session.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    session.page.goto(path)
    _settle(session.page)
    _speak(session.page, language)
    return session.page


def test_the_first_tab_stop_skips_to_the_content_and_the_tab_names_the_page(sessions, seeded):
    page = _open(sessions("customer"), "/orders", "fr")
    expect(page).to_have_title("Mes commandes · Pixmania Incidents")
    page.reload()  # a fresh page: nothing focused yet
    _settle(page)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Aller au contenu")
    expect(skip).to_be_in_viewport()  # hidden until focused, then shown
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("id", "main")

    page = _open(sessions("customer"), f"/incidents/{seeded.customer_case}", "en")
    expect(page).to_have_title(re.compile(rf"^{seeded.customer_case} · .+ · Pixmania Incidents$"))
    page = _open(sessions("arbitrator"), f"/arbitration/{seeded.arbitration_case_id}", "fr")
    expect(page).to_have_title(f"{seeded.arbitration_case} · Dossier d'arbitrage · Pixmania Incidents")


def test_the_thread_is_a_polite_log_and_countdowns_are_named_timers(sessions, seeded):
    page = _open(sessions("customer"), f"/incidents/{seeded.customer_case}", "fr")
    log = page.locator("[role=log]")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_have_accessible_name("Échanges")
    page.get_by_label("Votre message").fill("Merci, je regarde la proposition.")
    page.get_by_role("button", name="Envoyer").click()
    expect(log.get_by_test_id("message").last).to_contain_text("Merci, je regarde la proposition.")
    expect(page.get_by_test_id("proposal-region")).to_have_attribute("aria-live", "polite")
    timers = page.get_by_role("timer")
    expect(timers.first).to_be_visible()
    for timer in timers.all():
        assert timer.get_attribute("aria-live") in (None, "off"), "a countdown must not speak at every tick"
        assert (timer.get_attribute("aria-label") or "").strip(), "a countdown says which deadline it counts"
    # The customer's banner: whose move, then by when, in the one deadline format.
    expect(page.get_by_test_id("ball").get_by_role("timer")).to_have_accessible_name("Au client de répondre")
    expect(page.get_by_test_id("ball")).to_contain_text(re.compile(r"\(avant le \S+ \d{1,2} \S+, \d\d:\d\d\)"))


def test_the_case_file_shows_the_customers_opening_photos_with_who_and_when(sessions, seeded):
    page = _open(sessions("arbitrator"), f"/arbitration/{seeded.arbitration_case_id}", "fr")
    opening = page.get_by_test_id("file-evidence").filter(has_text="à l'ouverture")
    expect(opening.first).to_be_visible()
    expect(opening.first).to_contain_text(re.compile(r"Fournie par .+ \(Client\)"))
    expect(opening.first).to_contain_text(re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d"))
    expect(opening.first.get_by_role("img")).to_be_visible()


def test_a_case_is_reached_by_its_reference_and_old_numbers_move_there(sessions, seeded, e2e_server):
    customer = sessions("customer")
    engine = sa.create_engine(e2e_server.db_url)
    with engine.connect() as conn:
        number = conn.execute(
            sa.text("SELECT id FROM incident WHERE reference = :r"), {"r": seeded.customer_case}
        ).scalar_one()
    engine.dispose()
    page = _open(customer, f"/incidents/{number}", "fr")
    page.wait_for_url(re.compile(rf"/incidents/{seeded.customer_case}$"))
    expect(page.get_by_test_id("case-reference")).to_have_text(seeded.customer_case)
    # Every link to a case names it by its reference.
    page = _open(customer, "/incidents", "fr")
    expect(page.locator(f"a[href='/incidents/{seeded.customer_case}']").first).to_be_visible()
    # A reference that does not exist, or is someone else's, is not found, alike.
    for missing in ("INC-2026-000000", seeded.seller_case):
        page = _open(customer, f"/incidents/{missing}", "fr")
        expect(page.get_by_test_id("not-found")).to_contain_text("Introuvable")


_FOCUSED = """() => {
    const e = document.activeElement;
    const name = (e.getAttribute('aria-label') || e.innerText || '').trim().replace(/\\s+/g, ' ');
    const ring = getComputedStyle(e);
    const visible = ring.outlineStyle !== 'none' || ring.boxShadow !== 'none';
    return {name, href: e.getAttribute('href') || '', role: e.getAttribute('role') || e.tagName.toLowerCase(), visible};
}"""


def _tab_to(page: Page, wanted: str | Locator, *, limit: int = 80) -> dict:
    """Press Tab until the focus is on `wanted` (a name, a link's address, or a field or group), as a keyboard
    user does; every stop on the way shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        assert focused["visible"] or focused["role"] == "body", f"the focus on {focused} does not show"
        if isinstance(wanted, Locator):
            if wanted.evaluate("e => e.contains(document.activeElement)"):
                return focused
        elif re.search(wanted, focused["name"]) or (focused["href"] and focused["href"].endswith(wanted)):
            return focused
    raise AssertionError(f"no Tab stop reaches {wanted!r}")


def test_a_customer_reports_with_a_photo_and_accepts_a_proposal_by_keyboard_alone(
    sessions, seeded, e2e_server, tmp_path
):
    photo = tmp_path / "arceau.png"
    Image.new("RGB", (64, 48), "orange").save(photo)
    engine = sa.create_engine(e2e_server.db_url)
    with engine.connect() as conn:
        line = conn.execute(
            sa.text(
                "SELECT l.id FROM orderline l JOIN customerorder o ON o.id = l.order_id JOIN account a ON a.id = "
                "o.customer_id JOIN shipment sh ON sh.order_id = o.id WHERE a.email = 'client@demo.example.com' "
                "AND sh.state = 'delivered' AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.order_line_id = l.id) "
                "ORDER BY l.id"
            )
        ).first()[0]
    engine.dispose()
    page = _open(sessions("customer"), "/orders", "fr")
    page.reload()
    expect(page.locator(f"a[href='/orders/{line}/report']")).to_be_visible()  # the orders arrived

    _tab_to(page, f"/orders/{line}/report")
    # One Tab stop per action: the link is the button, with no second stop inside it.
    assert page.locator("a button, button a").count() == 0
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/orders/{line}/report$"))
    expect(page.get_by_role("radio", name=re.compile("Article endommagé"))).to_be_enabled()
    _tab_to(page, page.get_by_label(re.compile("Description du problème")))
    page.keyboard.type("L'arceau est fendu à la livraison.")
    # The drop zone is a Tab stop named after its picker. The file itself is given to the zone's input:
    # Enter on the zone does not reliably raise a file chooser Playwright sees (react-dropzone's keyboard
    # path; left open in issue 17), so the journey comes back to the problem list after.
    _tab_to(page, "Joindre des photos")
    page.get_by_label("Joindre des photos ou des PDF").set_input_files(str(photo))
    expect(page.get_by_text("arceau.png")).to_be_visible()
    for _ in range(30):  # back up to the problem list
        page.keyboard.press("Shift+Tab")
        if page.get_by_role("radiogroup").evaluate("e => e.contains(document.activeElement)"):
            break
    focused = page.evaluate(_FOCUSED)
    for _ in range(8):
        if "Article endommagé" in focused["name"]:
            break
        page.keyboard.press("ArrowDown")
        focused = page.evaluate(_FOCUSED)
    page.keyboard.press("Space")  # chooses the focused problem
    expect(page.get_by_role("radio", name=re.compile("Article endommagé"))).to_be_checked()
    expect(page.get_by_text("arceau.png")).to_be_visible()
    _tab_to(page, "Envoyer le signalement")
    page.keyboard.press("Enter")
    page.wait_for_url(CASE_URL)
    expect(page.get_by_test_id("case-state")).to_contain_text("Ouvert")

    page = _open(sessions("customer"), f"/incidents/{seeded.customer_case}", "fr")
    page.reload()
    expect(page.get_by_role("button", name="Accepter")).to_be_visible()
    _tab_to(page, "^Accepter$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alertdialog")).to_be_visible()
    _tab_to(page, "Oui, j'accepte")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("pending-proposal")).to_have_count(0)
    expect(page.get_by_test_id("case-state")).not_to_contain_text("En attente du client")


def test_an_overdue_deadline_says_since_when_in_a_warning(sessions, seeded, e2e_server):
    """Last: it moves a seeded case's clocks 8 h 05 into the past."""
    engine = sa.create_engine(e2e_server.db_url)
    due = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(hours=8, minutes=5)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE deadline SET due_at = :due, at_risk_at = :due WHERE met_at IS NULL AND incident_id = "
                "(SELECT id FROM incident WHERE reference = :r)"
            ),
            {"due": due.isoformat(sep=" "), "r": seeded.seller_case},
        )
    engine.dispose()
    for language, words in (
        ("fr", r"Dépassé depuis 8 h 0\d \(échéance : \S+ \d{1,2} \S+, \d\d:\d\d\)"),
        ("en", r"Overdue by 8 h 0\d \(due: \S+ \d{1,2} \S+, \d\d:\d\d\)"),
    ):
        page = _open(sessions("seller"), f"/incidents/{seeded.seller_case}", language)
        ball = page.get_by_test_id("ball")
        expect(ball).to_contain_text(re.compile(words))
        # A warning, never the calm blue of the seller's banner: the red of overdue deadlines.
        assert ball.evaluate("e => getComputedStyle(e).color") == "rgb(184, 37, 42)"
