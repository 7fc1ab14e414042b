"""The seller's journey in Chromium: board ordered by deadline, answer a case (a second tab
sees the card move live), propose a partial refund, issue and download a return label."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import CASE_URL, expect

SELLER = "vendeur.techshop@demo.example.com"
PARTIAL_REFUND_TYPES = ("defective", "not_as_described", "refund_not_processed", "damaged")


def column(page, state: str):
    return page.locator(f'[data-testid="board-column"][data-state="{state}"]')


def card(page, state: str, reference: str):
    return column(page, state).locator(f'[data-testid="board-card"][data-reference="{reference}"]')


@pytest.mark.scaled
def test_seller_works_a_case_from_the_board(open_session):
    session = open_session(SELLER)
    page = session.page
    page.goto("/board")
    open_cards = column(page, "open").locator('[data-testid="board-card"]')
    expect(open_cards.first).to_be_visible()

    # The most urgent card comes first: due instants never go down along a column.
    for state in ("open", "in_progress"):
        dues = (
            column(page, state)
            .locator('[data-testid="board-card"] [data-testid="countdown"]')
            .evaluate_all("els => els.map(e => e.dataset.due)")
        )
        instants = [datetime.fromisoformat(d) for d in dues]
        assert instants == sorted(instants), state
    assert len(open_cards.all()) >= 2

    # A second tab of the same seller keeps the board open.
    other = session.new_tab()
    other.goto("/board")
    expect(column(other, "open").locator('[data-testid="board-card"]').first).to_be_visible()

    chosen = next(c for c in open_cards.all() if c.get_attribute("data-type") in PARTIAL_REFUND_TYPES)
    reference = chosen.get_attribute("data-reference")
    chosen.click()
    page.wait_for_url(CASE_URL)
    expect(page.get_by_test_id("seller-panel")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("checklist-item").first).to_be_visible()

    # Answering is the response: the card moves to "En cours" on the other tab, live.
    page.locator("#thread_body").fill("Bonjour, nous regardons votre demande et revenons vers vous aujourd'hui.")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(card(other, "in_progress", reference)).to_be_visible()
    expect(card(other, "open", reference)).to_have_count(0)

    # A partial refund, with what is left refundable shown; a bad amount keeps the message typed.
    page.get_by_role("button", name="Proposer une solution").click()
    page.get_by_role("combobox", name="Solution").click()
    page.get_by_role("option", name="Remboursement partiel").click()
    expect(page.get_by_text("Reste remboursable sur cette ligne")).to_be_visible()
    page.get_by_label("Montant remboursé (€)").fill("dix euros")
    page.get_by_label("Message au client").fill("Nous vous proposons un remboursement partiel de 10 €.")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("alert").filter(has_text="Indiquez un montant")).to_be_visible()
    expect(page.get_by_label("Message au client")).to_have_value(
        "Nous vous proposons un remboursement partiel de 10 €."
    )
    page.get_by_label("Montant remboursé (€)").fill("10,00")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_test_id("pending-proposal")).to_contain_text("10,00")
    expect(card(other, "awaiting_customer", reference)).to_be_visible()

    # The prepaid return label: issued, then downloaded as a PDF naming the case.
    page.get_by_role("button", name="Bordereau de retour prépayé").click()
    page.get_by_role("button", name="Émettre un bordereau").click()
    link = page.get_by_test_id("label-download").first
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert reference in text
    assert not session.errors
