"""E-mail addresses: the one check for every address the desk will write to.

Why `email-validator` (maintained, RFC 5321/5322 aware) rather than a regular expression: a
pattern that accepts `a,b@exemple.fr` hands the mail sender two recipients. Addresses with
non-ASCII characters are refused with their own message: the outbox has no SMTPUTF8 path.
Registration, account creation by an administrator and the mail sender use it alike.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from pixmania_incidents.services.common import InvalidInput

MAX_LENGTH = 254


def check_address(email: str) -> str:
    """The address, trimmed and lower-cased, or `InvalidInput` with a message saying why."""
    email = (email or "").strip()
    if not email.isascii():
        raise InvalidInput("auth.error.email_international")
    if len(email) > MAX_LENGTH:
        raise InvalidInput("auth.error.email_invalid")
    try:
        checked = validate_email(email, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise InvalidInput("auth.error.email_invalid") from None
    return checked.normalized.lower()
