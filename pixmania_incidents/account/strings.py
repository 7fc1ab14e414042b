"""Logging in, registering, one's account and password."""

STRINGS: dict[str, tuple[str, str]] = {
    "auth.login_title": ("Connexion", "Log in"),
    "auth.email": ("Adresse e-mail", "E-mail address"),
    "auth.password": ("Mot de passe", "Password"),
    "auth.submit_login": ("Se connecter", "Log in"),
    "auth.no_account": ("Pas encore de compte ?", "No account yet?"),
    "auth.register_link": ("Créer un compte client", "Create a customer account"),
    "auth.register_title": ("Créer un compte client", "Create a customer account"),
    "auth.name": ("Nom", "Name"),
    "auth.submit_register": ("Créer mon compte", "Create my account"),
    "auth.have_account": ("Déjà un compte ?", "Already have an account?"),
    "auth.password_rule": (
        "12 caractères minimum, dont au moins une lettre et un chiffre.",
        "At least 12 characters, including at least one letter and one digit.",
    ),
    "auth.account_title": ("Mon compte", "My account"),
    "auth.change_password": ("Changer de mot de passe", "Change password"),
    "auth.must_change": (
        "Votre mot de passe est temporaire : choisissez-en un nouveau pour continuer.",
        "Your password is temporary: choose a new one to continue.",
    ),
    "auth.current_password": ("Mot de passe actuel", "Current password"),
    "auth.new_password": ("Nouveau mot de passe", "New password"),
    "auth.confirm_password": ("Confirmer le nouveau mot de passe", "Confirm the new password"),
    "auth.submit_change": ("Enregistrer le mot de passe", "Save password"),
    "auth.password_changed": (
        "Mot de passe modifié. Vos autres sessions ont été fermées.",
        "Password changed. Your other sessions were closed.",
    ),
    "auth.continue": ("Continuer", "Continue"),
    "auth.session_ended": (
        "Votre session a pris fin (déconnexion, expiration ou changement de mot de passe). Connectez-vous à nouveau.",
        "Your session has ended (logout, expiry or a password change). Please log in again.",
    ),
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
}
