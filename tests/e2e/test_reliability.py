"""What a user notices when things go wrong (issue #12, "nothing stuck, nothing silent" and
"drafts survive"; issue #17's composer and photo leak), in a real browser.

Each test prepares what it needs in the server's own database, so the order the tests run
in decides nothing.
"""

from __future__ import annotations

import io
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from pixmania_incidents import settings
from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import Incident, User
from pixmania_incidents.services import fulfilment, incidents
from pixmania_incidents.services.common import Actor
from pixmania_incidents.services.evidence import Upload
from tests.backends import open_cases
from tests.e2e.conftest import CASE_URL
from tests.server import run_cli

CUSTOMER = "client@demo.example.com"
SELLER = "vendeur.techshop@demo.example.com"
LIVE = 10_000  # ms: a change reaching a page on this shared machine


def _db(server) -> str:
    return str(server.data_dir / "pixmania.db")


def _photo(tmp_path, name: str = "arceau-fissure.png") -> str:
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _untouched_lines(server, count: int, shop: str = "%") -> list[int]:
    """Delivered lines of the customer (of `shop`) without any incident yet."""
    with sqlite3.connect(_db(server)) as conn:
        rows = conn.execute(
            "SELECT l.id FROM orderline l JOIN customerorder o ON o.id = l.order_id "
            "JOIN account a ON a.id = o.customer_id JOIN shipment sh ON sh.order_id = o.id "
            "JOIN shop s ON s.id = o.shop_id WHERE a.email = ? AND s.name LIKE ? AND sh.state = 'delivered' "
            "AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.order_line_id = l.id) ORDER BY l.id DESC",
            (CUSTOMER, shop),
        ).fetchall()
    assert len(rows) >= count, "the seed has too few untouched delivered lines"
    return [r[0] for r in rows[:count]]


def _evidence_of(server, reference: str) -> list[str]:
    with sqlite3.connect(_db(server)) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT filename FROM evidence e JOIN incident i ON i.id = e.incident_id WHERE i.reference = ?",
                (reference,),
            )
        ]


def _report(page: Page, line_id: int, type_label: str, text: str) -> None:
    """Reach the report form as a user does: the menu, then the line's link (no page load)."""
    page.get_by_role("link", name="Mes commandes").first.click()
    page.wait_for_url(re.compile(r"/orders$"))
    page.locator(f"a[href='/orders/{line_id}/report']").click()
    page.wait_for_url(re.compile(rf"/orders/{line_id}/report"))
    choice = page.get_by_role("radio", name=re.compile(type_label))
    expect(choice).to_be_enabled()
    choice.click()
    page.get_by_label(re.compile("Description du problème")).fill(text)


def _case_reference(page: Page) -> str:
    """The case the page opened, read from its address."""
    page.wait_for_url(CASE_URL)
    return page.url.rsplit("/", 1)[1]


def test_a_photo_never_leaks_from_one_report_into_the_next(open_session, e2e_server, tmp_path):
    """Issue #17: the report form's file selection outlived the report it was sent with."""
    customer = open_session(CUSTOMER)
    page = customer.page
    first, second = _untouched_lines(e2e_server, 2)

    _report(page, first, "Article endommagé", "Le pied de la lampe est fendu.")
    page.locator("#report_files input[type=file]").set_input_files(_photo(tmp_path))
    expect(page.get_by_text("arceau-fissure.png")).to_be_visible()
    page.get_by_role("button", name="Envoyer le signalement").click()
    first_case = _case_reference(page)
    assert _evidence_of(e2e_server, first_case) == ["arceau-fissure.png"]

    # The next report starts with nothing attached, and sends nothing it did not show.
    _report(page, second, "Article non conforme", "La couleur n'est pas celle de la fiche.")
    expect(page.get_by_text("arceau-fissure.png")).to_have_count(0)
    page.get_by_role("button", name="Envoyer le signalement").click()
    second_case = _case_reference(page)
    assert _evidence_of(e2e_server, second_case) == []
    assert not customer.errors


def test_the_service_refuses_a_report_without_its_photo_and_each_chosen_file_can_be_taken_out(
    open_session, e2e_server, tmp_path
):
    """SPEC 8.3 from the page: the service's refusal sits under the file picker, and
    everything typed and chosen stays; a file taken out of the choice is not sent."""
    customer = open_session(CUSTOMER)
    page = customer.page
    [line] = _untouched_lines(e2e_server, 1)
    _report(page, line, "Article endommagé", "L'écran est rayé sur toute la largeur.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_test_id("files-error")).to_contain_text("Joignez au moins une photo")
    expect(page.get_by_label(re.compile("Description du problème"))).to_have_value(
        "L'écran est rayé sur toute la largeur."
    )
    expect(page.get_by_role("radio", name=re.compile("Article endommagé"))).to_be_checked()
    assert re.search(rf"/orders/{line}/report", page.url)

    page.locator("#report_files input[type=file]").set_input_files(
        [_photo(tmp_path, "ecran-raye.png"), _photo(tmp_path, "mauvaise-photo.png")]
    )
    expect(page.get_by_test_id("chosen-file")).to_have_count(2)
    page.get_by_role("button", name="Retirer mauvaise-photo.png").click()
    expect(page.get_by_test_id("chosen-file")).to_have_count(1)
    expect(page.get_by_test_id("chosen-file")).to_contain_text("ecran-raye.png")
    page.get_by_role("button", name="Envoyer le signalement").click()
    assert _evidence_of(e2e_server, _case_reference(page)) == ["ecran-raye.png"]
    assert not customer.errors


def _case_page(page: Page, reference: str) -> None:
    page.goto(f"/incidents/{reference}")
    expect(page.get_by_test_id("case-reference")).to_be_visible()


def _composer(page: Page):
    return page.get_by_label("Votre message")


def _thread(page: Page):
    return page.get_by_test_id("thread")


def test_a_message_typed_while_another_is_sent_is_never_erased(open_session, e2e_server):
    """Issue #17: under load the composer emptied itself by id after a send, erasing the next
    message typed meanwhile ("Ce champ est obligatoire." followed)."""
    customer = open_session(CUSTOMER)
    page = customer.page
    reference = open_cases(e2e_server, CUSTOMER)[0][1]
    _case_page(page, reference)
    writer = sqlite3.connect(_db(e2e_server), timeout=30, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the server's write waits: "under load"
    try:
        _composer(page).fill("Premier message, envoyé.")
        page.get_by_role("button", name="Envoyer").click()
        page.wait_for_timeout(500)
        _composer(page).fill("Second message, tapé pendant l'envoi du premier.")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    expect(_thread(page)).to_contain_text("Premier message, envoyé.", timeout=LIVE)
    page.wait_for_timeout(1000)
    expect(_composer(page)).to_have_value("Second message, tapé pendant l'envoi du premier.")
    expect(page.get_by_text("Ce champ est obligatoire.")).to_have_count(0)


@contextmanager
def _failing(server, table: str) -> Iterator[None]:
    """Every new row of `table` is refused by the database (a trigger): the service raises an
    error no service anticipated, as when the database misbehaves."""
    with sqlite3.connect(_db(server), isolation_level=None) as conn:
        conn.execute(
            f"CREATE TRIGGER reliability_test BEFORE INSERT ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'simulated database failure'); END"
        )
    try:
        yield
    finally:
        with sqlite3.connect(_db(server), isolation_level=None) as conn:
            conn.execute("DROP TRIGGER IF EXISTS reliability_test")


def _in_server_log(server, text: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log = server.log_path.read_text(errors="replace")
        if text in log:
            return log
        time.sleep(0.2)
    raise AssertionError(f"{text!r} is not in the server log")


def test_an_unexpected_error_says_what_failed_frees_the_composer_and_keeps_the_draft(
    open_session, e2e_server, tmp_path
):
    customer = open_session(CUSTOMER)
    page = customer.page
    reference = open_cases(e2e_server, CUSTOMER)[0][1]
    _case_page(page, reference)
    send = page.get_by_role("button", name="Envoyer")
    with _failing(e2e_server, "message"):
        _composer(page).fill("Voici la photo du carton abîmé.")
        page.locator("#thread_files input[type=file]").set_input_files(_photo(tmp_path, "carton.png"))
        send.click()
        notice = page.get_by_test_id("failure-notice")
        expect(notice).to_contain_text("L'envoi de votre message a échoué")
        expect(notice).to_contain_text("rien n'a été enregistré")
        reference = page.get_by_test_id("failure-reference").inner_text().strip()
        assert re.fullmatch(r"[0-9A-F]{6}", reference)
        log = _in_server_log(e2e_server, reference)
        assert "Traceback" in log.split(reference, 1)[1][:20_000]
        expect(page.get_by_text("An error occurred")).to_have_count(0)
        # Nothing stuck: the button works again; nothing lost: the text is there, marked.
        expect(send).to_be_enabled()
        expect(_composer(page)).to_have_value("Voici la photo du carton abîmé.")
        expect(page.get_by_test_id("draft-not-sent")).to_contain_text("non envoyé — réessayer")
        # The same in English.
        page.get_by_role("button", name="English").click()
        page.get_by_role("button", name="Close").click()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_test_id("failure-notice")).to_contain_text("Sending your message failed")
        expect(page.get_by_test_id("failure-notice")).to_contain_text("nothing was saved")
        page.get_by_role("button", name="Français").click()
        expect(page.get_by_role("button", name="English")).to_be_visible()
        # A reload keeps the text, and says which file must be attached again.
        page.reload()
        expect(_composer(page)).to_have_value("Voici la photo du carton abîmé.")
        expect(page.get_by_test_id("draft-not-sent")).to_contain_text("non envoyé — réessayer")
        expect(page.get_by_test_id("draft-files-lost")).to_contain_text("carton.png")
    # The database is right again: the same page sends, and the draft is gone once stored.
    page.locator("#thread_files input[type=file]").set_input_files(_photo(tmp_path, "carton.png"))
    expect(page.get_by_test_id("draft-files-lost")).to_have_count(0)
    send.click()
    expect(_thread(page)).to_contain_text("Voici la photo du carton abîmé.", timeout=LIVE)
    expect(_composer(page)).to_have_value("")
    expect(page.get_by_test_id("draft-not-sent")).to_have_count(0)
    page.reload()
    expect(_composer(page)).to_have_value("")


def _logout(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/(login)?(\?.*)?$"))


def test_a_draft_survives_a_reload_and_stays_with_its_case_and_its_user(open_session, e2e_server):
    customer = open_session(CUSTOMER)
    page = customer.page
    cases = [c for c in open_cases(e2e_server, CUSTOMER) if c[2] == SELLER]
    (first, *_), (second, *_) = cases[:2]
    _case_page(page, first)
    _composer(page).type("Je tape un message que je n'envoie pas encore.")
    page.reload()
    expect(_composer(page)).to_have_value("Je tape un message que je n'envoie pas encore.")
    expect(page.get_by_test_id("draft-not-sent")).to_be_visible()
    _case_page(page, second)
    expect(_composer(page)).to_have_value("")
    _case_page(page, first)
    expect(_composer(page)).to_have_value("Je tape un message que je n'envoie pas encore.")
    # Another user of the same browser never sees it (the seller of the same case).
    _logout(page)
    customer.login(SELLER)
    _case_page(page, first)
    expect(_composer(page)).to_have_value("")
    expect(page.get_by_test_id("draft-not-sent")).to_have_count(0)


@contextmanager
def _table_away(server, table: str) -> Iterator[None]:
    """A table the case page reads is gone (renamed), then back: the database half down."""
    with sqlite3.connect(_db(server), isolation_level=None) as conn:
        conn.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        yield
    finally:
        with sqlite3.connect(_db(server), isolation_level=None) as conn:
            conn.execute(f"ALTER TABLE {table}_away RENAME TO {table}")


def test_a_page_that_cannot_load_says_so_and_loads_by_itself_once_it_can(open_session, e2e_server):
    customer = open_session(CUSTOMER)
    page = customer.page
    reference = open_cases(e2e_server, CUSTOMER)[0][1]
    page.goto("/incidents")
    link = page.locator(f"a[href='/incidents/{reference}']").first
    expect(link).to_be_visible()
    page.evaluate("window.__noReload = 'still here'")
    with _table_away(e2e_server, "rating"):
        link.click()
        loading = page.get_by_test_id("page-loading")
        expect(loading).to_contain_text("n'a pas pu se charger", timeout=25_000)
        expect(loading.get_by_role("button", name="Réessayer maintenant")).to_be_visible()
        page.wait_for_timeout(6000)  # it keeps trying, and keeps saying so
        expect(loading).to_contain_text("n'a pas pu se charger")
    expect(page.get_by_test_id("case-reference")).to_be_visible(timeout=LIVE)
    assert page.evaluate("window.__noReload") == "still here"
    assert not customer.errors


# --- the actions of SPEC 8.1 and 8.5, shown exactly when the lifecycle allows them -------------


@contextmanager
def _services(server, monkeypatch) -> Iterator[Session]:
    """The server's own database, through the services, as its users would change it."""
    monkeypatch.setattr(settings, "EVIDENCE_DIR", server.data_dir / "evidence")
    engine = make_engine(f"sqlite:///{_db(server)}")
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def _actor(session: Session, email: str) -> Actor:
    return Actor.of(session.exec(select(User).where(User.email == email)).one())


def _agreed_case(server, monkeypatch, solution: str, amount: int | None) -> int:
    """A TechShop case of the customer, the seller's `solution` accepted."""
    [line] = _untouched_lines(server, 1, "TechShop")
    with _services(server, monkeypatch) as session:
        customer, seller = _actor(session, CUSTOMER), _actor(session, SELLER)
        opened = incidents.open_incident(session, customer, line, "not_as_described", "Pas la bonne teinte.", [])
        case = session.get(Incident, opened.incident_id)
        incidents.propose(session, seller, case.id, case.version, solution, amount, "Voici ce que je propose.")
        incidents.accept(session, customer, case.id, case.version)
        return case.id


def _overdue(server, case_id: int, kind: str) -> None:
    """Time passes: the case's `kind` deadline (and its obligation) ended yesterday."""
    due = (datetime.now(timezone.utc) - timedelta(days=1)).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(_db(server)) as conn:
        conn.execute(
            "UPDATE deadline SET due_at = ?, at_risk_at = ?, next_check_at = ? WHERE incident_id = ? AND kind = ?",
            (due, due, due, case_id, kind),
        )
        conn.execute("UPDATE obligation SET due_at = ? WHERE incident_id = ? AND kind = ?", (due, case_id, kind))


def test_withdrawing_an_arbitration_asked_after_resolution_is_offered_exactly_then(
    open_session, e2e_server, monkeypatch
):
    case_id = _agreed_case(e2e_server, monkeypatch, "refund_partial", 1_000)
    customer = open_session(CUSTOMER)
    page = customer.page
    withdraw = page.get_by_role("button", name="Retirer ma demande d'arbitrage")
    _case_page(page, case_id)
    expect(page.get_by_test_id("case-state")).to_contain_text("Résolu")
    expect(withdraw).to_have_count(0)

    _overdue(e2e_server, case_id, "refund")  # the seller did not refund in time
    with _services(e2e_server, monkeypatch) as session:
        case = session.get(Incident, case_id)
        incidents.request_arbitration(
            session,
            _actor(session, CUSTOMER),
            case_id,
            case.version,
            "Le remboursement n'est jamais arrivé.",
            [Upload("releve.png", _png())],
        )
    page.reload()  # changed outside the app: no live push
    expect(page.get_by_test_id("case-state")).to_contain_text("En arbitrage")
    expect(withdraw).to_be_visible()
    withdraw.click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Retirer votre demande d'arbitrage ?")
    dialog.get_by_role("button", name="Oui, retirer ma demande").click()
    expect(page.get_by_test_id("case-state")).to_contain_text("Résolu", timeout=LIVE)
    expect(page.get_by_test_id("arbitration-withdrawn")).to_contain_text("Demande d'arbitrage retirée le")
    expect(page.get_by_test_id("timeline")).to_contain_text("Demande d'arbitrage retirée par le client")
    expect(withdraw).to_have_count(0)
    assert not customer.errors


def test_closing_for_an_item_never_sent_back_is_offered_to_the_seller_exactly_then(
    open_session, e2e_server, monkeypatch
):
    case_id = _agreed_case(e2e_server, monkeypatch, "return_and_refund", None)
    with _services(e2e_server, monkeypatch) as session:
        fulfilment.issue_return_label(session, _actor(session, SELLER), case_id)
    seller = open_session(SELLER)
    page = seller.page
    close = page.get_by_role("button", name="Clôturer : article non renvoyé")
    _case_page(page, case_id)
    expect(page.get_by_test_id("obligations")).to_be_visible()
    expect(close).to_have_count(0)

    _overdue(e2e_server, case_id, "customer_return")  # 14 days later, nothing came back
    run_cli(e2e_server.env, "sweep")
    page.reload()
    refund = page.get_by_test_id("obligation").filter(has_text="Rembourser")
    expect(refund).to_have_attribute("data-cancelled", "true")
    expect(refund).to_contain_text("Annulée")
    expect(close).to_be_visible()
    close.click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("article non renvoyé")
    dialog.get_by_role("button", name="Clôturer : article non renvoyé").click()
    expect(page.get_by_test_id("case-state")).to_contain_text("Clôturé", timeout=LIVE)
    expect(page.get_by_text("(article non renvoyé)")).to_be_visible()
    expect(close).to_have_count(0)
    page.goto("/board")
    page.locator("[data-testid=board-column][data-state=closed]").get_by_role("button", name="Afficher").click()
    card = page.locator("[data-testid=board-card][data-state=closed]").filter(has_text="article non renvoyé")
    expect(card.first).to_be_visible()
    expect(page.locator("[data-testid=board-card]:not([data-state=closed]) [data-testid=case-outcome]")).to_have_count(
        0
    )
    assert not seller.errors


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()
