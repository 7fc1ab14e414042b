"""What the account services say: login, registration and administration refusals."""

STRINGS: dict[str, tuple[str, str]] = {
    # errors
    "auth.error.invalid_credentials": (
        "Adresse e-mail ou mot de passe incorrect.",
        "Wrong e-mail address or password.",
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
    "auth.error.name_required": (
        "Indiquez votre nom (120 caractères au plus).",
        "Enter your name (120 characters at most).",
    ),
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
    "auth.error.retry_in": (
        "Trop de tentatives. Réessayez dans {seconds} secondes.",
        "Too many attempts. Try again in {seconds} seconds.",
    ),
    "auth.error.email_international": (
        "Les adresses e-mail avec accents ou caractères non latins ne sont pas acceptées : "
        "indiquez une adresse en lettres simples (exemple : prenom.nom@exemple.fr).",
        "E-mail addresses with accents or non-Latin characters are not accepted: "
        "use an address in plain letters (example: first.last@example.com).",
    ),
    "auth.error.registration_link_invalid": (
        "Ce lien de création de compte n'est plus valable (déjà utilisé ou expiré). "
        "Inscrivez-vous à nouveau, ou connectez-vous si votre compte existe.",
        "This account creation link is no longer valid (already used or expired). "
        "Register again, or log in if your account exists.",
    ),
    "auth.register_link_title": ("Lien expiré", "Expired link"),
    "auth.register_sent_title": ("Vérifiez votre boîte mail", "Check your mailbox"),
    "auth.register_sent": (
        "Nous avons envoyé un message à l'adresse indiquée. Ouvrez le lien qu'il contient pour terminer "
        "(valable 24 heures). Rien reçu ? Vérifiez l'adresse et vos courriers indésirables.",
        "We sent a message to the address you gave. Open the link it contains to finish "
        "(valid for 24 hours). Nothing arrived? Check the address and your spam folder.",
    ),
    "auth.register_mail_subject": (
        "[Pixmania] Terminez la création de votre compte",
        "[Pixmania] Finish creating your account",
    ),
    "auth.register_mail_body": (
        "Bonjour {name},\n\nPour terminer la création de votre compte client Pixmania, ouvrez ce lien "
        "(valable 24 heures, utilisable une seule fois) :\n{url}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : aucun compte ne sera créé.\n\n"
        "— Pixmania",
        "Hello {name},\n\nTo finish creating your Pixmania customer account, open this link "
        "(valid for 24 hours, usable once):\n{url}\n\n"
        "If you did not ask for this, ignore this message: no account will be created.\n\n"
        "— Pixmania",
    ),
    "auth.register_exists_subject": (
        "[Pixmania] Tentative de création de compte avec votre adresse",
        "[Pixmania] Someone tried to create an account with your address",
    ),
    "auth.register_exists_body": (
        "Bonjour {name},\n\nQuelqu'un a demandé à créer un compte Pixmania avec votre adresse e-mail, "
        "qui a déjà un compte. Aucun compte n'a été créé.\n\n"
        "Si c'était vous, connectez-vous : {login_url}\nMot de passe oublié ? {reset_url}\n\n"
        "Sinon, vous n'avez rien à faire.\n\n— Pixmania",
        "Hello {name},\n\nSomeone asked to create a Pixmania account with your e-mail address, "
        "which already has one. No account was created.\n\n"
        "If it was you, log in: {login_url}\nForgot your password? {reset_url}\n\n"
        "Otherwise there is nothing to do.\n\n— Pixmania",
    ),
    "auth.origin_refused_title": ("Adresse du service incorrecte", "Wrong service address"),
    "auth.origin_refused": (
        "Cette adresse n'est pas celle du service : le formulaire a été envoyé depuis une autre adresse. "
        "Ouvrez {url} et recommencez.",
        "This is not the service's address: the form was sent from another address. Open {url} and try again.",
    ),
    "auth.error.bad_origin": ("Requête refusée : origine inconnue.", "Request refused: unknown origin."),
    # administration
    "admin.attach_shop": ("Rattacher", "Attach"),
    "admin.error.shop_name_taken": ("Une boutique porte déjà ce nom.", "A shop with this name already exists."),
    "admin.error.calendar_kind": (
        "Calendrier inconnu : choisissez jours ouvrables ou jours ouvrés.",
        "Unknown calendar: choose jours ouvrables or jours ouvrés.",
    ),
    "admin.error.subdiv": (
        "Subdivision non prise en charge : aucune, 57 (Moselle) ou 6AE (Alsace).",
        "Unsupported subdivision: none, 57 (Moselle) or 6AE (Alsace).",
    ),
    "admin.error.closed_day": (
        "Date de fermeture invalide : {value} (format AAAA-MM-JJ).",
        "Invalid closed day: {value} (format YYYY-MM-DD).",
    ),
    "admin.error.closed_day_range": (
        "Date de fermeture hors de portée : {value} (deux ans à l'avance au plus).",
        "Closed day out of range: {value} (at most two years ahead).",
    ),
    "admin.error.hours": (
        "Horaires invalides : format HH:MM, début avant la fin.",
        "Invalid working hours: HH:MM, start before end.",
    ),
    "admin.error.role": (
        "Rôle invalide : vendeur, service client, arbitre, équipe produit ou administrateur.",
        "Invalid role: seller, customer service, arbitrator, product team or administrator.",
    ),
    "admin.error.seller_needs_shop": (
        "Un vendeur doit être rattaché à une boutique.",
        "A seller must belong to a shop.",
    ),
    "admin.error.not_seller": ("Seuls les vendeurs sont rattachés à une boutique.", "Only sellers belong to a shop."),
    "admin.error.self": (
        "Vous ne pouvez pas désactiver votre propre compte.",
        "You cannot deactivate your own account.",
    ),
}
