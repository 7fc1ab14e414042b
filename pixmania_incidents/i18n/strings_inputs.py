"""Refusals of `services.inputs`: text, amounts (dates are refused with each field's own key)."""

STRINGS: dict[str, tuple[str, str]] = {
    "inputs.error.text": ("Ce champ attend du texte.", "This field expects text."),
    "inputs.error.control_character": (
        "Ce texte contient un caractère de contrôle invisible (caractère nul ou autre) : retirez-le.",
        "This text contains an invisible control character (a null character or another one): remove it.",
    ),
    "inputs.error.required": ("Ce champ est obligatoire.", "This field is required."),
    "inputs.error.too_long": (
        "Ce texte est trop long ({max} caractères au plus).",
        "This text is too long (at most {max} characters).",
    ),
    "inputs.error.amount": (
        "Le montant doit être un nombre entier de centimes.",
        "The amount must be a whole number of cents.",
    ),
    "inputs.error.amount_positive": ("Le montant doit être supérieur à zéro.", "The amount must be greater than zero."),
    "inputs.error.amount_above_refundable": (
        "Le montant dépasse ce qui reste remboursable sur cet article ({refundable_cents} centimes).",
        "The amount exceeds what is left to refund on this item ({refundable_cents} cents).",
    ),
}
