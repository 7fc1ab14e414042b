"""The product team's journey: a seller flags a listing from a case; the product team's open
inbox shows it without reload; they mark it fixed; the seller's bell count rises."""

from __future__ import annotations

import re
import sqlite3
import uuid

from playwright.sync_api import expect


def _fresh_wrong_item(server) -> int:
    """TechShop's fresh `wrong_item` case of the demo data (the HDMI cable)."""
    with sqlite3.connect(server.data_dir / "pixmania.db") as con:
        return con.execute("SELECT id FROM incident WHERE description LIKE '%HDMI%'").fetchone()[0]


def _bell_count(page) -> int:
    return int(page.locator("#bell-button").get_attribute("data-count") or 0)


def test_seller_flags_product_fixes_seller_is_told(open_session, e2e_server):
    incident_id = _fresh_wrong_item(e2e_server)
    details = f"La fiche annonce un câble de 2 m ; il mesure 1 m ({uuid.uuid4().hex[:6]})."

    product = open_session("produit@demo.example.com")
    inbox = product.page
    inbox.goto("/flags")
    expect(inbox.get_by_role("heading", name="Signalements de fiches produit")).to_be_visible()

    seller = open_session("vendeur.techshop@demo.example.com")
    case = seller.page
    case.goto(f"/incidents/{incident_id}")
    case.get_by_role("button", name=re.compile("Signaler la fiche")).click()
    expect(case.locator("#form-flag")).to_be_visible()
    expect(case.locator("#bell-button")).to_have_attribute("data-count", re.compile(r"\d+"))
    case.wait_for_timeout(500)  # let the bell settle on its first count
    before = _bell_count(case)
    case.locator("#flag-details").fill(details)
    case.locator("#form-flag button[type=submit]").click()

    card = inbox.locator(".flag-card", has_text=details)
    expect(card).to_be_visible()  # live: the inbox was never reloaded
    expect(card).to_contain_text("Signalée")
    expect(card).to_contain_text("Vendeur")
    card.get_by_role("button", name="Marquer corrigée").click()
    dialog = inbox.get_by_role("alertdialog")
    dialog.locator("#flag-note").fill("Longueur corrigée : 1 m.")
    dialog.get_by_role("button", name="Marquer corrigée").click()
    expect(dialog).to_have_count(0)
    expect(card).to_have_count(0)  # no longer "à traiter"

    case.wait_for_function(
        "([before]) => Number(document.querySelector('#bell-button')?.dataset.count || 0) > before",
        arg=[before],
        timeout=15_000,
    )
    case.locator("#bell-button").click()
    expect(case.get_by_text(re.compile(r"corrigée : Longueur corrigée : 1 m\."))).to_be_visible()
    assert not product.errors and not seller.errors
