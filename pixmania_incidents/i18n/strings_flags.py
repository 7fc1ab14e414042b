"""Listing-correction flags: reasons, statuses, refusals and notifications."""

STRINGS: dict[str, tuple[str, str]] = {
    # reasons
    "flags.reason.description": ("Description erronée", "Wrong description"),
    "flags.reason.photos": ("Photos trompeuses", "Misleading photos"),
    "flags.reason.specifications": ("Caractéristiques techniques erronées", "Wrong specifications"),
    "flags.reason.price": ("Prix ou conditions erronés", "Wrong price or terms"),
    "flags.reason.wrong_reference": ("Mauvaise référence produit associée", "Wrong product reference"),
    "flags.reason.other": ("Autre", "Other"),
    # statuses
    "flags.status.raised": ("Signalée", "Raised"),
    "flags.status.acknowledged": ("Prise en compte", "Acknowledged"),
    "flags.status.fixed": ("Corrigée", "Fixed"),
    "flags.status.rejected": ("Rejetée", "Rejected"),
    "flags.status.open": ("À traiter", "To handle"),
    "flags.status.all": ("Toutes", "All"),
    # errors
    "flags.error.reason": ("Choisissez un motif.", "Choose a reason."),
    "flags.error.duplicate": (
        "Un signalement ouvert existe déjà pour ce motif sur cet incident.",
        "An open flag with this reason already exists on this incident.",
    ),
    "flags.error.already_handled": (
        "Ce signalement a déjà été traité entre-temps (statut : {status}).",
        "This flag was already handled meanwhile (status: {status}).",
    ),
    "flags.error.unknown_status": ("Filtre inconnu.", "Unknown filter."),
    # notifications
    "flags.notif.flag_raised": (
        "Fiche « {listing} » signalée à l'équipe produit ({reason}) depuis {reference}",
        "Listing “{listing}” flagged to the product team ({reason}) from {reference}",
    ),
    "flags.notif.flag_acknowledged": (
        "Votre signalement de la fiche « {listing} » est pris en compte ({reference})",
        "Your flag on listing “{listing}” was acknowledged ({reference})",
    ),
    "flags.notif.flag_fixed": (
        "Fiche « {listing} » corrigée : {note} ({reference})",
        "Listing “{listing}” fixed: {note} ({reference})",
    ),
    "flags.notif.flag_rejected": (
        "Signalement de la fiche « {listing} » rejeté : {note} ({reference})",
        "Flag on listing “{listing}” rejected: {note} ({reference})",
    ),
    # inbox page
    "flags.incident": ("Incident", "Incident"),
    "flags.raised_at": ("le", "on"),
    "flags.handled_by": ("Traité par", "Handled by"),
    "flags.note": ("Note", "Note"),
    "flags.view_case": ("Voir le dossier (lecture seule)", "See the case (read-only)"),
    # listing page
    "flags.listing_title": ("Fiche produit", "Listing"),
    # raise form (seller / support panels) and the product panel
    "flags.raise_title": ("Signaler la fiche à l'équipe produit", "Flag the listing to the product team"),
    "flags.raise_hint": (
        "Si la fiche produit doit être corrigée (description, photos, caractéristiques), expliquez ce qui ne va pas.",
        "If the listing needs a correction (description, photos, specifications), explain what is wrong.",
    ),
    "flags.reason": ("Motif", "Reason"),
    "flags.submit": ("Envoyer le signalement", "Send the flag"),
    "flags.raised_ok": ("Signalement envoyé à l'équipe produit.", "Flag sent to the product team."),
}
