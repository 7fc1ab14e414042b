"""What every screen says when something fails that no service refused: an unexpected server
error, a lost connection, a page that cannot load, a draft not sent, files to attach again."""

STRINGS: dict[str, tuple[str, str]] = {
    # an unexpected server error (shell/failure.py): what failed, whether anything was saved, a reference
    "reliability.what.load": ("Le chargement de la page", "Loading the page"),
    "reliability.what.view": ("La mise à jour de la page", "Updating the page"),
    "reliability.what.post_message": ("L'envoi de votre message", "Sending your message"),
    "reliability.what.open_incident": ("L'envoi de votre signalement", "Sending your report"),
    "reliability.what.action": ("Votre dernière action", "Your last action"),
    "reliability.failed_nothing_saved": (
        "{what} a échoué à cause d'une erreur du serveur : rien n'a été enregistré. Ce que vous avez saisi est "
        "conservé ; réessayez dans un instant.",
        "{what} failed because of a server error: nothing was saved. What you typed is kept; try again in a moment.",
    ),
    "reliability.failed_after_saving": (
        "{what} a bien été enregistré, mais une erreur du serveur a empêché d'afficher la suite. La page se mettra "
        "à jour d'elle-même ; ne recommencez pas.",
        "{what} was saved, but a server error stopped the page from showing what followed. The page will update "
        "by itself; do not do it again.",
    ),
    "reliability.unavailable": (
        "Le service est momentanément indisponible : ces informations n'ont pas pu être lues (référence {reference}).",
        "The service is unavailable for the moment: this could not be read (reference {reference}).",
    ),
    "reliability.reference_label": ("Référence de l'erreur :", "Error reference:"),
    "reliability.close": ("Fermer", "Close"),
    # a page whose loading failed (shell/failure.loading)
    "reliability.page_failed": (
        "Cette page n'a pas pu se charger : le service est momentanément indisponible ou surchargé. Nouvel essai "
        "automatique toutes les quelques secondes…",
        "This page could not load: the service is unavailable or overloaded for the moment. It tries again by "
        "itself every few seconds…",
    ),
    "reliability.retry_now": ("Réessayer maintenant", "Try again now"),
    # the websocket dropped (shell/connection.py)
    "reliability.offline": (
        "Connexion au serveur perdue. Reconnexion en cours… Ce que vous tapez reste dans la page ; rien ne sera "
        "envoyé avant le retour de la connexion.",
        "Connection to the server lost. Reconnecting… What you type stays on the page; nothing is sent until the "
        "connection is back.",
    ),
    # drafts (shell/drafts.py)
    "reliability.not_sent": ("non envoyé — réessayer", "not sent — retry"),
    "reliability.files_lost": (
        "Pièces jointes non envoyées, à joindre à nouveau :",
        "Attachments not sent, attach them again:",
    ),
    # file pickers (shell/forms.py)
    "reliability.remove_file": ("Retirer", "Remove"),
    "reliability.file_rejected": (
        "Fichier refusé : photos (JPEG, PNG, WebP) ou PDF, {mb} Mo au plus chacun, {files} fichiers au plus.",
        "File refused: photos (JPEG, PNG, WebP) or PDF, {mb} MB at most each, {files} files at most.",
    ),
}
