"""Incident services: refusals, evidence checks, return label, timeline events, notifications.

`incidents.event.<kind>` labels the timeline (IncidentEvent.kind) and
`incidents.notif.<kind>` the notification of the same name (Notification.kind).
"""

STRINGS: dict[str, tuple[str, str]] = {
    # refusals: opening
    "incidents.error.unknown_type": ("Type d'incident inconnu.", "Unknown incident type."),
    "incidents.error.unknown_wish": (
        "Cette demande n'est pas prévue pour ce type de problème.",
        "This request is not offered for this type of problem.",
    ),
    "incidents.error.not_shipped": (
        "Un incident ne peut être ouvert que sur un article expédié ou livré.",
        "An incident can only be opened on an item that was shipped or delivered.",
    ),
    "incidents.error.already_open": (
        "Un incident de ce type est déjà en cours sur cet article : {reference}.",
        "An incident of this type is already open on this item: {reference}.",
    ),
    "incidents.error.decided": (
        "Une décision d'arbitrage contraignante a déjà été rendue pour ce problème sur cet article ({reference}).",
        "A binding arbitration decision was already issued for this problem on this item ({reference}).",
    ),
    "incidents.error.already_settled": (
        "Ce problème a déjà été réglé d'un commun accord sur cet article ({reference}).",
        "This problem was already settled by agreement on this item ({reference}).",
    ),
    "incidents.error.lapsed": (
        "Ce problème a été clos faute de réponse à la proposition du vendeur ({reference}).",
        "This problem was closed because the seller's proposal went unanswered ({reference}).",
    ),
    "incidents.error.photo_required": (
        "Joignez au moins une photo de l'article pour signaler ce problème.",
        "Attach at least one photo of the item to report this problem.",
    ),
    "incidents.error.document_required": (
        "Joignez au moins un document (PDF) pour signaler ce problème.",
        "Attach at least one document (PDF) to report this problem.",
    ),
    # refusals: input
    "incidents.error.visibility": ("Visibilité de message inconnue.", "Unknown message visibility."),
    "incidents.error.channel": (
        "Canal inconnu : choisissez téléphone ou e-mail.",
        "Unknown channel: choose phone or e-mail.",
    ),
    "incidents.error.occurred_at": (
        "Indiquez quand l'échange a eu lieu : après la commande et pas dans le futur.",
        "Say when the exchange took place: after the order and not in the future.",
    ),
    "incidents.error.closed": ("Cet incident est clôturé.", "This incident is closed."),
    # refusals: proposals and arbitration
    "incidents.error.solution_not_offered": (
        "Cette solution n'est pas prévue pour ce type d'incident.",
        "This solution is not offered for this type of incident.",
    ),
    "incidents.error.nothing_left_to_refund": (
        "Cet article a déjà été entièrement remboursé.",
        "This item has already been refunded in full.",
    ),
    "incidents.proposal.refused_by_arbitration": (
        "Refusée par la demande d'arbitrage",
        "Refused by the arbitration request",
    ),
    "incidents.error.no_pending_proposal": (
        "Aucune proposition n'attend votre réponse.",
        "No proposal is awaiting your answer.",
    ),
    "incidents.error.evidence_required": (
        "Joignez au moins une pièce justificative à votre demande d'arbitrage.",
        "Attach at least one piece of evidence to your arbitration request.",
    ),
    "incidents.error.no_arbitration": (
        "Aucun arbitrage n'est en cours sur cet incident.",
        "No arbitration is under way on this incident.",
    ),
    "incidents.error.statement_other_party": (
        "Seule l'autre partie peut ajouter sa version des faits.",
        "Only the other party may add a statement.",
    ),
    "incidents.error.statement_given": (
        "Votre version des faits a déjà été enregistrée.",
        "Your statement was already recorded.",
    ),
    "incidents.error.statement_too_late": (
        "Le délai pour ajouter votre version des faits est dépassé.",
        "The time to add your statement has passed.",
    ),
    # refusals: after closing
    "incidents.error.rate_after_close": (
        "Vous pourrez noter le traitement une fois l'incident clôturé.",
        "You can rate the handling once the incident is closed.",
    ),
    "incidents.error.rate_withdrawn": (
        "Vous avez retiré ce signalement : il n'y a pas de traitement à noter.",
        "You withdrew this report: there is no handling to rate.",
    ),
    "incidents.error.score": ("Choisissez une note de 1 à 5.", "Choose a score from 1 to 5."),
    "incidents.error.already_rated": ("Vous avez déjà noté cet incident.", "You already rated this incident."),
    "incidents.error.lesson_after_close": (
        "Les enseignements se rédigent une fois l'incident clôturé.",
        "Lessons learned are written once the incident is closed.",
    ),
    "incidents.error.root_cause": ("Cause première inconnue.", "Unknown root cause."),
    # evidence
    "customer.error.one_proof": ("Joignez une seule preuve de dépôt.", "Attach exactly one proof of drop-off."),
    "evidence.error.too_many": ("{max} fichiers au plus par message.", "At most {max} files per message."),
    "evidence.error.too_large": ("« {filename} » dépasse {max_mb} Mo.", "“{filename}” is larger than {max_mb} MB."),
    "evidence.error.empty": ("« {filename} » est vide.", "“{filename}” is empty."),
    "evidence.error.type": (
        "« {filename} » n'est ni une photo (JPEG, PNG, WebP) ni un PDF.",
        "“{filename}” is neither a photo (JPEG, PNG, WebP) nor a PDF.",
    ),
    "evidence.error.unreadable": (
        "« {filename} » est illisible ou endommagé.",
        "“{filename}” is unreadable or damaged.",
    ),
    "evidence.error.too_many_pixels": (
        "« {filename} » est une image trop grande ({megapixels} mégapixels au plus).",
        "“{filename}” is too large an image (at most {megapixels} megapixels).",
    ),
    "evidence.error.too_slow": (
        "« {filename} » demande trop de travail pour être vérifié : envoyez une image plus petite "
        "(une photo de téléphone convient) ou un PDF plus simple.",
        "“{filename}” takes too much work to check: send a smaller image (a phone photo is fine) or a simpler PDF.",
    ),
    "evidence.error.pdf_active": (
        "« {filename} » contient du contenu actif ({what}), refusé par sécurité : enregistrez-le de nouveau "
        "avec « Imprimer en PDF » ou envoyez une capture d'écran.",
        "“{filename}” contains active content ({what}), refused for safety: save it again with "
        "“Print to PDF” or send a screenshot.",
    ),
    "evidence.error.pdf_protected": (
        "« {filename} » est protégé par un mot de passe : envoyez une version sans protection.",
        "“{filename}” is password-protected: send a copy without protection.",
    ),
    "evidence.error.quota": (
        "Vous avez atteint la limite de {max_mb} Mo de pièces jointes sur 24 heures (il vous reste {left_mb} Mo) : "
        "envoyez des fichiers plus légers ou réessayez plus tard.",
        "You have reached the limit of {max_mb} MB of attachments over 24 hours ({left_mb} MB left): "
        "send lighter files or try again later.",
    ),
    # fulfilment
    "fulfilment.error.already_sent_back": (
        "Le renvoi de cet article est déjà déclaré.",
        "This item's return was already declared.",
    ),
    "fulfilment.error.already_received": (
        "Ce retour est déjà marqué comme reçu.",
        "This return is already marked as received.",
    ),
    "fulfilment.error.refund_date": (
        "Indiquez la date du remboursement : ni avant la commande, ni dans le futur.",
        "Give the refund's date: not before the order, not in the future.",
    ),
    "fulfilment.error.shipment_kind": ("Type d'envoi inconnu.", "Unknown shipment kind."),
    "fulfilment.error.outcome_recorded": (
        "Le résultat de cette enquête est déjà enregistré.",
        "This inquiry's outcome is already recorded.",
    ),
    "fulfilment.error.already_ticked": ("Cette étape est déjà cochée.", "This step is already ticked."),
    # the printed return label
    "fulfilment.label.title": ("Bordereau de retour prépayé", "Prepaid return label"),
    "fulfilment.label.incident": ("Incident", "Incident"),
    "fulfilment.label.carrier": ("Transporteur", "Carrier"),
    "fulfilment.label.tracking": ("N° de suivi", "Tracking number"),
    "fulfilment.label.from": ("Expéditeur", "From"),
    "fulfilment.label.to": ("Destinataire", "To"),
    "fulfilment.label.seller_pays": ("Frais de retour à la charge du vendeur", "Return postage paid by the seller"),
    # clocks and the ball
    "incidents.clock.response": ("Première réponse du vendeur", "Seller's first response"),
    "incidents.clock.resolution": ("Résolution", "Resolution"),
    "incidents.clock.customer_answer": ("Réponse du client à la proposition", "Customer's answer to the proposal"),
    "incidents.clock.arbitration_decision": ("Décision d'arbitrage", "Arbitration decision"),
    "incidents.clock.statement": ("Version des faits de l'autre partie", "Other party's statement"),
    "incidents.clock.return_label": ("Émettre le bordereau de retour", "Issue the return label"),
    "incidents.clock.replacement_shipment": ("Expédier l'article", "Ship the item"),
    "incidents.clock.refund": ("Rembourser", "Refund"),
    "incidents.clock.customer_return": ("Renvoyer l'article", "Send the item back"),
    "incidents.ball.seller": ("Au vendeur d'agir", "Seller's move"),
    "incidents.ball.customer": ("Au client d'agir", "Customer's move"),
    "incidents.ball.arbitrator": ("À l'arbitre de décider", "Arbitrator's move"),
    "incidents.ball.waiting_arbitrator": ("En attente d'un arbitre", "Waiting for an arbitrator"),
    "incidents.ball.none": ("Personne", "Nobody"),
    # lessons and outside exchanges
    "incidents.channel.phone": ("Téléphone", "Phone"),
    "incidents.channel.email": ("E-mail", "E-mail"),
    # timeline (IncidentEvent.kind)
    "incidents.event.opened": ("Incident ouvert", "Incident opened"),
    "incidents.event.first_viewed": ("Dossier consulté par le vendeur", "Case viewed by the seller"),
    "incidents.event.message": ("Message", "Message"),
    "incidents.event.internal_note": ("Note interne", "Internal note"),
    "incidents.event.assigned": ("Dossier attribué", "Case assigned"),
    "incidents.event.taken": ("Pris en charge par le service client", "Taken by customer service"),
    "incidents.event.released": ("Plus suivi par le service client", "Released by customer service"),
    "incidents.event.outside_exchange": ("Échange hors plateforme consigné", "Outside exchange recorded"),
    "incidents.event.proposed": ("Solution proposée", "Solution proposed"),
    "incidents.event.accepted": ("Proposition acceptée", "Proposal accepted"),
    "incidents.event.refused": ("Proposition refusée", "Proposal refused"),
    "incidents.event.withdrawn": ("Incident retiré par le client", "Incident withdrawn by the customer"),
    "incidents.event.arbitration_withdrawn": (
        "Demande d'arbitrage retirée par le client",
        "Arbitration request withdrawn by the customer",
    ),
    "incidents.event.help_requested": ("Aide du service client demandée", "Customer service help requested"),
    "incidents.event.arbitration_requested": ("Arbitrage demandé", "Arbitration requested"),
    "incidents.event.statement_added": ("Version des faits ajoutée", "Statement added"),
    "incidents.event.closed": ("Incident clôturé", "Incident closed"),
    "incidents.event.rated": ("Traitement noté", "Handling rated"),
    "incidents.event.lesson_added": ("Enseignement consigné", "Lesson recorded"),
    "incidents.event.checklist_ticked": ("Étape cochée", "Step ticked"),
    "incidents.event.checklist_auto_ticked": ("Étape cochée automatiquement", "Step ticked automatically"),
    "incidents.event.return_label_issued": ("Bordereau de retour émis", "Return label issued"),
    "incidents.event.return_sent_back": ("Article renvoyé par le client", "Item sent back by the customer"),
    "incidents.event.return_received": ("Retour reçu", "Return received"),
    "incidents.event.return_auto_received": ("Retour réputé reçu", "Return deemed received"),
    "incidents.event.return_missed": (
        "Article non renvoyé à temps : ce qui attendait le retour est annulé",
        "Item not sent back in time: what waited for the return is cancelled",
    ),
    "incidents.event.obligations_reopened": (
        "Retour arrivé en retard : les engagements du vendeur reprennent",
        "Return arrived late: the seller's obligations are back",
    ),
    "incidents.event.closed_return_not_sent": ("Clôturé : article non renvoyé", "Closed: item not sent back"),
    "incidents.event.refund_recorded": ("Remboursement effectué", "Refund made"),
    "incidents.event.replacement_shipped": ("Article expédié", "Item shipped"),
    "incidents.event.carrier_inquiry_opened": ("Enquête transporteur ouverte", "Carrier inquiry opened"),
    "incidents.event.carrier_inquiry_outcome": ("Résultat de l'enquête transporteur", "Carrier inquiry outcome"),
    "incidents.event.deadline_at_risk": ("Délai bientôt dépassé", "Deadline at risk"),
    "incidents.event.deadline_breached": ("Délai dépassé", "Deadline breached"),
    "incidents.event.flag_raised": ("Fiche produit signalée à l'équipe produit", "Listing flagged to the product team"),
    "incidents.event.flag_acknowledged": (
        "Signalement pris en compte par l'équipe produit",
        "Flag acknowledged by the product team",
    ),
    "incidents.event.flag_fixed": ("Fiche produit corrigée", "Listing fixed"),
    "incidents.event.flag_rejected": ("Signalement rejeté par l'équipe produit", "Flag rejected by the product team"),
    "incidents.event.customer_reminded": ("Rappel envoyé au client", "Reminder sent to the customer"),
    "incidents.event.closed_no_reply": ("Clôturé sans réponse du client", "Closed: no reply from the customer"),
    "incidents.event.auto_closed": ("Clôturé automatiquement", "Closed automatically"),
    # notifications (Notification.kind); every one may use {reference}
    "incidents.notif.opened": ("Nouvel incident {reference}", "New incident {reference}"),
    "incidents.notif.message": ("Nouveau message sur {reference}", "New message on {reference}"),
    "incidents.notif.proposed": (
        "Une solution vous est proposée sur {reference}",
        "A solution is proposed to you on {reference}",
    ),
    "incidents.notif.accepted": ("Proposition acceptée sur {reference}", "Proposal accepted on {reference}"),
    "incidents.notif.refused": ("Proposition refusée sur {reference}", "Proposal refused on {reference}"),
    "incidents.notif.withdrawn": (
        "Incident {reference} retiré par le client",
        "Incident {reference} withdrawn by the customer",
    ),
    "incidents.notif.arbitration_withdrawn": (
        "Demande d'arbitrage retirée sur {reference} : le dossier revient à l'état résolu",
        "Arbitration request withdrawn on {reference}: the case is back to resolved",
    ),
    "incidents.notif.help_requested": ("Aide demandée sur {reference}", "Help requested on {reference}"),
    "incidents.notif.arbitration_requested": (
        "Arbitrage demandé sur {reference}",
        "Arbitration requested on {reference}",
    ),
    "incidents.notif.statement_added": ("Version des faits ajoutée sur {reference}", "Statement added on {reference}"),
    "incidents.notif.closed": ("Incident {reference} clôturé", "Incident {reference} closed"),
    "incidents.notif.rated": ("Le client a noté {reference}", "The customer rated {reference}"),
    "incidents.notif.return_label_issued": (
        "Votre bordereau de retour pour {reference} est disponible",
        "Your return label for {reference} is available",
    ),
    "incidents.notif.return_sent_back": (
        "L'article de {reference} vous est renvoyé",
        "The item of {reference} is on its way back",
    ),
    "incidents.notif.return_received": ("Retour reçu sur {reference}", "Return received on {reference}"),
    "incidents.notif.return_auto_received": (
        "Retour réputé reçu sur {reference}",
        "Return deemed received on {reference}",
    ),
    "incidents.notif.return_missed": (
        "L'article de {reference} n'a pas été renvoyé à temps : ce qui attendait le retour est annulé et le dossier "
        "sera clôturé le {closes_at}, sauf si l'article arrive d'ici là",
        "The item of {reference} was not sent back in time: what waited for the return is cancelled and the case "
        "will close on {closes_at} unless the item arrives by then",
    ),
    "incidents.notif.closed_return_not_sent": (
        "Incident {reference} clôturé : l'article n'a pas été renvoyé",
        "Incident {reference} closed: the item was not sent back",
    ),
    "incidents.notif.refund_recorded": ("Remboursement effectué sur {reference}", "Refund made on {reference}"),
    "incidents.notif.replacement_shipped": (
        "Votre article pour {reference} est expédié",
        "Your item for {reference} has shipped",
    ),
    "incidents.notif.deadline_at_risk": ("Délai bientôt dépassé sur {reference}", "Deadline at risk on {reference}"),
    "incidents.notif.deadline_breached": ("Délai dépassé sur {reference}", "Deadline breached on {reference}"),
    "parcel.pending": ("En préparation", "Being prepared"),
    "parcel.shipped": ("Expédié", "Shipped"),
    "parcel.delivered": ("Livré", "Delivered"),
    "parcel.returned": ("Retourné à l'expéditeur", "Returned to sender"),
}
