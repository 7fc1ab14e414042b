"""What the customer-service services say: refusals, and the arbitration events and notifications.

The `incidents.event.*` / `incidents.notif.*` entries at the end label the events and
notifications that the arbitration service records (case taken, released, reassigned,
decided), following the incidents catalogue's convention for those two families.
"""

STRINGS: dict[str, tuple[str, str]] = {
    # refusals
    "support.error.not_your_case": (
        "Ce dossier est confié à un autre arbitre.",
        "This case is assigned to another arbitrator.",
    ),
    "support.error.not_an_arbitrator": ("Choisissez un arbitre actif.", "Choose an active arbitrator."),
    "support.error.same_arbitrator": ("Ce dossier lui est déjà confié.", "This case is already assigned to them."),
    "support.error.target_not_neutral": (
        "{name} est intervenu dans ce dossier en tant que service client : il ne peut pas l'arbitrer.",
        "{name} took part in this case as customer service and cannot arbitrate it.",
    ),
    "support.error.outcome": ("Choisissez l'issue de la décision.", "Choose the decision's outcome."),
    "support.error.obligation_kind": (
        "Cette obligation ne découle pas de l'issue choisie.",
        "This obligation does not follow from the chosen outcome.",
    ),
    "support.error.obligation_due": (
        "Chaque échéance fixée doit être une date et une heure à venir, dans l'année.",
        "Each deadline you set must be a date and time in the future, within a year.",
    ),
    "support.error.filter": ("Filtre inconnu.", "Unknown filter."),
    "support.error.period": (
        "Choisissez une période valide (la date de début avant la date de fin).",
        "Choose a valid period (the start date before the end date).",
    ),
    "support.error.period_too_long": (
        "La période est limitée à {days} jours.",
        "The period is limited to {days} days.",
    ),
    "support.error.guideline_kind": ("Type de document inconnu.", "Unknown document kind."),
    # the decision
    "support.obligation.starts_with_label": (
        "14 jours à partir de l'émission du bordereau",
        "14 days from when the label is issued",
    ),
    "support.obligation.starts_with_return": (
        "48 h à partir de la réception du retour",
        "48 h from when the return is received",
    ),
    # events and notifications of the arbitration service
    "incidents.event.case_taken": ("Dossier pris par un arbitre", "Case taken by an arbitrator"),
    "incidents.event.case_released": ("Dossier libéré par l'arbitre", "Case released by the arbitrator"),
    "incidents.event.case_reassigned": (
        "Dossier réattribué à un autre arbitre",
        "Case reassigned to another arbitrator",
    ),
    "incidents.event.decided": ("Décision d'arbitrage rendue", "Arbitration decision issued"),
    "incidents.notif.case_released": (
        "Le dossier {reference} attend un arbitre",
        "Case {reference} is waiting for an arbitrator",
    ),
    "incidents.notif.case_reassigned": (
        "Le dossier {reference} vous est confié",
        "Case {reference} is assigned to you",
    ),
    "incidents.notif.decided": (
        "Décision d'arbitrage rendue sur {reference}",
        "Arbitration decision issued on {reference}",
    ),
}
