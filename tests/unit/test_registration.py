"""Registration: the same answer whether or not the address has an account, confirmed by mail,
throttled; one address check shared with administrators' account creation."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from pixmania_incidents.i18n import tr
from pixmania_incidents.models import MailOutbox, PendingRegistration, Role, User
from pixmania_incidents.services import admin, auth, registration
from pixmania_incidents.services.addresses import check_address
from pixmania_incidents.services.common import InvalidInput, ServiceError

PASSWORD = "un mot de passe 2026"
WEAK = "Mot de passe trop faible : 12 caractères minimum, dont au moins une lettre et un chiffre."


def _mails(db) -> list[MailOutbox]:
    return list(db.exec(select(MailOutbox).order_by(MailOutbox.id)).all())


def _link(mail: MailOutbox) -> str:
    return re.search(registration.CONFIRM_PATH + r"(\S+)", mail.body).group(1)


def test_a_new_customer_confirms_by_mail_and_can_log_in(db, clock):
    assert registration.register_customer(db, " Léa Petit ", "Lea.Petit@Example.fr", PASSWORD, "192.0.2.1") is None
    assert db.exec(select(User).where(User.email == "lea.petit@example.fr")).first() is None  # not before the link
    mail = _mails(db)[-1]
    assert mail.to_addr == "lea.petit@example.fr" and "Terminez la création" in mail.subject
    token = _link(mail)
    assert token not in db.exec(select(PendingRegistration.token_hash)).one()  # only its hash is stored
    actor = registration.confirm(db, token)
    assert (actor.role, actor.name, actor.email) == (Role.customer, "Léa Petit", "lea.petit@example.fr")
    raw, _ = auth.login(db, "lea.petit@example.fr", PASSWORD)
    assert auth.home_for(auth.actor_for_token(db, raw).role) == "/orders"
    with pytest.raises(InvalidInput) as exc:
        registration.confirm(db, token)  # once
    assert exc.value.code == "auth.error.registration_link_invalid"


def test_an_existing_address_answers_the_same_and_its_owner_is_told(db, world):
    before = db.get(User, world.users["camille"].id).password_hash
    assert registration.register_customer(db, "Intrus", "CAMILLE@example.com", PASSWORD, "203.0.113.7") is None
    mail = _mails(db)[-1]
    assert mail.to_addr == "camille@example.com"
    assert "Tentative de création de compte" in mail.subject and "Aucun compte n'a été créé" in mail.body
    assert registration.CONFIRM_PATH not in mail.body
    assert db.get(User, world.users["camille"].id).password_hash == before
    assert db.exec(select(PendingRegistration)).first() is None


def test_links_expire_after_a_day(db, clock):
    registration.register_customer(db, "Léa", "lea@example.fr", PASSWORD)
    clock.advance(hours=24, seconds=1)
    with pytest.raises(InvalidInput):
        registration.confirm(db, _link(_mails(db)[-1]))
    with pytest.raises(InvalidInput):
        registration.confirm(db, "forged")


def test_registrations_are_throttled_per_sender(db, clock):
    for i in range(10):
        registration.register_customer(db, "Robot", f"robot{i}@example.fr", PASSWORD, "203.0.113.8")
    with pytest.raises(ServiceError) as exc:
        registration.register_customer(db, "Robot", "robot99@example.fr", PASSWORD, "203.0.113.8")
    assert tr(exc.value.code, **exc.value.params) == "Trop de tentatives. Réessayez dans 60 secondes."
    registration.register_customer(db, "Léa", "lea@example.fr", PASSWORD, "192.0.2.44")  # others are not affected


@pytest.mark.parametrize(
    "name,email,password,message",
    [
        ("Léa", "lea@example.fr", "court1", WEAK),
        ("Léa", "lea@example.fr", "seulementdeslettres", WEAK),
        ("Léa", "lea@example", PASSWORD, "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr)."),
        ("Léa", "lea example.fr", PASSWORD, "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr)."),
        ("Léa", "a,b@exemple.fr", PASSWORD, "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr)."),
        ("Léa", "josé@exemple.fr", PASSWORD, tr("auth.error.email_international")),
        ("", "lea@example.fr", PASSWORD, "Indiquez votre nom (120 caractères au plus)."),
    ],
)
def test_registration_refusals_show_exact_messages(db, world, name, email, password, message):
    with pytest.raises(InvalidInput) as exc:
        registration.register_customer(db, name, email, password)
    assert tr(exc.value.code, **exc.value.params) == message
    assert _mails(db) == []


def test_international_addresses_are_refused_with_their_own_message():
    assert tr("auth.error.email_international").startswith("Les adresses e-mail avec accents")
    with pytest.raises(InvalidInput) as exc:
        check_address("josé@exemple.fr")
    assert exc.value.code == "auth.error.email_international"


def test_administrators_create_accounts_through_the_same_check(db, world):
    with pytest.raises(InvalidInput) as exc:
        admin.create_account(db, world.actor("admin"), "Sophie", "a,b@exemple.fr", Role.support)
    assert exc.value.code == "auth.error.email_invalid"
    account, _ = admin.create_account(db, world.actor("admin"), "Sophie", " Sophie.B@Exemple.FR ", Role.support)
    assert account.email == "sophie.b@exemple.fr"


def test_passphrases_up_to_the_cap_are_accepted(db, clock):
    registration.register_customer(db, "Long", "long@example.fr", "a1" * 512)  # 1024 characters
    with pytest.raises(InvalidInput) as exc:
        registration.register_customer(db, "Longer", "longer@example.fr", "a1" * 512 + "x")
    assert tr(exc.value.code, **exc.value.params) == "Le mot de passe ne peut pas dépasser 1024 caractères."
