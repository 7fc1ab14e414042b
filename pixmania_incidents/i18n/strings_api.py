"""What the integrations say: API keys, the API's refusals, webhooks and intake."""

STRINGS: dict[str, tuple[str, str]] = {
    # API keys and requests
    "api.error.key_invalid": ("Clé d'API inconnue ou révoquée.", "Unknown or revoked API key."),
    "api.error.read_only_key": ("Cette clé d'API ne permet que la lecture.", "This API key may only read."),
    "api.error.shop_key_required": ("Il faut la clé d'API d'une boutique.", "A shop's API key is required."),
    "api.error.operator_key_required": ("Il faut la clé d'API de l'opérateur.", "The operator's API key is required."),
    "api.error.scope": ("Droits de clé inconnus.", "Unknown key rights."),
    "api.error.seller_required": (
        "Choisissez le vendeur (actif) au nom duquel la clé agira.",
        "Choose the (active) seller the key will act as.",
    ),
    "api.error.version_required": (
        "Indiquez la version du dossier sur laquelle porte l'action (en-tête If-Match ou champ version).",
        "Give the version of the case the action is made on (If-Match header or version field).",
    ),
    "api.error.bad_request": ("Requête invalide : {detail}", "Invalid request: {detail}"),
    "api.error.page_token": ("Jeton de page invalide.", "Invalid page token."),
    "api.error.not_found": ("Ressource introuvable.", "Resource not found."),
    "api.error.method": ("Méthode non permise.", "Method not allowed."),
    "api.error.server": ("Erreur interne : rien n'a été enregistré.", "Internal error: nothing was saved."),
    "api.error.too_large": ("Requête trop volumineuse.", "Request too large."),
    # webhooks
    "webhooks.error.url": ("Adresse de réception invalide (https://…).", "Invalid receiver address (https://…)."),
    "webhooks.error.https": ("L'adresse de réception doit être en https.", "The receiver address must use https."),
    "webhooks.error.private": (
        "L'adresse {host} mène à un réseau privé ou local : refusée.",
        "The address {host} leads to a private or local network: refused.",
    ),
    "webhooks.error.unresolved": ("Le nom {host} est introuvable.", "The name {host} cannot be found."),
    "webhooks.error.events": (
        "Choisissez au moins un événement parmi ceux proposés.",
        "Choose at least one of the events offered.",
    ),
    "notif.webhook_disabled": (
        "Webhook désactivé : {url} ne répond plus depuis 3 jours",
        "Webhook disabled: {url} has not answered for 3 days",
    ),
    # intake
    "intake.error.kind": ("Type d'enregistrement inconnu.", "Unknown record type."),
    "intake.error.field": ("Champ manquant ou invalide : {field}.", "Missing or invalid field: {field}."),
    "intake.error.unknown_ref": ("{kind} {id} inconnu : envoyez-le d'abord.", "Unknown {kind} {id}: send it first."),
    "intake.error.email_taken": (
        "L'adresse {email} appartient à un compte qui n'est pas un client.",
        "The address {email} belongs to an account that is not a customer's.",
    ),
    "intake.error.desk_owned": (
        "La ligne a des incidents : son montant n'est plus modifiable.",
        "The line has incidents: its amount can no longer change.",
    ),
    "intake.error.too_many": ("Au plus {max} enregistrements par appel.", "At most {max} records per call."),
    "intake.error.operator": (
        "Nommez l'administrateur actif au nom duquel importer (--as EMAIL).",
        "Name the active administrator to import as (--as EMAIL).",
    ),
    "intake.error.json": ("Ligne illisible (JSON attendu).", "Unreadable line (JSON expected)."),
    "intake.invite_subject": ("Votre espace incidents Pixmania", "Your Pixmania incident desk"),
    "intake.invite_body": (
        "Bonjour {name},\n\nVotre commande Pixmania vous donne accès à l'espace incidents, où vous pouvez "
        "signaler un problème et suivre sa résolution avec le vendeur.\n\nChoisissez votre mot de passe "
        "(lien à usage unique, valable {days} jours) :\n{url}\n\nL'équipe Pixmania",
        "Hello {name},\n\nYour Pixmania order gives you access to the incident desk, where you can report a "
        "problem and follow its resolution with the seller.\n\nChoose your password (single-use link, valid "
        "for {days} days):\n{url}\n\nThe Pixmania team",
    ),
    # the Intégrations page (sellers and admins)
    "nav.integrations": ("Intégrations", "Integrations"),
    "integrations.title": ("Intégrations", "Integrations"),
    "integrations.intro": (
        "Votre logiciel de gestion travaille les dossiers par l'API et reçoit les événements par webhook, "
        "comme s'il utilisait le tableau et la page du dossier.",
        "Your back office works cases through the API and receives events by webhook, as if it used the "
        "board and the case page.",
    ),
    "integrations.docs": ("Documentation de l'API", "API documentation"),
    "integrations.keys": ("Clés d'API", "API keys"),
    "integrations.keys_intro": (
        "Une clé agit au nom de son vendeur, sur les dossiers de sa boutique. Elle n'est montrée qu'une fois.",
        "A key acts as its seller, on the shop's cases. It is shown only once.",
    ),
    "integrations.key_name": ("Nom de la clé", "Key name"),
    "integrations.scope": ("Droits", "Rights"),
    "integrations.scope_read": ("Lecture", "Read"),
    "integrations.scope_write": ("Lecture et écriture", "Read and write"),
    "integrations.scope_operator": (
        "Opérateur (lecture de tout, intégration des commandes)",
        "Operator (reads everything, order intake)",
    ),
    "integrations.seller": ("Au nom du vendeur (clé de boutique)", "As the seller (shop key)"),
    "integrations.seller_none": ("—", "—"),
    "integrations.create_key": ("Créer la clé", "Create the key"),
    "integrations.key_once": (
        "Voici la clé : copiez-la maintenant, elle ne sera plus jamais affichée.",
        "Here is the key: copy it now, it will never be shown again.",
    ),
    "integrations.secret_once": (
        "Voici le secret de signature : copiez-le maintenant, il ne sera plus affiché.",
        "Here is the signing secret: copy it now, it will not be shown again.",
    ),
    "integrations.copied": ("C'est noté", "Done"),
    "integrations.col_key": ("Clé", "Key"),
    "integrations.col_owner": ("Boutique, vendeur", "Shop, seller"),
    "integrations.col_created": ("Créée le", "Created"),
    "integrations.col_used": ("Dernière utilisation", "Last used"),
    "integrations.col_actions": ("Actions", "Actions"),
    "integrations.col_state": ("État", "State"),
    "integrations.col_event": ("Événement", "Event"),
    "integrations.col_attempts": ("Tentatives", "Attempts"),
    "integrations.never": ("jamais", "never"),
    "integrations.revoke": ("Révoquer", "Revoke"),
    "integrations.revoked": ("Révoquée", "Revoked"),
    "integrations.webhooks": ("Webhooks", "Webhooks"),
    "integrations.webhooks_intro": (
        "Les événements choisis sont envoyés, signés (Standard Webhooks), à l'adresse https indiquée ; "
        "en cas d'échec, ils sont renvoyés pendant 3 jours.",
        "The chosen events are sent, signed (Standard Webhooks), to the https address given; on failure "
        "they are retried for 3 days.",
    ),
    "integrations.url": ("Adresse de réception", "Receiver address"),
    "integrations.create_webhook": ("Ajouter le webhook", "Add the webhook"),
    "integrations.on": ("Actif", "On"),
    "integrations.off": ("Désactivé", "Off"),
    "integrations.failing_since": ("En échec depuis", "Failing since"),
    "integrations.deliveries": ("Envois", "Deliveries"),
    "integrations.turn_off": ("Désactiver", "Turn off"),
    "integrations.turn_on": ("Réactiver", "Turn on"),
    "integrations.rotate": ("Nouveau secret", "New secret"),
    "integrations.delete": ("Supprimer", "Delete"),
    "integrations.resend": ("Renvoyer", "Resend"),
    "integrations.status_delivered": ("Reçu", "Delivered"),
    "integrations.status_pending": ("En attente", "Pending"),
    "integrations.status_failed": ("Abandonné", "Given up"),
}
