"""The public policy page."""

STRINGS: dict[str, tuple[str, str]] = {
    "policy.title": ("Politique de gestion des incidents", "Incident handling policy"),
    "policy.intro": (
        "Cette page détaille, pour chaque type d'incident, ce que le vendeur doit faire et dans quels délais. "
        "Elle est générée à partir des règles appliquées par l'outil.",
        "For each type of incident, this page says what the seller must do and by when. "
        "It is generated from the rules the desk enforces.",
    ),
    "policy.actions": ("Actions", "Actions"),
    "policy.mandatory": ("obligatoire", "mandatory"),
    "policy.response": ("Délai de réponse", "Response time"),
    "policy.response_value": ("{target} h visé, {max} h au maximum", "{target} h target, {max} h maximum"),
    "policy.resolution": ("Délai de résolution", "Resolution time"),
    "policy.resolution_value": ("{days} jours ouvrables au maximum", "{days} business days at most"),
    "policy.solutions": ("Solutions possibles", "Possible solutions"),
    "policy.evidence": ("Justificatifs demandés", "Evidence asked for"),
    "policy.flag_suggested": (
        "Une remontée à l'équipe produit est suggérée si la fiche doit être corrigée.",
        "Flagging the listing to the product team is suggested if it needs a correction.",
    ),
    "policy.arbitration_title": ("Arbitrage", "Arbitration"),
    "policy.arbitration_text": (
        "Si le problème ne peut être résolu directement, le client ou le vendeur peut demander un arbitrage. "
        "Le service client de niveau 2 analyse le dossier et prend une décision contraignante.",
        "If the problem cannot be solved directly, the customer or the seller may request arbitration. "
        "Customer service level 2 reviews the case and issues a binding decision.",
    ),
}
