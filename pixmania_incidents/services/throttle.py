"""Slowing down guesses: passwords, reset links and registrations, per account and per address.

Why this shape: a hard lock after N failures lets a stranger lock anyone out, so each key
gets a few free attempts and then a growing wait, never more than `max_wait`. The counter
lives in the database, so every worker sees it, and an attempt takes its place with a
compare-and-set *before* the slow check it guards: parallel attempts are counted one by one
and a refused one is answered "try again in N seconds" until the next allowed instant.
A success gives its place back, so only failures (or, for requests, every request) count.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from pixmania_incidents.models import Throttle
from pixmania_incidents.services.common import ServiceError, now

log = logging.getLogger("pixmania.throttle")


@dataclass(frozen=True)
class Rule:
    """`free` attempts without waiting, then `first_wait` doubling up to `max_wait`."""

    name: str
    free: int
    first_wait: timedelta
    max_wait: timedelta
    #: A key left alone this long starts again from zero.
    forget_after: timedelta

    def wait(self, attempts: int) -> timedelta:
        if attempts < self.free:
            return timedelta(0)
        return min(self.first_wait * 2 ** min(attempts - self.free, 30), self.max_wait)

    def key(self, value: object) -> str:
        return f"{self.name}:{str(value).lower()[:300]}"


# Password guesses (login and the current password of "change password") on one account, and
# from one address; an address is shared by a household or an office, so it gets more room.
ACCOUNT_GUESSES = Rule("guess-account", 5, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=1))
ADDRESS_GUESSES = Rule("guess-address", 20, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=1))
# Requests that make the desk mail an address a stranger typed (reset links, registration):
# every request counts, per address typed and per sender.
MAIL_TO_ACCOUNT = Rule("mail-account", 3, timedelta(minutes=5), timedelta(hours=1), timedelta(hours=2))
MAIL_FROM_ADDRESS = Rule("mail-address", 10, timedelta(minutes=1), timedelta(hours=1), timedelta(hours=2))


def mail_requests(email: str, ip: str) -> list[tuple[Rule, str]]:
    """The keys of a request that mails an address a stranger typed."""
    keys = [(MAIL_TO_ACCOUNT, MAIL_TO_ACCOUNT.key(email))]
    if ip:
        keys.append((MAIL_FROM_ADDRESS, MAIL_FROM_ADDRESS.key(ip[:64])))
    return keys


class Throttled(ServiceError):
    """Refused before any check: `seconds` until the next allowed instant."""

    def __init__(self, wait: timedelta) -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        super().__init__("auth.error.retry_in", seconds=seconds)
        self.seconds = seconds


def _insert_missing(session: Session, key: str, at: datetime) -> None:
    """Creates the key's row if needed. On SQLite this write also takes the database's write
    lock first, so the read and the compare-and-set below cannot interleave with another's."""
    insert: Any = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    row = {"key": key, "attempts": 0, "last_at": at}
    session.connection().execute(insert(Throttle).values(**row).on_conflict_do_nothing(index_elements=["key"]))


def _take_one(session: Session, rule: Rule, key: str, at: datetime) -> timedelta | None:
    """Counts one attempt, or returns how long to wait (nothing counted)."""
    _insert_missing(session, key, at)
    conn = session.connection()
    while True:
        attempts, last_at = conn.execute(
            sa.select(col(Throttle.attempts), col(Throttle.last_at)).where(col(Throttle.key) == key)
        ).one()
        current = 0 if at - last_at >= rule.forget_after else attempts
        ready = last_at + rule.wait(current)
        if ready > at:
            return ready - at
        taken = conn.execute(
            sa.update(Throttle)
            .where(col(Throttle.key) == key, col(Throttle.attempts) == attempts, col(Throttle.last_at) == last_at)
            .values(attempts=current + 1, last_at=at)
        ).rowcount
        if taken == 1:
            return None
        # Another worker counted an attempt between our read and our write: read again.


def take(session: Session, *keys: tuple[Rule, str]) -> list[tuple[Rule, str]]:
    """Counts one attempt on every key, or raises `Throttled` having counted none.

    Commits the caller's session: parallel attempts must see this one before the slow check
    it guards, and the caller's refusal (which rolls its own work back) must not undo it.
    Returns the keys taken, for `give_back` after a success."""
    at = now()
    taken: list[tuple[Rule, str]] = []
    for rule, key in keys:
        wait = _take_one(session, rule, key, at)
        if wait is not None:
            give_back(session, taken)
            log.info("%s throttled for %.0f s", rule.name, wait.total_seconds())
            raise Throttled(wait)
        taken.append((rule, key))
    session.commit()
    return taken


@dataclass(frozen=True)
class Quota:
    """At most `limit` requests per `window` on a key (an API key): a steady client, unlike a
    guesser, is never slowed down for good; the counter starts again with each window."""

    name: str
    limit: int
    window: timedelta

    def key(self, value: object) -> str:
        return f"{self.name}:{value}"


def take_quota(session: Session, quota: Quota, key: str) -> None:
    """Counts one request in the current window, or raises `Throttled` until the next one.

    The same row and compare-and-set as the rules above (`last_at` holds the window's start),
    in the caller's unit of work."""
    at = now()
    start = datetime.fromtimestamp(
        at.timestamp() // quota.window.total_seconds() * quota.window.total_seconds(), tz=at.tzinfo
    )
    _insert_missing(session, key, start)
    conn = session.connection()
    while True:
        attempts, last_at = conn.execute(
            sa.select(col(Throttle.attempts), col(Throttle.last_at)).where(col(Throttle.key) == key)
        ).one()
        current = attempts if last_at == start else 0
        if current >= quota.limit:
            raise Throttled(start + quota.window - at)
        taken = conn.execute(
            sa.update(Throttle)
            .where(col(Throttle.key) == key, col(Throttle.attempts) == attempts, col(Throttle.last_at) == last_at)
            .values(attempts=current + 1, last_at=start)
        ).rowcount
        if taken == 1:
            return


def give_back(session: Session, keys: list[tuple[Rule, str]]) -> None:
    """A success (or a refusal elsewhere) returns its place: only failures count."""
    for _rule, key in keys:
        session.connection().execute(
            sa.update(Throttle)
            .where(col(Throttle.key) == key, col(Throttle.attempts) > 0)
            .values(attempts=col(Throttle.attempts) - 1)
        )
