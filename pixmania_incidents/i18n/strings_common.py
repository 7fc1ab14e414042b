"""The words every layer shares: case and deadline states, deadlines, whose move, roles, errors."""

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("Pixmania · Gestion des incidents", "Pixmania · Incident desk"),
    "nav.policy": ("Politique", "Policy"),
    # states
    "state.open": ("Ouvert", "Open"),
    "state.in_progress": ("En cours", "In progress"),
    "state.awaiting_customer": ("En attente du client", "Awaiting customer"),
    "state.in_arbitration": ("En arbitrage", "In arbitration"),
    "state.resolved": ("Résolu", "Resolved"),
    "state.closed": ("Clôturé", "Closed"),
    # how a closed case ended (ClosedOutcome)
    "outcome.agreed": ("accord", "agreed"),
    "outcome.decided": ("décision", "decided"),
    "outcome.withdrawn": ("retiré", "withdrawn"),
    "outcome.no_customer_reply": ("sans réponse du client", "no customer reply"),
    "outcome.return_not_sent": ("article non renvoyé", "item not sent back"),
    # deadline states
    "deadline.on_track": ("Dans les temps", "On track"),
    "deadline.at_risk": ("À risque", "At risk"),
    "deadline.breached": ("Dépassé", "Breached"),
    "deadline.met": ("Respecté", "Met"),
    "deadline.met_late": ("Respecté en retard", "Met late"),
    "deadline.escalated": ("Escaladé", "Escalated"),
    "deadline.cancelled": ("Annulé", "Cancelled"),
    # clocks
    "clock.response": ("Réponse du vendeur", "Seller's response"),
    "clock.resolution": ("Résolution", "Resolution"),
    "clock.customer_answer": ("Réponse du client à la proposition", "Customer's answer to the proposal"),
    "clock.arbitration_decision": ("Décision de l'arbitre", "Arbitrator's decision"),
    "clock.statement": ("Observations de l'autre partie", "Other party's statement"),
    "clock.obligation": ("Obligation", "Obligation"),
    # roles
    "role.customer": ("Client", "Customer"),
    "role.seller": ("Vendeur", "Seller"),
    "role.support": ("Service client", "Customer service"),
    "role.arbitrator": ("Service client niveau 2", "Customer service level 2"),
    "role.product": ("Équipe produit", "Product team"),
    "role.admin": ("Administrateur", "Administrator"),
    "role.system": ("Pixmania", "Pixmania"),
    # errors
    "error.not_found": ("Introuvable.", "Not found."),
    "error.forbidden": ("Vous n'avez pas le droit de faire cela.", "You are not allowed to do that."),
    "error.stale_version": (
        "Le dossier a changé entre-temps : voici son nouvel état. Votre saisie est conservée : vérifiez puis recommencez.",
        "The case changed meanwhile: here is its new state. What you typed is kept: check it and try again.",
    ),
    "error.action_not_allowed_in_state": (
        "Cette action n'est pas possible dans l'état actuel de l'incident.",
        "This action is not possible in the incident's current state.",
    ),
    "error.role_cannot_act": ("Votre rôle ne permet pas cette action.", "Your role does not allow this action."),
    "error.busy": (
        "Service chargé : rien n'a été enregistré. Réessayez dans un instant.",
        "The service is busy: nothing was saved. Try again in a moment.",
    ),
    "error.decision_binding": (
        "Une décision d'arbitrage contraignante a été rendue : cette action n'est plus possible.",
        "A binding arbitration decision was issued: this action is no longer possible.",
    ),
    "error.arbitration_seller_needs_refusal": (
        "Le vendeur peut demander un arbitrage après le refus d'une de ses propositions.",
        "The seller may request arbitration after one of their proposals was refused.",
    ),
    "error.arbitration_not_yet": (
        "L'arbitrage est possible après le refus d'une proposition, le dépassement d'un délai du vendeur ou d'une de ses obligations.",
        "Arbitration is possible after a refused proposal, or once a seller deadline or obligation is breached.",
    ),
    "error.arbitrator_not_neutral": (
        "Vous êtes intervenu dans ce dossier en tant que service client : un autre arbitre doit le prendre.",
        "You took part in this case as customer service: another arbitrator must take it.",
    ),
    "error.withdraw_after_resolution": (
        "L'incident a été résolu : vous pouvez retirer votre demande d'arbitrage, pas l'incident.",
        "The incident was resolved: you may withdraw your arbitration request, not the incident.",
    ),
    "error.arbitration_not_withdrawable": (
        "Seule une demande d'arbitrage faite après la résolution peut être retirée seule ; "
        "vous pouvez retirer l'incident.",
        "Only an arbitration requested after the resolution can be withdrawn on its own; "
        "you may withdraw the incident.",
    ),
    "error.return_not_missed": (
        "Le délai de renvoi de l'article n'est pas dépassé (ou l'article a été renvoyé).",
        "The time to send the item back has not passed (or the item was sent back).",
    ),
    "error.closure_blocked_seller": (
        "Clôture impossible : il vous reste à faire — {seller_obligations}.",
        "Cannot close yet — still yours to do: {seller_obligations}.",
    ),
    "error.case_already_taken": (
        "Ce dossier a déjà été pris par un autre arbitre.",
        "Another arbitrator already took this case.",
    ),
    "error.case_not_taken": (
        "Ce dossier n'a pas encore été pris par un arbitre.",
        "No arbitrator has taken this case yet.",
    ),
    "error.closure_blocked": (
        "Clôture impossible : restent ouverts — obligations : {obligations} ; étapes obligatoires : {steps}.",
        "Cannot close yet — open obligations: {obligations}; mandatory steps: {steps}.",
    ),
    "error.unexpected": (
        "Une erreur inattendue est survenue. Réessayez.",
        "An unexpected error occurred. Please try again.",
    ),
    "error.login_required": ("Connectez-vous pour continuer.", "Please log in to continue."),
}
