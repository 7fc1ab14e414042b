"""Password reset by e-mail: one use, one hour, and no way to learn who has an account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from pixmania_incidents.models import LoginSession, MailOutbox, PasswordReset, User
from pixmania_incidents.services import auth
from pixmania_incidents.services import password_reset as pr
from pixmania_incidents.services.common import InvalidInput

NEW = "nouveau-Secret-2026"


def link_token(world) -> str:
    body = world.db.exec(select(MailOutbox.body).order_by(MailOutbox.id.desc())).first()
    return re.search(r"/password/reset/(\S+)", body).group(1)


def test_the_link_arrives_by_mail_and_sets_the_password(world):
    pr.request_reset(world.db, "  Camille@Example.com ")
    mail = world.db.exec(select(MailOutbox)).one()
    assert mail.to_addr == "camille@example.com" and "Réinitialisation" in mail.subject
    token = link_token(world)
    stored = world.db.exec(select(PasswordReset)).one()
    assert stored.token_hash != token and stored.token_hash == auth.hash_token(token)  # only the hash is kept
    assert pr.link_is_valid(world.db, token)
    pr.reset_password(world.db, token, NEW)
    user = world.db.get(User, world.users["camille"].id)
    assert auth.pwd_context.verify(NEW, user.password_hash)


def test_same_silence_for_an_unknown_or_inactive_address(world):
    assert pr.request_reset(world.db, "personne@example.com") is None
    paul = world.users["paul"]
    paul.active = False
    world.db.add(paul)
    assert pr.request_reset(world.db, "paul@example.com") is None
    assert pr.request_reset(world.db, "camille@example.com") is None  # the known one answers the same
    assert [m.to_addr for m in world.db.exec(select(MailOutbox)).all()] == ["camille@example.com"]


def test_single_use(world):
    pr.request_reset(world.db, "camille@example.com")
    token = link_token(world)
    pr.reset_password(world.db, token, NEW)
    assert not pr.link_is_valid(world.db, token)
    with pytest.raises(InvalidInput) as err:
        pr.reset_password(world.db, token, "encore-un-autre-2026")
    assert err.value.code == "password.error.invalid_link"


def test_expires_after_an_hour(world, clock):
    pr.request_reset(world.db, "camille@example.com")
    token = link_token(world)
    clock.advance(minutes=59)
    assert pr.link_is_valid(world.db, token)
    clock.advance(minutes=1)
    with pytest.raises(InvalidInput):
        pr.reset_password(world.db, token, NEW)


def test_the_password_rule_applies_and_a_weak_password_keeps_the_link(world):
    pr.request_reset(world.db, "camille@example.com")
    token = link_token(world)
    with pytest.raises(InvalidInput) as err:
        pr.reset_password(world.db, token, "court1")
    assert err.value.code == "auth.error.weak_password"
    pr.reset_password(world.db, token, NEW)


def test_a_reset_spends_every_other_link_and_ends_open_sessions(world, clock):
    camille = world.users["camille"]
    world.db.add(LoginSession(user_id=camille.id, token_hash="x" * 64, expires_at=clock.at + timedelta(hours=1)))
    pr.request_reset(world.db, "camille@example.com")
    first = link_token(world)
    pr.request_reset(world.db, "camille@example.com")
    second = link_token(world)
    pr.reset_password(world.db, second, NEW)
    assert not pr.link_is_valid(world.db, first)
    assert all(s.revoked_at is not None for s in world.db.exec(select(LoginSession)).all())


def test_links_are_throttled_per_account_and_per_sender_silently(world, clock):
    def mails() -> int:
        return len(world.db.exec(select(MailOutbox)).all())

    for _ in range(5):
        assert pr.request_reset(world.db, "camille@example.com", "203.0.113.1") is None
    assert mails() == 3  # three free, then a growing wait, and still the same silence
    clock.advance(minutes=5)
    pr.request_reset(world.db, "camille@example.com", "203.0.113.1")
    assert mails() == 4
    for i in range(10):  # one sender asking for many addresses
        pr.request_reset(world.db, f"someone{i}@example.com", "198.51.100.3")
    pr.request_reset(world.db, "paul@example.com", "198.51.100.3")
    assert mails() == 4
    pr.request_reset(world.db, "paul@example.com", "198.51.100.4")
    assert mails() == 5


def test_a_forged_token_is_refused(world):
    assert not pr.link_is_valid(world.db, "forged")
    with pytest.raises(InvalidInput):
        pr.reset_password(world.db, "", NEW)
