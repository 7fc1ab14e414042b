"""E-mail, notifications, the deadline sweep's automatic steps and password reset."""

STRINGS: dict[str, tuple[str, str]] = {
    # e-mail wrapper (every notification e-mail)
    "mail.subject": ("[Pixmania] {text}", "[Pixmania] {text}"),
    "mail.body": (
        "Bonjour {name},\n\n{text}\n\nPour voir le détail : {url}\n\n"
        "— Le service incidents de Pixmania\n"
        "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
        "Hello {name},\n\n{text}\n\nSee the details: {url}\n\n"
        "— Pixmania incident desk\n"
        "This message was sent automatically; please do not reply.",
    ),
    "mail.notif.generic": ("Du nouveau sur le dossier {reference}", "News on case {reference}"),
    # notifications of the sweep's automatic steps
    "mail.notif.customer_reminder": (
        "Rappel : une solution vous attend sur {reference}. Sans réponse avant le {due_at}, l'incident sera clôturé.",
        "Reminder: a solution awaits your answer on {reference}. Without an answer by {due_at}, the incident will close.",
    ),
    "mail.notif.return_reminder": (
        "Rappel : renvoyez l'article de {reference} avec le bordereau avant le {due_at}. Sans renvoi, ce que le "
        "vendeur devait faire à réception est annulé et le dossier sera clôturé 7 jours plus tard.",
        "Reminder: send the item of {reference} back with the label by {due_at}. Otherwise what the seller was to "
        "do on receipt is cancelled and the case will close 7 days later.",
    ),
    "mail.notif.closed_no_reply": (
        "Incident {reference} clôturé : le client n'a pas répondu à la proposition dans les 5 jours ouvrables",
        "Incident {reference} closed: the customer did not answer the proposal within 5 business days",
    ),
    "mail.notif.auto_closed": (
        "Incident {reference} clôturé automatiquement 7 jours après la dernière obligation remplie",
        "Incident {reference} closed automatically 7 days after the last obligation was met",
    ),
    # the bell
    "mail.bell.unread": ("non lues", "unread"),
    # support: addresses that refuse mail
    "mail.bounced.title": ("Adresses e-mail en échec", "Failing e-mail addresses"),
    "mail.bounced.since": ("refuse nos e-mails depuis le {when}", "has refused our e-mails since {when}"),
    # admins: mails given up for good (services.mail.failed_mails)
    "mail.failed.title": ("E-mails non distribués", "Undelivered e-mails"),
    "mail.failure.recipient_refused": (
        "Adresse refusée par le serveur de messagerie du destinataire",
        "Address refused by the recipient's mail server",
    ),
    "mail.failure.message_refused": (
        "Message refusé par le serveur de messagerie",
        "Message refused by the mail server",
    ),
    "mail.failure.bad_address": (
        "Adresse invalide : elle doit contenir une seule adresse, sans nom ni liste",
        "Invalid address: it must hold one address, with no name and no list",
    ),
    "mail.failure.needs_smtputf8": (
        "Adresse avec accents ou caractères non latins, que notre serveur d'envoi ne sait pas transmettre (SMTPUTF8)",
        "Address with accents or non-Latin characters, which our mail relay cannot pass on (SMTPUTF8)",
    ),
    "mail.failure.expired": (
        "Toujours différé par le serveur du destinataire après 3 jours d'essais",
        "Still deferred by the recipient's server after 3 days of attempts",
    ),
    # password reset
    "password.error.invalid_link": (
        "Ce lien n'est plus valable (déjà utilisé ou expiré). Demandez-en un nouveau.",
        "This link is no longer valid (already used or expired). Ask for a new one.",
    ),
    "password.mail_subject": ("[Pixmania] Réinitialisation de votre mot de passe", "[Pixmania] Reset your password"),
    "password.mail_body": (
        "Bonjour {name},\n\nVous avez demandé à changer votre mot de passe. Ouvrez ce lien pour en choisir un nouveau "
        "(valable une heure, utilisable une seule fois) :\n{url}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.\n\n"
        "— Pixmania",
        "Hello {name},\n\nYou asked to change your password. Open this link to choose a new one "
        "(valid for one hour, usable once):\n{url}\n\n"
        "If you did not ask for this, ignore this message: your password stays unchanged.\n\n"
        "— Pixmania",
    ),
}
