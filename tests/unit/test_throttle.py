"""Parallel guesses are counted one by one, on SQLite and on PostgreSQL (issue 13: 30 parallel
wrong passwords used to get 10 checks instead of 5)."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session

from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import Role, User
from pixmania_incidents.services import auth, throttle
from pixmania_incidents.services.common import Actor, ServiceError

PARALLEL = 30
GOOD = "correct horse 42 battery"


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_engine(request, clock):
    if request.param == "sqlite":
        eng = request.getfixturevalue("engine")
        yield eng
        return
    eng = make_engine(request.getfixturevalue("pg_url"))
    yield eng
    eng.dispose()


def _customer(engine) -> Actor:
    with Session(engine, expire_on_commit=False) as s:
        user = User(
            email="camille@example.com", name="Camille", role=Role.customer, password_hash=auth.hash_password(GOOD)
        )
        s.add(user)
        s.commit()
        return Actor.of(user)


def _in_parallel(engine, attempt) -> list[str]:
    """`attempt(session)` from PARALLEL threads released at once; the refusal codes."""
    barrier = threading.Barrier(PARALLEL)
    codes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        with session_scope(engine) as session:  # a unit of work as the app runs one, committed
            try:
                attempt(session)
                code = "accepted"
            except ServiceError as exc:
                code = exc.code
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=run) for _ in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return sorted(codes)


def test_parallel_wrong_passwords_get_five_checks(shared_engine):
    camille = _customer(shared_engine)
    codes = _in_parallel(shared_engine, lambda s: auth.login(s, camille.email, "wrong password 1", "203.0.113.5"))
    assert codes.count("auth.error.invalid_credentials") == throttle.ACCOUNT_GUESSES.free == 5
    assert codes.count("auth.error.retry_in") == PARALLEL - 5


def test_parallel_wrong_current_passwords_get_five_checks(shared_engine):
    camille = _customer(shared_engine)
    codes = _in_parallel(
        shared_engine,
        lambda s: auth.change_password(s, camille, "wrong password 1", "another good one 9", ip="203.0.113.5"),
    )
    assert codes.count("auth.error.wrong_current_password") == 5
    assert codes.count("auth.error.retry_in") == PARALLEL - 5


def test_a_refusal_on_one_key_counts_nothing_on_the_others(db, clock):
    keys = [(throttle.ACCOUNT_GUESSES, "a"), (throttle.ADDRESS_GUESSES, "b")]
    for _ in range(5):
        throttle.take(db, keys[0])
    with pytest.raises(throttle.Throttled):
        throttle.take(db, keys[1], keys[0])
    for _ in range(20):  # "b" still has all its free attempts
        throttle.take(db, keys[1])
