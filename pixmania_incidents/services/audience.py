"""Who sees a change: the rule, read from indexed facts only, never from a scan of accounts.

A change names what it concerns (`live.Audience`):
- an incident: its customer (`col(Incident.customer_id)`), its shop's active sellers (the `shop_id` index),
  the staff who have a desk page open (`desk`, below) and, when a listing flag points at the case,
  the product team (the `role` index);
- the product inbox (`("flags",)`): the product team;
- a user the service named (`("user", id)`: whom it notified).

Staff see every case, but only a desk page (supervision, the arbitration queue, a case file) shows
changes to cases they are not on; so staff are reached through the desk pages they keep open, not by
reading every staff account on every change. Why the split in `Reach`: the parties' pages move at
once, the desk's pages are coalesced by the live layer (many changes, one re-read a second).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session, col

from pixmania_incidents import settings
from pixmania_incidents.models import Incident, ListingFlag, User
from pixmania_incidents.vocabulary import STAFF, Role


@dataclass(frozen=True)
class Reach:
    """The users a change shows to: `now`, whose pages move at once; `desk`, staff whose desk pages
    are coalesced (never someone already in `now`)."""

    now: frozenset[int]
    desk: frozenset[int]


def _role(*roles: str) -> sa.BindParameter:
    """Roles written into the statement itself (they never vary), so that PostgreSQL may keep one
    plan for it: with a parameter there, its plan would have to suit the customers' role too."""
    return sa.bindparam(
        f"role_{'_'.join(roles)}", [str(r) for r in sorted(roles)], expanding=True, literal_execute=True
    )


def _who() -> sa.CompoundSelect:
    """The rule as one statement, each part through an index (incident id, shop, account id, role);
    built once, so that a change costs only its execution."""
    active, at_once, at_desk = col(User.active) == sa.true(), sa.literal(False), sa.literal(True)
    incidents: Any = sa.bindparam("incidents", expanding=True)
    flagged = sa.bindparam("inbox", type_=sa.Boolean) | sa.exists().where(col(ListingFlag.incident_id).in_(incidents))
    return sa.union_all(
        sa.select(col(User.id), at_once)
        .join(Incident, col(Incident.customer_id) == col(User.id))
        .where(col(Incident.id).in_(incidents), active),
        sa.select(col(User.id), at_once).where(
            col(User.shop_id).in_(sa.bindparam("shops", expanding=True)), col(User.role).in_(_role(Role.seller)), active
        ),
        # every active staff account (a few hundred, by role), matched with the desk pages open below:
        # cheaper than naming each of them in the statement
        sa.select(col(User.id), at_desk).where(
            sa.bindparam("desk", type_=sa.Boolean), col(User.role).in_(_role(*STAFF)), active
        ),
        sa.select(col(User.id), at_once).where(col(User.role).in_(_role(Role.product)), active, flagged),
    )


_WHO = _who()


def reach(session: Session, audiences: Iterable[tuple], desk_open: Collection[int]) -> Reach:
    """Who sees a change to `audiences`, `desk_open` being the staff with a desk page open (staff
    see a change to a case there; the product inbox is the product team's only)."""
    audiences = list(audiences)
    now = {a[1] for a in audiences if a[0] == "user"}
    incidents = {a[1]: a[2] for a in audiences if a[0] == "incident"}
    inbox = any(a[0] == "flags" for a in audiences)
    if not incidents and not inbox:
        return Reach(frozenset(now), frozenset())
    desk: set[int] = set()
    params = {
        "incidents": list(incidents),
        "shops": sorted(set(incidents.values())),
        "desk": bool(incidents and desk_open),
        "inbox": inbox,
    }
    for user_id, is_desk in session.connection().execute(_WHO, params):
        if not is_desk:
            now.add(user_id)
        elif user_id in desk_open:
            desk.add(user_id)
    return Reach(frozenset(now), frozenset(desk - now))


# --- the desk pages open ---------------------------------------------------------------------


class _Store(Protocol):
    def put(self, tab: str, entry: str) -> None: ...
    def drop(self, tab: str, entry: str | None) -> None: ...
    def all(self) -> dict[str, str]: ...


class _Memory:
    """One worker's desk pages (a single worker: without Redis the app runs one)."""

    def __init__(self) -> None:
        self._tabs: dict[str, str] = {}
        self._lock = threading.Lock()

    def put(self, tab: str, entry: str) -> None:
        with self._lock:
            self._tabs[tab] = entry

    def drop(self, tab: str, entry: str | None) -> None:
        with self._lock:
            if entry is None or self._tabs.get(tab) == entry:
                self._tabs.pop(tab, None)

    def all(self) -> dict[str, str]:
        with self._lock:
            return dict(self._tabs)


# Delete a tab's entry only if it is still the one read (a reload may have registered it again).
_DROP_IF = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end"


class _Redis:
    """Every worker's desk pages, in one Redis hash: tab -> entry."""

    def __init__(self, url: str, key: str = "pixmania:desk-tabs") -> None:
        import redis

        self._client = redis.Redis.from_url(url, decode_responses=True)
        self._key = key

    def put(self, tab: str, entry: str) -> None:
        self._client.hset(self._key, tab, entry)

    def drop(self, tab: str, entry: str | None) -> None:
        if entry is None:
            self._client.hdel(self._key, tab)
        else:
            self._client.eval(_DROP_IF, 1, self._key, tab, entry)

    def all(self) -> dict[str, str]:
        return dict(self._client.hgetall(self._key))  # type: ignore[arg-type]  # a synchronous client


class DeskPresence:
    """Which staff have a desk page open, per browser tab: kept by the pages themselves (opened by a
    desk page's load, left by the next page the tab loads or when its session ends) and pruned by the
    live layer when it finds a tab's socket gone, so a tab that died does not stay on the desk.

    Each entry names its user and when it was opened, so pruning an old entry never drops a newer one."""

    def __init__(self, store: _Store) -> None:
        self._store = store

    def open(self, tab: str, user_id: int) -> None:
        self._store.put(tab, f"{user_id}:{uuid.uuid4().hex}")

    def leave(self, tab: str, entry: str | None = None) -> None:
        """The tab is no longer on a desk page (`entry`: only if it is still that opening)."""
        self._store.drop(tab, entry)

    def tabs(self) -> dict[int, dict[str, str]]:
        """user id -> {tab: entry} of the desk pages open."""
        found: dict[int, dict[str, str]] = {}
        for tab, entry in self._store.all().items():
            found.setdefault(int(entry.split(":", 1)[0]), {})[tab] = entry
        return found

    def users(self) -> set[int]:
        return set(self.tabs())


def desk_presence(redis_url: str | None = None) -> DeskPresence:
    return DeskPresence(_Redis(redis_url) if redis_url else _Memory())


#: The app's desk: shared through Redis when the workers share it (`REFLEX_REDIS_URL`).
desk = desk_presence(settings.REDIS_URL)
