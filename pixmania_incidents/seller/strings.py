"""The seller's board and insights."""

STRINGS: dict[str, tuple[str, str]] = {
    "seller.board.title": ("Tableau des incidents", "Incident board"),
    "seller.board.intro": (
        "Les incidents de votre boutique, du plus urgent au moins urgent dans chaque colonne.",
        "Your shop's incidents, most urgent first in each column.",
    ),
    "seller.board.filter_type": ("Type", "Type"),
    "seller.board.filter_deadline": ("Délai", "Deadline"),
    "seller.board.filter_text": ("Rechercher", "Search"),
    "seller.board.filter_text_placeholder": ("Référence, client ou article", "Reference, customer or item"),
    "seller.board.all": ("Tous", "All"),
    "seller.board.empty": ("Aucun incident", "No incidents"),
    "seller.board.show_more": ("Afficher plus", "Show more"),
    "seller.board.closed_recent": ("Clôturés depuis 30 jours", "Closed in the last 30 days"),
    "seller.board.show_closed": ("Afficher", "Show"),
    "seller.board.hide_closed": ("Masquer", "Hide"),
    "seller.board.waiting_start": ("démarre à réception du retour", "starts when the return arrives"),
    "seller.insights.title": ("Statistiques de la boutique", "Shop insights"),
    "seller.insights.intro": (
        "Les incidents ouverts sur la période choisie, pour repérer ce qui se répète et progresser.",
        "Incidents opened in the chosen period, to spot what keeps happening and improve.",
    ),
    "seller.insights.from": ("Du", "From"),
    "seller.insights.to": ("Au", "To"),
    "seller.insights.last_30": ("30 jours", "30 days"),
    "seller.insights.last_90": ("90 jours", "90 days"),
    "seller.insights.last_365": ("12 mois", "12 months"),
    "seller.insights.count": ("Incidents", "Incidents"),
    "seller.insights.response_p50": ("Première réponse (médiane)", "First response (median)"),
    "seller.insights.response_p90": ("Première réponse (90e centile)", "First response (90th percentile)"),
    "seller.insights.answered_24h": ("Répondus sous 24 h", "Answered within 24 h"),
    "seller.insights.answered_48h": ("Répondus sous 48 h", "Answered within 48 h"),
    "seller.insights.on_time": ("Résolus dans les délais", "Resolved on time"),
    "seller.insights.arbitration": ("Taux d'arbitrage", "Arbitration rate"),
    "seller.insights.rating": ("Note moyenne (sur 5)", "Average rating (out of 5)"),
    "seller.insights.by_type": ("Incidents par type", "Incidents by type"),
    "seller.insights.shares_by_type": ("Réactivité par type (%)", "Responsiveness by type (%)"),
    "seller.insights.by_listing": ("Incidents par article", "Incidents by item"),
    "seller.insights.listing": ("Article", "Item"),
    "seller.insights.outcomes": ("Décisions d'arbitrage", "Arbitration decisions"),
    "seller.insights.root_causes": ("Causes relevées dans vos enseignements", "Root causes from your lessons learned"),
    "seller.insights.recurring": ("récurrente", "recurring"),
    "seller.insights.guidelines": ("Consignes du service client", "Customer service guidelines"),
    "seller.insights.none": ("Rien sur cette période.", "Nothing in this period."),
    "seller.insights.definitions": (
        "Période : incidents ouverts entre les deux dates incluses. Première réponse : de l'ouverture au premier "
        "geste visible par le client. Répondus sous 24 h / 48 h : parmi les incidents suivis au moins aussi "
        "longtemps. Résolus dans les délais : parmi les incidents dont le délai de résolution est jugé.",
        "Period: incidents opened between both dates included. First response: from opening to the first act the "
        "customer can see. Answered within 24 h / 48 h: among incidents watched at least that long. Resolved on "
        "time: among incidents whose resolution deadline has been judged.",
    ),
}
