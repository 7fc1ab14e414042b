"""The board and the desk's tools as their users see them: every column at a glance at
1280 px and one at a time with counts at 375 px, a sort that reorders the cards; what the
customer wants and the order's parcel on the case; a case assigned to a colleague and
found under "assigned to me"; customer service taking a case, seen by the arbitrator."""

from __future__ import annotations

import re
import sqlite3

from pixmania_incidents.formats import parse_cents
from tests.e2e.conftest import expect

SELLER = "vendeur.techshop@demo.example.com"
COLLEAGUE = "vendeur2.techshop@demo.example.com"
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
        """cards => cards.flatMap(card => {
            const outer = card.getBoundingClientRect();
            return [...card.querySelectorAll('*')].filter(el => {
                const r = el.getBoundingClientRect();
                return r.width > 0 && (r.right > outer.right + 1 || r.left < outer.left - 1);
            }).map(el => card.dataset.reference + ': ' + el.tagName + ' ' + el.textContent.slice(0, 40));
        })"""
    )
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

    # The board as sorted on screen, for a spreadsheet.
    with page.expect_download() as download:
        page.get_by_test_id("board-export").click()
    exported = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert exported[0].startswith("reference,state,type")
    assert any(line.startswith(f"{first_ref},open,") for line in exported[1:])

    # A phone shows one column at a time; the picker names each column with its count.
    page.set_viewport_size({"width": 375, "height": 800})
    picker = page.get_by_label("Colonne affichée")
    expect(picker).to_be_visible()
    expect(page.locator('[data-testid="board-column"]:visible')).to_have_count(1)
    expect(page.locator('[data-testid="board-column"][data-state="open"]')).to_be_visible()
    count = page.locator(
        '[data-testid="board-column"][data-state="resolved"] [data-testid="column-count"]'
    ).text_content()
    expect(picker.locator('option[value="resolved"]')).to_have_text(f"Résolu ({count})")
    picker.select_option("resolved")
    expect(page.locator('[data-testid="board-column"][data-state="resolved"]')).to_be_visible()
    expect(page.locator('[data-testid="board-column"]:visible')).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(tmp_path / "board-375.png"), full_page=True)


def test_seller_sees_the_wish_and_the_parcel_and_assigns_a_colleague(open_session):
    page = open_session(SELLER).page
    page.goto("/board")
    wished = page.get_by_test_id("board-card").filter(has=page.get_by_test_id("card-wanted")).first
    expect(wished).to_be_visible()
    reference = wished.get_attribute("data-reference")
    wish = wished.get_by_test_id("card-wanted").inner_text().split(":", 1)[1].strip()
    wished.click()
    page.wait_for_url(re.compile(r"/incidents/"))
    expect(page.get_by_test_id("case-wanted")).to_contain_text(wish)
    parcel = page.get_by_test_id("parcel")
    expect(parcel.get_by_test_id("parcel-carrier")).not_to_be_empty()
    expect(parcel.get_by_test_id("parcel-tracking")).not_to_be_empty()

    # A reply template kept for the shop lands in the message, filled for this case.
    page.get_by_text("Gérer les modèles").click()
    page.get_by_label("Nom du modèle").fill("Accusé de réception")
    page.get_by_label("Texte", exact=True).fill("Bonjour {client}, votre dossier {reference} est entre nos mains.")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    page.get_by_label("Insérer un modèle dans le message").select_option(label="Accusé de réception")
    expect(page.locator("#thread_body")).to_have_value(re.compile(rf"^Bonjour .+, votre dossier {reference} est entre"))

    page.get_by_label("Vendeur attribué :").select_option(label="Inès Fabre")
    expect(page.get_by_test_id("timeline")).to_contain_text("Dossier attribué")

    colleague = open_session(COLLEAGUE).page
    colleague.goto("/board")
    colleague.get_by_text("Attribués à moi").click()
    mine = colleague.get_by_test_id("board-card")
    expect(mine).to_have_count(1)
    expect(mine.first).to_have_attribute("data-reference", reference)
    expect(mine.first.get_by_test_id("card-assignee")).to_contain_text("Inès Fabre")


def test_support_takes_a_case_and_the_arbitrator_sees_who(open_session):
    support = open_session("support@demo.example.com").page
    support.goto("/supervision")
    row = support.locator("a").filter(has_text=re.compile(r"INC-\d{4}-\d+")).first
    reference = re.search(r"INC-\d{4}-\d+", row.inner_text()).group(0)
    row.click()
    support.wait_for_url(re.compile(r"/incidents/"))
    support.get_by_role("button", name="Je m'en occupe").click()
    expect(support.get_by_test_id("case-agent")).to_contain_text("Sophie Garnier")
    expect(support.get_by_role("button", name="Je ne m'en occupe plus")).to_be_visible()

    arbitrator = open_session("arbitre@demo.example.com").page
    arbitrator.goto("/supervision")
    taken = arbitrator.locator("a").filter(has_text=reference)
    expect(taken.get_by_test_id("row-agent")).to_contain_text("Sophie Garnier")


def test_the_customer_says_what_they_want_and_the_seller_sees_it(open_session, e2e_server):
    with sqlite3.connect(str(e2e_server.data_dir / "pixmania.db")) as conn:
        line_id = conn.execute(
            "SELECT l.id FROM orderline l JOIN customerorder o ON o.id = l.order_id JOIN shop s ON s.id = o.shop_id "
            "JOIN account a ON a.id = o.customer_id JOIN shipment sh ON sh.order_id = o.id "
            "WHERE a.email = 'client@demo.example.com' AND s.name = 'TechShop' AND sh.state = 'delivered' "
            "AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.order_line_id = l.id) ORDER BY l.id LIMIT 1"
        ).fetchone()[0]
    customer = open_session("client@demo.example.com").page
    customer.goto(f"/orders/{line_id}/report")
    customer.get_by_role("radio", name=re.compile("Article non conforme")).click()
    # Only the type's remedies are offered: no reshipment for an item that does not match its description.
    wishes = customer.get_by_test_id("report-wish")
    expect(wishes.get_by_text("Retour et remboursement")).to_be_visible()
    expect(wishes.get_by_text("Réexpédition")).to_have_count(0)
    wishes.get_by_text("Retour et remboursement").click()
    customer.get_by_label(re.compile("Description du problème")).fill("La couleur n'est pas celle de la photo.")
    customer.get_by_role("button", name="Envoyer le signalement").click()
    customer.wait_for_url(re.compile(r"/incidents/INC-\d{4}-\d+$"))
    expect(customer.get_by_test_id("case-wanted")).to_contain_text("Vous avez demandé : Retour et remboursement")
    reference = customer.get_by_test_id("case-reference").inner_text().strip()

    seller = open_session(SELLER).page
    seller.goto("/board")
    card = seller.locator(f'[data-testid="board-card"][data-reference="{reference}"]')
    expect(card.get_by_test_id("card-wanted")).to_contain_text("Retour et remboursement")
