"""The customer's orders, reporting a problem, and their incidents."""

STRINGS: dict[str, tuple[str, str]] = {
    "customer.orders.title": ("Mes commandes", "My orders"),
    "customer.orders.empty": ("Vous n'avez pas encore de commande.", "You have no orders yet."),
    "customer.orders.placed_on": ("Passée le", "Placed on"),
    "customer.orders.quantity": ("Quantité :", "Quantity:"),
    "customer.orders.tracking": ("suivi", "tracking"),
    "customer.orders.shipped_on": ("Expédiée le", "Shipped on"),
    "customer.orders.delivered_on": ("Livrée le", "Delivered on"),
    "customer.orders.report": ("Signaler un problème", "Report a problem"),
    "customer.orders.not_shipped": (
        "Possible une fois l'article expédié.",
        "Possible once the item has shipped.",
    ),
    "customer.orders.nothing_to_open": (
        "Chaque type de problème a déjà un incident sur cet article.",
        "Every type of problem already has an incident on this item.",
    ),
    "customer.shipment.pending": ("En préparation", "Being prepared"),
    "customer.shipment.shipped": ("Expédiée", "Shipped"),
    "customer.shipment.delivered": ("Livrée", "Delivered"),
    "customer.report.title": ("Signaler un problème", "Report a problem"),
    "customer.report.step_type": ("1. Quel est le problème ?", "1. What is the problem?"),
    "customer.report.step_wish": ("Ce que vous souhaitez", "What you would like"),
    "customer.report.no_preference": (
        "Pas de préférence : je laisse le vendeur proposer",
        "No preference: the seller suggests",
    ),
    "customer.report.step_describe": ("2. Décrivez-le", "2. Describe it"),
    "customer.report.step_evidence": ("3. Vos justificatifs", "3. Your evidence"),
    "customer.report.type_open": ("Déjà en cours :", "Already open:"),
    "customer.report.type_done": ("Déjà traité :", "Already handled:"),
    "customer.report.seller_must": ("Ce que le vendeur doit faire", "What the seller must do"),
    "customer.report.timing": (
        "Le vendeur doit vous répondre sous {target} h ({max} h au maximum) et résoudre le problème sous {days} jours ouvrables.",
        "The seller must answer within {target} h ({max} h at most) and solve the problem within {days} business days.",
    ),
    "customer.report.solutions": ("Solutions possibles :", "Possible solutions:"),
    "customer.report.evidence": ("Justificatifs demandés :", "Evidence asked for:"),
    "customer.report.description_label": (
        "Description du problème (obligatoire, {max} caractères au plus)",
        "Description of the problem (required, at most {max} characters)",
    ),
    "customer.report.photos_needed": (
        "Joindre des photos (obligatoire pour ce problème)",
        "Attach photos (required for this problem)",
    ),
    "customer.report.attach": ("Joindre des photos ou des PDF", "Attach photos or PDFs"),
    "customer.report.choose_type": ("Choisissez le type de problème.", "Choose the type of problem."),
    "customer.report.see_existing": ("Voir l'incident existant", "See the existing incident"),
    "customer.report.submit": ("Envoyer le signalement", "Send the report"),
    "customer.mine.title": ("Mes incidents", "My incidents"),
    "customer.mine.empty": (
        "Aucun incident. Un problème avec une commande ? Signalez-le depuis vos commandes.",
        "No incidents. A problem with an order? Report it from your orders.",
    ),
    "customer.mine.updated": ("mis à jour le", "updated on"),
}
