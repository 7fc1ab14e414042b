"""What the account services say: login, registration and administration refusals."""

STRINGS: dict[str, tuple[str, str]] = {
    # errors
    "auth.error.invalid_credentials": ("Adresse e-mail ou mot de passe incorrect.", "Wrong e-mail address or password."),
    "auth.error.throttled": (
        "Trop de tentatives. Réessayez dans {minutes} minutes.",
        "Too many attempts. Try again in {minutes} minutes.",
    ),
    "auth.error.email_taken": (
        "Un compte existe déjà avec cette adresse e-mail.",
        "An account already exists with this e-mail address.",
    ),
    "auth.error.email_invalid": (
        "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr).",
        "Invalid e-mail address (example: first.last@example.com).",
    ),
    "auth.error.weak_password": (
        "Mot de passe trop faible : 12 caractères minimum, dont au moins une lettre et un chiffre.",
        "Password too weak: at least 12 characters, including at least one letter and one digit.",
    ),
    "auth.error.password_too_long": (
        "Le mot de passe ne peut pas dépasser {max} caractères.",
        "The password cannot be longer than {max} characters.",
    ),
    "auth.error.name_required": ("Indiquez votre nom (120 caractères au plus).", "Enter your name (120 characters at most)."),
    "auth.error.wrong_current_password": ("Le mot de passe actuel est incorrect.", "The current password is wrong."),
    "auth.error.same_password": (
        "Le nouveau mot de passe doit être différent de l'actuel.",
        "The new password must differ from the current one.",
    ),
    "auth.error.password_mismatch": (
        "Les deux nouveaux mots de passe ne sont pas identiques.",
        "The two new passwords do not match.",
    ),
    "auth.error.password_change_required": (
        "Changez d'abord votre mot de passe temporaire.",
        "Change your temporary password first.",
    ),
    "auth.error.bad_origin": ("Requête refusée : origine inconnue.", "Request refused: unknown origin."),
    # administration
    "admin.attach_shop": ("Rattacher", "Attach"),
    "admin.error.shop_name": ("Indiquez un nom de boutique (120 caractères au plus).", "Enter a shop name (120 characters at most)."),
    "admin.error.shop_name_taken": ("Une boutique porte déjà ce nom.", "A shop with this name already exists."),
    "admin.error.calendar_kind": (
        "Calendrier inconnu : choisissez jours ouvrables ou jours ouvrés.",
        "Unknown calendar: choose jours ouvrables or jours ouvrés.",
    ),
    "admin.error.subdiv": (
        "Subdivision non prise en charge : aucune, 57 (Moselle) ou 6AE (Alsace).",
        "Unsupported subdivision: none, 57 (Moselle) or 6AE (Alsace).",
    ),
    "admin.error.closed_day": ("Date de fermeture invalide : {value} (format AAAA-MM-JJ).", "Invalid closed day: {value} (format YYYY-MM-DD)."),
    "admin.error.hours": (
        "Horaires invalides : format HH:MM, début avant la fin.",
        "Invalid working hours: HH:MM, start before end.",
    ),
    "admin.error.role": (
        "Rôle invalide : vendeur, service client, arbitre, équipe produit ou administrateur.",
        "Invalid role: seller, customer service, arbitrator, product team or administrator.",
    ),
    "admin.error.seller_needs_shop": ("Un vendeur doit être rattaché à une boutique.", "A seller must belong to a shop."),
    "admin.error.not_seller": ("Seuls les vendeurs sont rattachés à une boutique.", "Only sellers belong to a shop."),
    "admin.error.self": ("Vous ne pouvez pas désactiver votre propre compte.", "You cannot deactivate your own account."),
}
