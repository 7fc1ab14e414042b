"""One unit of work for whoever acts through the interface: identify, call, commit.

Why one place: every state handler and page read goes through here, so the rules that
must hold for all of them hold once — the session is re-validated on every call, a
service that only reads runs in a snapshot that never waits for writers, and the two
ways a database refuses a write under contention become messages a user can act on:
a lost version compare-and-set is "the case changed meanwhile", and a lock or connection
that could not be had in time is "busy, nothing was saved".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from pixmania_incidents.db import session_scope
from pixmania_incidents.services import auth, notifications
from pixmania_incidents.services.common import Actor, Busy, ServiceError, StaleVersion, is_read_only

T = TypeVar("T")


def require(identity: auth.Identity | None, pending_ok: bool = False) -> Actor:
    """The acting user of a live session; a temporary password first needs changing."""
    if identity is None:
        raise ServiceError("error.login_required")
    if identity.must_change_password and not pending_ok:
        raise ServiceError("auth.error.password_change_required")
    return identity.actor


class DatabaseAway(Exception):
    """The database could not be reached: nothing was read, so nothing is known."""


def identify(token: str | None) -> auth.Identity | None:
    """Who holds `token` now, in a read-only unit of work (None when nobody); `DatabaseAway`
    when that cannot be known."""
    try:
        with session_scope(write=False) as session:
            return auth.identify(session, token)
    except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError) as exc:
        if isinstance(exc, sa.exc.OperationalError) and _contended(exc):
            raise
        raise DatabaseAway() from exc


def _contended(exc: sa.exc.OperationalError) -> bool:
    return isinstance(exc.orig, sqlite3.OperationalError) and "locked" in str(exc.orig)


def run_as(
    token: str | None, fn: Callable[..., T], *args: Any, login: bool = True, pending_ok: bool = False, **kwargs: Any
) -> tuple[T, set[int], set[int]]:
    """`fn(session, actor, *args, **kwargs)` as the holder of `token`, committed; returns its
    result, the users it notified and the users whose login sessions it ended. Refusals are
    `ServiceError`s. `login=False`: a visitor's service, `fn(session, *args, **kwargs)`."""

    def holder(session: Session) -> Actor:
        return require(auth.identify(session, token), pending_ok)

    return run(fn, holder if login else None, *args, **kwargs)


def run(
    fn: Callable[..., T], actor_of: Callable[[Session], Actor] | None, *args: Any, **kwargs: Any
) -> tuple[T, set[int], set[int]]:
    """`fn(session, actor_of(session), *args, **kwargs)` in one unit of work, committed (the API
    names its actor from a key); `actor_of=None`: `fn(session, *args, **kwargs)`. Returns its
    result, the users it notified and the users whose login sessions it ended."""
    try:
        with session_scope(write=not is_read_only(fn)) as session:
            if actor_of is not None:
                result = fn(session, actor_of(session), *args, **kwargs)
            else:
                result = fn(session, *args, **kwargs)
            notified = notifications.notified_in(session)
            ended = auth.sessions_ended_in(session)
    except StaleDataError:
        raise StaleVersion() from None
    except sa.exc.TimeoutError:
        raise Busy() from None
    except sa.exc.OperationalError as exc:
        if _contended(exc):
            raise Busy() from None
        raise
    return result, notified, ended
