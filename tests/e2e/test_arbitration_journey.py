"""Arbitration, end to end in Chromium, with visible labels only:

the customer requests arbitration on a seeded case with a pending proposal; the arbitrator
takes it from the queue, reads the case file and decides a partial refund with a rationale;
the customer's and the seller's open pages show the decision without reload (and the
customer sees the consumer-mediator notice); the seller records the refund, ticks what is
left of the playbook and closes the incident.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import CASE_URL

pytestmark = pytest.mark.e2e

RATIONALE = "Les photos montrent un connecteur abîmé : remboursement partiel de 20 €."


def _photo(tmp_path) -> str:
    path = tmp_path / "preuve.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return str(path)


@pytest.mark.scaled
def test_arbitration_partial_refund_to_closure(open_session, tmp_path):
    expect.set_options(timeout=20_000)  # live pushes and page loads on a busy machine
    # The customer opens the case that awaits their answer and requests arbitration.
    customer = open_session("client@demo.example.com").page
    customer.goto("/incidents")
    customer.get_by_text("En attente du client").first.click()
    customer.wait_for_url(CASE_URL)
    incident_path = CASE_URL.search(customer.url).group(0)
    expect(customer.get_by_test_id("case-reference")).to_have_text(re.compile(r"^INC-\d{4}-\d{6}$"))
    reference = customer.get_by_test_id("case-reference").inner_text()
    customer.get_by_role("button", name="Demander un arbitrage").click()
    customer.get_by_label("Pourquoi demandez-vous un arbitrage ? (obligatoire)").fill(
        "Le geste de 30 € ne couvre pas le connecteur cassé."
    )
    customer.locator("#arbitration_files input[type=file]").set_input_files(_photo(tmp_path))
    customer.get_by_text("J'ai compris que la décision de l'arbitre sera contraignante.").click()
    customer.get_by_role("button", name="Envoyer la demande d'arbitrage").click()
    expect(customer.get_by_text("En arbitrage").first).to_be_visible()

    # The seller keeps the case open in another browser.
    seller = open_session("vendeur.techshop@demo.example.com").page
    seller.goto(incident_path)
    expect(seller.get_by_text("En arbitrage").first).to_be_visible()

    # The arbitrator takes it from the queue (oldest first) and reads the case file.
    arbitrator = open_session("arbitre@demo.example.com").page
    arbitrator.goto("/arbitration")
    row = arbitrator.locator(f"[data-reference='{reference}']")
    expect(row).to_contain_text("Demandé par Client")
    expect(row).to_contain_text("délai ouvert")
    row.get_by_role("button", name="Prendre le dossier").click()
    arbitrator.wait_for_url(re.compile(r"/arbitration/\d+$"))
    expect(arbitrator.get_by_test_id("taken-by")).to_contain_text("Dossier pris par")
    for heading in (
        "Commande",
        "Expédition et suivi",
        "Délais de chaque partie",
        "Propositions et réponses du client",
        "Échanges, notes internes et preuves",
        "Historique complet",
    ):
        expect(arbitrator.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(arbitrator.get_by_text("Le geste de 30 € ne couvre pas le connecteur cassé.").first).to_be_visible()
    # Every piece of evidence, with who gave it: the customer's opening photo and the request's proof.
    pieces = arbitrator.get_by_test_id("file-evidence")
    expect(pieces.filter(has_text="à l'ouverture").first).to_contain_text("(Client)")
    expect(pieces.filter(has=arbitrator.get_by_role("img", name="preuve.jpg"))).to_contain_text("Fournie par Camille")

    # The decision: a partial refund with its rationale, after a confirmation.
    arbitrator.get_by_label("Issue").select_option(label="Remboursement partiel")
    arbitrator.get_by_label("Montant du remboursement partiel (€)").fill("20,00")
    expect(arbitrator.get_by_text("Rembourser", exact=True)).to_be_visible()
    arbitrator.get_by_role("button", name="Rendre la décision…").click()
    expect(arbitrator.get_by_test_id("decision-error")).to_contain_text("motivation")
    arbitrator.get_by_label("Motivation").fill(RATIONALE)
    arbitrator.get_by_role("button", name="Rendre la décision…").click()
    dialog = arbitrator.get_by_role("alertdialog")
    expect(dialog).to_contain_text("ne pourra pas être modifiée")
    dialog.get_by_role("button", name="Rendre la décision").click()
    expect(arbitrator.get_by_text("Décision rendue et notifiée aux parties.")).to_be_visible()

    # Both open pages show it without reload; the customer also learns about the mediator.
    expect(customer.get_by_text(RATIONALE)).to_be_visible()
    expect(customer.get_by_text("médiateur de la consommation", exact=False)).to_be_visible()
    expect(seller.get_by_text(RATIONALE)).to_be_visible()
    expect(seller.get_by_text("Résolu").first).to_be_visible()

    # The seller fulfils the decision and closes the incident.
    seller.get_by_role("button", name="Enregistrer un remboursement").click()
    seller.get_by_label("Montant (€)").fill("20,00")
    seller.get_by_role("button", name="Enregistrer le remboursement").click()
    seller.get_by_role("button", name="Oui, enregistrer").click()
    expect(seller.get_by_text("Rembourser").first).to_be_visible()
    step = seller.get_by_test_id("checklist").get_by_text("Vérifiez l’état de l’article endommagé.")
    step.locator("xpath=..").get_by_role("button", name="Cocher").click()
    seller.get_by_role("button", name="Marquer comme fait").click()
    seller.get_by_role("button", name="Confirmer la clôture").click()
    seller.get_by_role("alertdialog").get_by_role("button", name="Confirmer la clôture").click()
    expect(seller.get_by_text("Clôturé").first).to_be_visible()
    expect(customer.get_by_text("Clôturé").first).to_be_visible()
    expect(customer.get_by_text("médiateur de la consommation", exact=False)).to_be_visible()
