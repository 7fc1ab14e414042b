"""Passwords, sessions, throttling and registration, as a user meets them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from passlib.context import CryptContext
from sqlmodel import select

from pixmania_incidents import settings
from pixmania_incidents.i18n import tr
from pixmania_incidents.models import LoginAttempt, LoginSession, Role, User
from pixmania_incidents.services import admin, auth
from pixmania_incidents.services.common import InvalidInput, ServiceError

GOOD = "correct horse 42 battery"


def _with_password(db, user: User, password: str = GOOD, **fields) -> User:
    user.password_hash = auth.hash_password(password)
    for key, value in fields.items():
        setattr(user, key, value)
    db.add(user)
    db.flush()
    return user


def _message(exc: pytest.ExceptionInfo[ServiceError], locale: str = "fr") -> str:
    return tr(exc.value.code, locale, **exc.value.params)


@pytest.fixture
def camille(world, db):
    return _with_password(db, world.users["camille"])


# --- hashing -----------------------------------------------------------------------------


def test_hashes_are_argon2id_with_owasp_parameters():
    hashed = auth.hash_password(GOOD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert GOOD not in hashed


def test_weak_hash_is_upgraded_at_next_login(db, camille):
    weak = CryptContext(schemes=["argon2"], argon2__memory_cost=8192, argon2__time_cost=1, argon2__parallelism=1)
    camille.password_hash = weak.hash(GOOD)
    db.add(camille)
    db.flush()
    auth.login(db, camille.email, GOOD, "10.0.0.1")
    db.refresh(camille)
    assert camille.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    auth.login(db, camille.email, GOOD, "10.0.0.1")  # still the same password


def test_long_passwords_are_not_truncated(db, camille):
    long_password = "a1" * 49 + "xy"  # 100 characters
    _with_password(db, camille, long_password)
    auth.login(db, camille.email, long_password)
    with pytest.raises(ServiceError) as exc:
        auth.login(db, camille.email, long_password[:-1] + "z")
    assert _message(exc) == "Adresse e-mail ou mot de passe incorrect."


# --- login and sessions ------------------------------------------------------------------


def test_login_gives_a_fresh_random_token_stored_only_as_a_hash(db, camille):
    raw1, actor = auth.login(db, "  Camille@Example.com ", GOOD, "10.0.0.1", "Firefox")
    raw2, _ = auth.login(db, camille.email, GOOD, "10.0.0.1", "Firefox")
    assert actor.id == camille.id and actor.role == Role.customer
    assert raw1 != raw2 and len(raw1) >= 43  # 32 random bytes
    stored = db.exec(select(LoginSession.token_hash).where(LoginSession.user_id == camille.id)).all()
    assert raw1 not in stored and auth.hash_token(raw1) in stored
    assert auth.actor_for_token(db, raw1).id == camille.id
    assert auth.actor_for_token(db, "forged-token") is None
    assert auth.actor_for_token(db, None) is None


@pytest.mark.parametrize(
    "email,password",
    [
        ("camille@example.com", "wrong password 1"),
        ("nobody@example.com", GOOD),
    ],
)
def test_failure_does_not_say_which_part_was_wrong(db, camille, email, password):
    with pytest.raises(ServiceError) as exc:
        auth.login(db, email, password)
    assert _message(exc) == "Adresse e-mail ou mot de passe incorrect."
    assert _message(exc, "en") == "Wrong e-mail address or password."


def test_session_expires(db, camille, clock):
    raw, _ = auth.login(db, camille.email, GOOD)
    clock.advance(hours=settings.SESSION_HOURS - 0.01)
    assert auth.actor_for_token(db, raw) is not None
    clock.advance(hours=0.02)
    assert auth.actor_for_token(db, raw) is None


def test_logout_ends_the_session_on_every_device(db, camille, world):
    laptop, _ = auth.login(db, camille.email, GOOD, "10.0.0.1")
    phone, _ = auth.login(db, camille.email, GOOD, "10.0.0.2")
    paul = _with_password(db, world.users["paul"])
    other, _ = auth.login(db, paul.email, GOOD)
    auth.logout(db, laptop)
    assert auth.actor_for_token(db, laptop) is None
    assert auth.actor_for_token(db, phone) is None
    assert auth.actor_for_token(db, other) is not None  # someone else stays logged in


def test_deactivated_account_is_logged_out_and_cannot_log_in(db, world, camille):
    raw, _ = auth.login(db, camille.email, GOOD)
    admin.set_active(db, world.actor("admin"), camille.id, False)
    assert auth.actor_for_token(db, raw) is None
    with pytest.raises(ServiceError) as exc:
        auth.login(db, camille.email, GOOD)
    assert _message(exc) == "Adresse e-mail ou mot de passe incorrect."


def test_temporary_password_must_be_changed_before_anything_else(db, world):
    seller = world.users["seller_tech"]
    old, _ = auth.login(db, _with_password(db, seller).email, GOOD)
    temporary = admin.set_temporary_password(db, world.actor("admin"), seller.id)
    assert auth.actor_for_token(db, old) is None  # sessions ended at once
    with pytest.raises(ServiceError):
        auth.login(db, seller.email, GOOD)  # the old password no longer works
    raw, actor = auth.login(db, seller.email, temporary)
    identity = auth.identify(db, raw)
    assert identity.must_change_password
    assert auth.home_for(actor.role, identity.must_change_password) == "/account"
    auth.change_password(db, actor, temporary, "nouveau mot de passe 7", keep_token=raw)
    identity = auth.identify(db, raw)
    assert identity is not None and not identity.must_change_password
    assert auth.home_for(actor.role, identity.must_change_password) == "/board"
    auth.login(db, seller.email, "nouveau mot de passe 7")


def test_change_password_checks_current_and_rule_and_ends_other_sessions(db, camille):
    here, actor = auth.login(db, camille.email, GOOD)
    elsewhere, _ = auth.login(db, camille.email, GOOD)
    with pytest.raises(InvalidInput) as exc:
        auth.change_password(db, actor, "not my password", "another good one 9")
    assert _message(exc) == "Le mot de passe actuel est incorrect."
    with pytest.raises(InvalidInput) as exc:
        auth.change_password(db, actor, GOOD, "short1")
    assert exc.value.code == "auth.error.weak_password"
    auth.change_password(db, actor, GOOD, "another good one 9", keep_token=here)
    assert auth.actor_for_token(db, here) is not None
    assert auth.actor_for_token(db, elsewhere) is None


def _ends(db, action) -> set[int]:
    """The users whose sessions `action` ended, as the unit of work names them to the interface."""
    db.info.pop(auth.SESSIONS_ENDED, None)
    action()
    return auth.sessions_ended_in(db)


def test_every_way_a_session_ends_names_the_user_whose_tabs_must_end(db, world, camille):
    paul = _with_password(db, world.users["paul"])
    here, actor = auth.login(db, camille.email, GOOD)
    elsewhere, _ = auth.login(db, camille.email, GOOD)
    assert auth.identify(db, here).session_id != auth.identify(db, elsewhere).session_id  # a tab follows one
    assert _ends(db, lambda: auth.login(db, paul.email, GOOD)) == set()
    assert _ends(db, lambda: auth.change_password(db, actor, GOOD, "another good one 9", keep_token=here)) == {
        camille.id
    }
    assert _ends(db, lambda: auth.logout(db, here)) == {camille.id}
    assert _ends(db, lambda: admin.set_active(db, world.actor("admin"), paul.id, False)) == {paul.id}
    # Nobody logged in any more: no tab to tell.
    assert _ends(db, lambda: admin.set_temporary_password(db, world.actor("admin"), camille.id)) == set()


def test_sessions_running_out_are_told_once_and_the_next_expiry_is_known(db, camille, world, clock):
    start = clock()
    auth.login(db, camille.email, GOOD)
    clock.advance(hours=1)
    paul = _with_password(db, world.users["paul"])
    ended_early, _ = auth.login(db, paul.email, GOOD)
    first, second = start + timedelta(hours=settings.SESSION_HOURS), start + timedelta(hours=settings.SESSION_HOURS + 1)
    assert auth.sessions_running_out(db, start, start) == (set(), first)
    assert auth.sessions_running_out(db, start, first) == ({camille.id}, second)
    assert auth.sessions_running_out(db, first, first + timedelta(hours=5)) == ({paul.id}, None)
    auth.logout(db, ended_early)  # already told by the logout: not again at its expiry
    assert auth.sessions_running_out(db, first, first + timedelta(hours=5)) == (set(), None)


# --- throttling --------------------------------------------------------------------------


def _fail(db, email: str, ip: str, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(ServiceError) as exc:
            auth.login(db, email, "wrong password 1", ip)
        assert exc.value.code == "auth.error.invalid_credentials"


def _refused(db, email: str, ip: str, password: str = GOOD) -> str:
    with pytest.raises(ServiceError) as exc:
        auth.login(db, email, password, ip)
    return _message(exc)


def test_guesses_on_an_account_slow_down_with_growing_waits(db, camille, clock):
    for i in range(5):
        _fail(db, camille.email, f"10.0.1.{i}")  # five free guesses, from five addresses
    assert _refused(db, camille.email, "10.0.2.1") == "Trop de tentatives. Réessayez dans 2 secondes."
    clock.advance(seconds=2)
    _fail(db, camille.email, "10.0.2.2")  # checked, and the next wait doubles
    assert _refused(db, camille.email, "10.0.2.3") == "Trop de tentatives. Réessayez dans 4 secondes."
    clock.advance(seconds=3)
    assert _refused(db, camille.email, "10.0.2.3") == "Trop de tentatives. Réessayez dans 1 secondes."
    clock.advance(seconds=1)
    raw, _ = auth.login(db, camille.email, GOOD, "10.0.2.3")  # the right password, once the wait is over
    assert auth.actor_for_token(db, raw) is not None


def test_waits_never_exceed_fifteen_minutes_and_are_forgotten_after_an_hour(db, camille, clock):
    for _ in range(30):
        clock.advance(minutes=15)
        _fail(db, camille.email, "198.51.100.1")
    refused = _refused(db, camille.email, "198.51.100.2", "wrong password 1")
    assert refused == "Trop de tentatives. Réessayez dans 900 secondes."
    clock.advance(hours=1)
    auth.login(db, camille.email, GOOD, "198.51.100.2")


def test_a_stranger_cannot_keep_the_owner_out_of_an_address_they_used_before(db, camille, clock):
    auth.login(db, camille.email, GOOD, "192.0.2.10")  # Camille at home
    for i in range(12):
        _fail(db, camille.email, f"203.0.113.{i}") if i < 5 else _refused(db, camille.email, f"203.0.113.{i}")
    assert _refused(db, camille.email, "198.51.100.77").startswith("Trop de tentatives")  # a new address waits
    raw, _ = auth.login(db, camille.email, GOOD, "192.0.2.10")  # home still gets in at once
    assert auth.actor_for_token(db, raw) is not None


def test_guesses_from_one_address_slow_that_address_down_across_accounts(db, camille, world):
    paul = _with_password(db, world.users["paul"])
    for i in range(20):
        _fail(db, f"guess{i}@example.com", "203.0.113.9")  # twenty accounts, one address
    assert _refused(db, paul.email, "203.0.113.9").startswith("Trop de tentatives. Réessayez dans")
    auth.login(db, paul.email, GOOD, "198.51.100.7")  # another address is not affected


def test_successful_logins_do_not_count_against_an_address(db, camille):
    for _ in range(40):  # an office behind one address, logging in all day
        auth.login(db, camille.email, GOOD, "192.0.2.99")
    _fail(db, camille.email, "192.0.2.99")


def test_successes_and_failures_are_recorded(db, camille):
    _fail(db, camille.email, "10.0.0.5", 1)
    auth.login(db, camille.email, GOOD, "10.0.0.5")
    attempts = db.exec(select(LoginAttempt).where(LoginAttempt.email == camille.email).order_by(LoginAttempt.id)).all()
    assert [(a.success, a.ip) for a in attempts] == [(False, "10.0.0.5"), (True, "10.0.0.5")]


def test_change_password_guesses_are_slowed_down_like_logins(db, camille, clock):
    here, actor = auth.login(db, camille.email, GOOD, "10.0.0.1")
    for _ in range(5):
        with pytest.raises(InvalidInput) as exc:
            auth.change_password(db, actor, "not my password 1", "another good one 9", ip="10.0.0.1")
        assert _message(exc) == "Le mot de passe actuel est incorrect."
    with pytest.raises(ServiceError) as exc:
        auth.change_password(db, actor, GOOD, "another good one 9", ip="10.0.0.1")  # even the right one
    assert _message(exc) == "Trop de tentatives. Réessayez dans 2 secondes."
    clock.advance(seconds=2)
    auth.change_password(db, actor, GOOD, "another good one 9", keep_token=here, ip="10.0.0.1")
    assert auth.pwd_context.verify("another good one 9", db.get(User, camille.id).password_hash)


def test_async_login_commits_failures(engine, monkeypatch, clock):
    import asyncio

    from sqlmodel import Session

    from pixmania_incidents import db as dbmod

    monkeypatch.setattr(dbmod, "get_engine", lambda: engine)
    for _ in range(6):
        with pytest.raises(ServiceError) as exc:
            asyncio.run(auth.login_async("ghost@example.com", "whatever 12345", "10.9.9.9"))
    assert exc.value.code == "auth.error.retry_in"  # the sixth: the first five were kept
    with Session(engine) as s:
        assert len(s.exec(select(LoginAttempt).where(LoginAttempt.ip == "10.9.9.9")).all()) == 5


def test_password_rule_is_in_the_catalogue_in_both_languages():
    assert tr("auth.password_rule") == "12 caractères minimum, dont au moins une lettre et un chiffre."
    assert tr("auth.password_rule", "en").startswith("At least 12 characters")


# --- redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,expected",
    [
        ("/board", "/board"),
        ("/incidents/42?tab=thread", "/incidents/42?tab=thread"),
        ("//evil.example/x", None),
        ("/\\evil.example", None),
        ("https://evil.example/", None),
        ("", None),
    ],
)
def test_only_local_paths_are_followed_after_login(path, expected):
    assert auth.safe_next(path) == expected


def test_each_role_has_a_home():
    assert {auth.home_for(r) for r in Role} == {"/orders", "/board", "/supervision", "/flags", "/admin/accounts"}
