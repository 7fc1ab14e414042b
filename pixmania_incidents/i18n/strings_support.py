"""Customer service: supervision, arbitration, trends, guidelines, the staff panel.

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
    "support.error.amount_format": (
        "Indiquez un montant en euros, par exemple 12,50.",
        "Enter an amount in euros, for example 12.50.",
    ),
    "support.error.rationale_required": (
        "La motivation écrite de la décision est obligatoire.",
        "The decision's written rationale is required.",
    ),
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
    "support.error.period_too_long": ("La période est limitée à {days} jours.", "The period is limited to {days} days."),
    "support.error.guideline_kind": ("Type de document inconnu.", "Unknown document kind."),
    # the mediator (shown with every decision on the customer's page)
    "support.mediator_notice": (
        "Cette décision d'arbitrage est contraignante pour le vendeur et pour vous sur la plateforme. "
        "Si elle ne vous satisfait pas, vous avez le droit de recourir gratuitement à un médiateur de la "
        "consommation (articles L611-1 et suivants du Code de la consommation), après une réclamation écrite "
        "restée sans solution, et de saisir les juridictions compétentes.",
        "This arbitration decision is binding on the seller and on you on the marketplace. If it does not "
        "satisfy you, you have the right to refer the dispute free of charge to a consumer mediator "
        "(médiateur de la consommation, French Consumer Code articles L611-1 ff.), after a written complaint "
        "that remained unresolved, and to bring it before the competent courts.",
    ),
    # common words
    "support.cancel": ("Annuler", "Cancel"),
    "support.take": ("Prendre le dossier", "Take the case"),
    "support.release": ("Libérer le dossier", "Release the case"),
    "support.reassign": ("Réattribuer", "Reassign"),
    "support.reassign.choose": ("Réattribuer à…", "Reassign to…"),
    "support.open_file": ("Ouvrir le dossier d'arbitrage", "Open the arbitration case file"),
    "support.open_incident": ("Voir la page de l'incident", "See the incident page"),
    "support.not_neutral": (
        "Vous êtes intervenu dans ce dossier : un autre arbitre doit le prendre.",
        "You took part in this case: another arbitrator must take it.",
    ),
    "support.help_badge": ("Aide demandée", "Help requested"),
    "support.note.internal": ("Note interne", "Internal note"),
    "support.assist.badge": ("Service client", "Customer service"),
    "support.refusal": ("Refus :", "Refused:"),
    "support.late_by": ("en retard de", "late by"),
    "support.recurring": ("récurrent", "recurring"),
    "support.opened": ("Ouvert le", "Opened"),
    "support.incidents": ("incidents", "incidents"),
    "support.page": ("Page", "Page"),
    "support.previous": ("Précédente", "Previous"),
    "support.next": ("Suivante", "Next"),
    "support.empty": ("Aucun incident ne correspond.", "No incident matches."),
    # supervision
    "support.supervision.title": ("Supervision des incidents", "Incident supervision"),
    "support.supervision.intro": (
        "Tous les incidents, du délai le plus proche au plus lointain. Le service client supervise : il répond "
        "aux demandes d'aide et consigne des notes internes, sans agir à la place des parties.",
        "Every incident, nearest deadline first. Customer service supervises: it answers help requests and "
        "writes internal notes, without acting for the parties.",
    ),
    "support.queue.all": ("Tous", "All"),
    "support.queue.help_requested": ("Aide demandée", "Help requested"),
    "support.queue.at_risk": ("À risque", "At risk"),
    "support.queue.breached": ("Délai dépassé", "Breached"),
    "support.queue.arbitration": ("Arbitrage demandé", "Arbitration requested"),
    "support.filter.any": ("Tous", "Any"),
    "support.filter.text": ("Recherche", "Search"),
    "support.filter.text_hint": ("Référence, client, article…", "Reference, customer, listing…"),
    "support.filter.state": ("État", "State"),
    "support.filter.type": ("Type", "Type"),
    "support.filter.shop": ("Boutique", "Shop"),
    "support.filter.deadline": ("Délai", "Deadline"),
    "support.filter.opened_from": ("Ouvert depuis le", "Opened from"),
    "support.filter.opened_to": ("Ouvert jusqu'au", "Opened until"),
    # arbitration queue
    "support.arbitration.title": ("Arbitrage", "Arbitration"),
    "support.arbitration.intro": (
        "Les demandes d'arbitrage, la plus ancienne d'abord. Prendre un dossier vous donne 2 jours ouvrables "
        "pour rendre une décision contraignante.",
        "Arbitration requests, oldest first. Taking a case gives you 2 business days to issue a binding decision.",
    ),
    "support.arbitration.empty": ("Aucune demande d'arbitrage en attente.", "No arbitration request is waiting."),
    "support.queue.asked_by": ("Demandé par", "Requested by"),
    "support.queue.taken_by": ("Dossier pris par", "Case taken by"),
    "support.statement.window": ("Observations de l'autre partie :", "Other party's statement:"),
    "support.statement.open": ("délai ouvert", "window open"),
    "support.statement.closed": ("délai clos", "window closed"),
    "support.statement.given": ("déposées", "submitted"),
    "support.statement.text": ("Observations :", "Statement:"),
    # the case file
    "support.file.request": ("Demande d'arbitrage", "Arbitration request"),
    "support.file.order": ("Commande", "Order"),
    "support.file.order_ref": ("Référence", "Reference"),
    "support.file.placed": ("Passée le", "Placed on"),
    "support.file.customer": ("Client", "Customer"),
    "support.file.shop": ("Boutique", "Shop"),
    "support.file.total": ("Montant de la ligne", "Line total"),
    "support.file.refundable": ("Reste remboursable", "Left to refund"),
    "support.file.listing": ("Fiche produit", "Listing"),
    "support.file.shipment": ("Expédition et suivi", "Shipment and tracking"),
    "support.file.carrier": ("Transporteur", "Carrier"),
    "support.file.tracking": ("N° de suivi", "Tracking number"),
    "support.file.shipment_state": ("État", "Status"),
    "support.file.shipped": ("Expédié le", "Shipped"),
    "support.file.delivered": ("Livré le", "Delivered"),
    "support.file.inquiry": ("Enquête transporteur", "Carrier inquiry"),
    "support.file.inquiry_pending": ("résultat en attente", "outcome pending"),
    "support.file.description": ("Description du client", "Customer's description"),
    "support.file.deadlines": ("Délais de chaque partie", "Each party's deadlines"),
    "support.file.proposals": ("Propositions et réponses du client", "Proposals and the customer's answers"),
    "support.file.messages": ("Échanges, notes internes et preuves", "Exchanges, internal notes and evidence"),
    "support.file.flags": ("Signalements de la fiche", "Listing flags"),
    "support.file.timeline": ("Historique complet", "Full timeline"),
    "support.proposal.pending": ("en attente", "pending"),
    "support.proposal.accepted": ("acceptée", "accepted"),
    "support.proposal.refused": ("refusée", "refused"),
    "support.proposal.cancelled": ("annulée", "cancelled"),
    "support.shipment.pending": ("en préparation", "pending"),
    "support.shipment.shipped": ("expédié", "shipped"),
    "support.shipment.delivered": ("livré", "delivered"),
    "support.col.clock": ("Délai", "Deadline"),
    "support.col.holder": ("Qui", "Who"),
    "support.col.due": ("Échéance", "Due"),
    "support.col.met": ("Tenu le", "Met on"),
    "support.col.state": ("État", "State"),
    "support.col.breach": ("Dépassement", "Breach"),
    # the decision
    "support.decision.title": ("Décision d'arbitrage", "Arbitration decision"),
    "support.decision.binding": ("contraignante", "binding"),
    "support.decision.issued": ("Rendue le", "Issued on"),
    "support.decision.form_title": ("Rendre la décision", "Issue the decision"),
    "support.decision.outcome": ("Issue", "Outcome"),
    "support.decision.choose": ("Choisissez…", "Choose…"),
    "support.decision.amount": ("Montant du remboursement partiel (€)", "Partial refund amount (€)"),
    "support.decision.refundable": ("Au plus :", "At most:"),
    "support.decision.obligations": ("Obligations créées", "Obligations created"),
    "support.decision.rationale": ("Motivation", "Rationale"),
    "support.decision.rationale_hint": (
        "Les faits retenus, les preuves examinées et les raisons de la décision.",
        "The facts found, the evidence reviewed and the reasons for the decision.",
    ),
    "support.decision.submit": ("Rendre la décision…", "Issue the decision…"),
    "support.decision.confirm_title": ("Rendre cette décision ?", "Issue this decision?"),
    "support.decision.confirm_text": (
        "La décision est contraignante et ne pourra pas être modifiée. Les deux parties en seront informées.",
        "The decision is binding and cannot be changed. Both parties will be told.",
    ),
    "support.decision.confirm": ("Rendre la décision", "Issue the decision"),
    "support.decision.done": ("Décision rendue et notifiée aux parties.", "Decision issued and sent to both parties."),
    "support.obligation.default": ("échéance par défaut :", "default deadline:"),
    "support.obligation.own_due": ("Autre échéance (facultatif)", "Other deadline (optional)"),
    "support.obligation.starts_with_label": (
        "14 jours à partir de l'émission du bordereau",
        "14 days from when the label is issued",
    ),
    "support.obligation.starts_with_return": (
        "48 h à partir de la réception du retour",
        "48 h from when the return is received",
    ),
    # trends
    "support.trends.title": ("Tendances des incidents", "Incident trends"),
    "support.trends.from": ("Du", "From"),
    "support.trends.to": ("Au", "To"),
    "support.trends.export": ("Exporter les lignes (CSV)", "Export the rows (CSV)"),
    "support.trends.by_week": ("Incidents par semaine", "Incidents per week"),
    "support.trends.response_by_week": ("Délai de première réponse par semaine", "First response time per week"),
    "support.trends.by_type": ("Incidents par type", "Incidents by type"),
    "support.trends.breaches_by_shop": ("Délais dépassés par boutique (%)", "Breached deadlines by shop (%)"),
    "support.trends.table_type": ("Par type", "By type"),
    "support.trends.table_shop": ("Par boutique", "By shop"),
    "support.trends.table_week": ("Par semaine ISO", "By ISO week"),
    "support.trends.outcomes": ("Décisions d'arbitrage", "Arbitration outcomes"),
    "support.trends.listings": ("Fiches avec le plus d'incidents", "Listings with the most incidents"),
    "support.trends.root_causes": ("Causes relevées par les vendeurs", "Root causes from sellers' lessons"),
    "support.trends.series.count": ("Incidents", "Incidents"),
    "support.trends.series.p50": ("Médiane (h)", "Median (h)"),
    "support.trends.series.p90": ("9e décile (h)", "90th percentile (h)"),
    "support.trends.series.response_breach": ("Réponse (%)", "Response (%)"),
    "support.trends.series.resolution_breach": ("Résolution (%)", "Resolution (%)"),
    "support.trends.col.count": ("Incidents", "Incidents"),
    "support.trends.col.response_p50": ("Réponse, médiane", "Response, median"),
    "support.trends.col.response_p90": ("Réponse, p90", "Response, p90"),
    "support.trends.col.resolution_p50": ("Résolution, médiane", "Resolution, median"),
    "support.trends.col.resolution_p90": ("Résolution, p90", "Resolution, p90"),
    "support.trends.col.response_breach": ("Réponses hors délai", "Responses breached"),
    "support.trends.col.resolution_breach": ("Résolutions hors délai", "Resolutions breached"),
    "support.trends.col.on_time": ("Résolus dans les délais", "Resolved on time"),
    "support.trends.col.arbitration": ("Taux d'arbitrage", "Arbitration rate"),
    "support.trends.col.rating": ("Note moyenne", "Average rating"),
    "support.trends.definitions": (
        "Période : incidents ouverts entre les deux dates (heure de Paris). Réponse : de l'ouverture au premier "
        "acte visible du vendeur ; résolution : de l'ouverture à l'accord ou à la décision. Médiane et 9e décile "
        "par interpolation entre les rangs. « Résolus dans les délais » : parmi les incidents dont le délai de "
        "résolution est jugé (tenu, dépassé ou escaladé).",
        "Period: incidents opened between the two dates (Paris time). Response: from opening to the seller's "
        "first visible act; resolution: from opening to agreement or decision. Median and 90th percentile "
        "interpolate between ranks. \u201cResolved on time\u201d: among incidents whose resolution deadline is "
        "judged (met, breached or escalated).",
    ),
    # guidelines
    "support.guidelines.heading": ("Directives et formation", "Guidelines and training"),
    "support.guidelines.intro": (
        "Des directives pour la gestion des litiges et des notes de formation pour les vendeurs, en Markdown, "
        "éventuellement liées à un type d'incident. Les vendeurs les voient dans leurs statistiques et sur les "
        "dossiers du même type.",
        "Guidelines for handling disputes and training notes for sellers, in Markdown, optionally tied to an "
        "incident type. Sellers see them on their insights page and on cases of that type.",
    ),
    "support.guidelines.new": ("Nouvelle directive", "New guideline"),
    "support.guidelines.edit": ("Modifier la directive", "Edit the guideline"),
    "support.guidelines.edit_button": ("Modifier", "Edit"),
    "support.guidelines.title_field": ("Titre", "Title"),
    "support.guidelines.kind": ("Nature", "Kind"),
    "support.guidelines.kind.guideline": ("Directive", "Guideline"),
    "support.guidelines.kind.training": ("Formation", "Training"),
    "support.guidelines.type": ("Type d'incident", "Incident type"),
    "support.guidelines.all_types": ("Tous les types", "All types"),
    "support.guidelines.body": ("Texte (Markdown)", "Text (Markdown)"),
    "support.guidelines.body_hint": ("## Titre, **gras**, listes, liens…", "## Heading, **bold**, lists, links…"),
    "support.guidelines.preview": ("Aperçu", "Preview"),
    "support.guidelines.publish": ("Publier", "Publish"),
    "support.guidelines.saved": ("Directive publiée.", "Guideline published."),
    "support.guidelines.empty": ("Aucune directive publiée.", "No guideline published yet."),
    # the staff panel on the incident page
    "support.panel.notes": ("Notes internes", "Internal notes"),
    "support.panel.no_notes": ("Aucune note interne.", "No internal note."),
    "support.panel.note_label": ("Nouvelle note interne", "New internal note"),
    "support.panel.note_hint": (
        "Visible du seul service client. Un arbitre qui écrit dans un dossier ne pourra plus l'arbitrer.",
        "Seen by customer service only. An arbitrator who writes in a case can no longer arbitrate it.",
    ),
    "support.panel.note_submit": ("Enregistrer la note", "Save the note"),
    "support.panel.assist_label": ("Message d'assistance aux deux parties", "Assisting message to both parties"),
    "support.panel.assist_hint": (
        "Visible du client et du vendeur. Il ne compte pas comme la réponse du vendeur.",
        "Seen by the customer and the seller. It does not count as the seller's response.",
    ),
    "support.panel.assist_submit": ("Envoyer le message", "Send the message"),
    "support.panel.flag": ("Signaler la fiche à l'équipe produit", "Flag the listing to the product team"),
    "support.panel.flag_reason": ("Motif", "Reason"),
    "support.panel.flag_details": ("Ce qui doit être corrigé", "What needs correcting"),
    "support.panel.flag_submit": ("Signaler la fiche", "Flag the listing"),
    "support.panel.arbitration": ("Arbitrage", "Arbitration"),
    "support.panel.taken": ("Un arbitre instruit le dossier.", "An arbitrator is reviewing the case."),
    "support.panel.saved": ("Enregistré.", "Saved."),
    # events and notifications of the arbitration service
    "incidents.event.case_taken": ("Dossier pris par un arbitre", "Case taken by an arbitrator"),
    "incidents.event.case_released": ("Dossier libéré par l'arbitre", "Case released by the arbitrator"),
    "incidents.event.case_reassigned": ("Dossier réattribué à un autre arbitre", "Case reassigned to another arbitrator"),
    "incidents.event.decided": ("Décision d'arbitrage rendue", "Arbitration decision issued"),
    "incidents.notif.case_released": ("Le dossier {reference} attend un arbitre", "Case {reference} is waiting for an arbitrator"),
    "incidents.notif.case_reassigned": ("Le dossier {reference} vous est confié", "Case {reference} is assigned to you"),
    "incidents.notif.decided": ("Décision d'arbitrage rendue sur {reference}", "Arbitration decision issued on {reference}"),
}
