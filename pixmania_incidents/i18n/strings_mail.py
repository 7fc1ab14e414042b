"""E-mail, notification centre, deadline sweep and password reset strings."""

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
    "mail.notif.closed_no_reply": (
        "Incident {reference} clôturé : le client n'a pas répondu à la proposition dans les 5 jours ouvrables",
        "Incident {reference} closed: the customer did not answer the proposal within 5 business days",
    ),
    "mail.notif.auto_closed": (
        "Incident {reference} clôturé automatiquement 7 jours après la dernière obligation remplie",
        "Incident {reference} closed automatically 7 days after the last obligation was met",
    ),
    # the bell
    "mail.bell.title": ("Notifications", "Notifications"),
    "mail.bell.open": ("Ouvrir les notifications", "Open notifications"),
    "mail.bell.empty": ("Aucune notification pour l'instant.", "No notifications yet."),
    "mail.bell.mark_all": ("Tout marquer comme lu", "Mark all as read"),
    "mail.bell.mark_read": ("Marquer comme lu", "Mark as read"),
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
    "password.forgot_title": ("Mot de passe oublié", "Forgotten password"),
    "password.forgot_intro": (
        "Indiquez l'adresse e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.",
        "Enter your account's e-mail address: we will send you a link to choose a new password.",
    ),
    "password.forgot_link": ("Mot de passe oublié ?", "Forgot your password?"),
    "password.send_link": ("Envoyer le lien", "Send the link"),
    "password.link_sent": (
        "Si un compte existe pour cette adresse, un e-mail contenant un lien vient de lui être envoyé. "
        "Le lien est valable une heure et ne sert qu'une fois.",
        "If an account exists for this address, an e-mail with a link has just been sent to it. "
        "The link is valid for one hour and works only once.",
    ),
    "password.reset_title": ("Choisir un nouveau mot de passe", "Choose a new password"),
    "password.reset_submit": ("Enregistrer le nouveau mot de passe", "Save the new password"),
    "password.reset_done": (
        "Votre mot de passe a été changé. Vous pouvez vous connecter.",
        "Your password was changed. You can log in.",
    ),
    "password.mismatch": ("Les deux mots de passe ne sont pas identiques.", "The two passwords differ."),
    "password.back_to_login": ("Retour à la connexion", "Back to log in"),
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
