"""What a user notices when things go wrong (issue #12, "nothing stuck, nothing silent" and
"drafts survive"; issue #17's composer and photo leak), in a real browser.

Each test prepares what it needs in the server's own database, so the order the tests run
in decides nothing.
"""

from __future__ import annotations

import io
import re
import sqlite3

from PIL import Image
from playwright.sync_api import Page, expect

CUSTOMER = "client@demo.example.com"


def _db(server) -> str:
    return str(server.data_dir / "pixmania.db")


def _photo(tmp_path, name: str = "arceau-fissure.png") -> str:
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _untouched_lines(server, count: int) -> list[int]:
    """Delivered lines of the customer without any incident yet."""
    with sqlite3.connect(_db(server)) as conn:
        rows = conn.execute(
            "SELECT l.id FROM orderline l JOIN customerorder o ON o.id = l.order_id "
            "JOIN account a ON a.id = o.customer_id JOIN shipment sh ON sh.order_id = o.id "
            "WHERE a.email = ? AND sh.state = 'delivered' "
            "AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.order_line_id = l.id) ORDER BY l.id",
            (CUSTOMER,),
        ).fetchall()
    assert len(rows) >= count, "the seed has too few untouched delivered lines"
    return [r[0] for r in rows[:count]]


def _evidence_of(server, incident_id: int) -> list[str]:
    with sqlite3.connect(_db(server)) as conn:
        return [r[0] for r in conn.execute("SELECT filename FROM evidence WHERE incident_id = ?", (incident_id,))]


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


def _incident_id(page: Page) -> int:
    page.wait_for_url(re.compile(r"/incidents/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def test_a_photo_never_leaks_from_one_report_into_the_next(open_session, e2e_server, tmp_path):
    """Issue #17: the report form's file selection outlived the report it was sent with."""
    customer = open_session(CUSTOMER)
    page = customer.page
    first, second = _untouched_lines(e2e_server, 2)

    _report(page, first, "Article endommagé", "Le pied de la lampe est fendu.")
    page.locator("#report_files input[type=file]").set_input_files(_photo(tmp_path))
    expect(page.get_by_text("arceau-fissure.png")).to_be_visible()
    page.get_by_role("button", name="Envoyer le signalement").click()
    first_case = _incident_id(page)
    assert _evidence_of(e2e_server, first_case) == ["arceau-fissure.png"]

    # The next report starts with nothing attached, and sends nothing it did not show.
    _report(page, second, "Article non conforme", "La couleur n'est pas celle de la fiche.")
    expect(page.get_by_text("arceau-fissure.png")).to_have_count(0)
    page.get_by_role("button", name="Envoyer le signalement").click()
    second_case = _incident_id(page)
    assert _evidence_of(e2e_server, second_case) == []
    assert not customer.errors
