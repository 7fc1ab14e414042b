"""The seller's board as a daily tool on a laptop and a phone: every column at a glance at
1280 px, one column at a time with counts at 375 px, and a sort that reorders the cards."""

from __future__ import annotations

from pixmania_incidents.formats import parse_cents

from tests.e2e.conftest import expect

SELLER = "vendeur.techshop@demo.example.com"
STATES = ("open", "in_progress", "awaiting_customer", "in_arbitration", "resolved", "closed")


def test_board_fits_a_laptop_and_a_phone(open_session, tmp_path):
    page = open_session(SELLER).page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/board")
    columns = page.get_by_test_id("board-column")
    expect(columns).to_have_count(6)
    expect(columns.first.get_by_test_id("board-card").first).to_be_visible()

    # Every column starts and ends inside the window, and no badge sticks out of its card.
    for state in STATES:
        box = page.locator(f'[data-testid="board-column"][data-state="{state}"]').bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280, state
    overflowing = page.get_by_test_id("board-card").evaluate_all(
        """cards => cards.filter(card => {
            const outer = card.getBoundingClientRect();
            return [...card.querySelectorAll('*')].some(el => {
                const r = el.getBoundingClientRect();
                return r.width > 0 && (r.right > outer.right + 1 || r.left < outer.left - 1);
            });
        }).map(card => card.dataset.reference)""")
    assert overflowing == []
    page.screenshot(path=str(tmp_path / "board-1280.png"), full_page=True)

    # Sorting by amount: the largest order line first in every column.
    page.get_by_test_id("board-sort").click()
    page.get_by_role("option", name="Montant (plus élevé d'abord)").click()
    open_column = page.locator('[data-testid="board-column"][data-state="open"]')
    first_ref = open_column.get_by_test_id("board-card").first.get_attribute("data-reference")
    page.wait_for_timeout(500)
    amounts = [parse_cents(a) for a in open_column.get_by_test_id("card-amount").all_inner_texts()]
    assert amounts == sorted(amounts, reverse=True), (first_ref, amounts)

    # A phone shows one column at a time; the picker names each column with its count.
    page.set_viewport_size({"width": 375, "height": 800})
    picker = page.get_by_label("Colonne affichée")
    expect(picker).to_be_visible()
    expect(page.locator('[data-testid="board-column"]:visible')).to_have_count(1)
    expect(page.locator('[data-testid="board-column"][data-state="open"]')).to_be_visible()
    count = page.locator('[data-testid="board-column"][data-state="resolved"] [data-testid="column-count"]').text_content()
    expect(picker.locator('option[value="resolved"]')).to_have_text(f"Résolu ({count})")
    picker.select_option("resolved")
    expect(page.locator('[data-testid="board-column"][data-state="resolved"]')).to_be_visible()
    expect(page.locator('[data-testid="board-column"]:visible')).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(tmp_path / "board-375.png"), full_page=True)
