"""Live updates through `rx.SharedState` rooms: one per user, one per incident.

Every browser tab of a user links to that user's room (`user-<id>`): its page states
read the room's `tick` in async computed vars and re-query their own page through the
services, so what differs per viewer (role, filters, paging, locale) never travels
through a shared var. An incident page also links that incident's room
(`incident-<id>`, only once the service agreed the viewer may see the case): it holds
the case's `tick` and the window of its latest public messages, so a new message
reaches every open page of the case as a delta, without one query per viewer; older
messages and the non-public ones load from the database for whoever may read them.

Lock order: Reflex 0.10 locks a tab, then its linked rooms in the order they were
linked, so two tabs linking the same rooms in different orders could deadlock for good.
The user's room is always linked first (by the session gate, `shell/gate.py`, as soon as
a tab has a session; `SessionState._join_live` before any incident room) and nothing else
is ever linked, so every tab takes them in one order: tab, user, incident. What runs
outside a tab's event (`push`, `end_sessions`, `forget_tab`) holds one room at a time.

A tab follows one login session (`TabState`): when the server ends sessions, their users'
tabs are sent `TabState.recheck` through the users' rooms (`end_sessions`), and the session
gate ends each tab whose session is gone.

A change names its audience — an incident, the product inbox, a user — and `push()` turns it
into the rooms concerned: who that is, `services.audience` decides from indexed facts (the
case's customer, its shop's sellers, the product team when a listing flag points at it, the
staff with a desk page open); this module only delivers. Staff desk pages show every case, so
their rooms move at most once a second (`Coalesced`); the incident's own room moves at once.
It works from an event handler, an API route or a lifespan task, and through Redis across workers.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
from collections.abc import Awaitable, Callable, Iterable

import reflex as rx
from reflex_base.event import Event
from reflex_base.registry import RegistrationContext
from reflex_base.utils.format import format_event_handler

from pixmania_incidents import reflex_fixes
from pixmania_incidents.db import session_scope
from pixmania_incidents.services import audience, views

log = logging.getLogger(__name__)
# Rooms are linked states: never let a cancelled page load keep one locked.
reflex_fixes.apply()


#: Public messages an incident's room carries; "earlier messages" reads the rest.
MESSAGE_WINDOW = 30


class LiveRoom(rx.SharedState):
    """The change signal of one user's open pages."""

    tick: int = 0


class IncidentRoom(rx.SharedState):
    """One incident's open pages: its change signal and its latest public messages."""

    tick: int = 0
    #: Which incident the window holds (0 until the first page loads it).
    incident_id: int = 0
    messages: list[dict] = []


class TabState(rx.State):
    """The login session a browser tab follows: bound and ended by the session gate (`shell/gate.py`)."""

    _session_id: int | None = None

    @rx.event
    def recheck(self) -> None:
        """How a session's end reaches a tab at once: nothing of its own, the gate runs before every event."""


# An audience (who it reaches: `services.audience`): ("incident", incident_id, shop_id) | ("flags",) | ("user", user_id)
Audience = tuple


def user_token(user_id: int) -> str:
    return f"user-{user_id}"


def incident_token(incident_id: int) -> str:
    return f"incident-{incident_id}"


def _message_window(incident_id: int) -> list[dict]:
    with session_scope(write=False) as session:
        return views.public_window(session, incident_id, MESSAGE_WINDOW)


async def share_window(room: IncidentRoom, incident_id: int) -> bool:
    """Put the case's latest public messages in its room (locked by the caller); whether
    they changed, i.e. whether the room's pages get new messages."""
    window = await asyncio.to_thread(_message_window, incident_id)
    if window == room.messages and room.incident_id == incident_id:
        return False
    room.messages, room.incident_id = window, incident_id
    return True


def incident_room(incident_id: int, shop_id: int) -> Audience:
    return ("incident", incident_id, shop_id)


def user_room(user_id: int) -> Audience:
    return ("user", user_id)


FLAGS: Audience = ("flags",)


def rooms_for_incident(incident_id: int, shop_id: int, user_ids: Iterable[int] = ()) -> list[Audience]:
    """Everyone a change to an incident shows to: its parties, the desk, the users it notified
    (and the product team when a listing flag points at it)."""
    return [incident_room(incident_id, shop_id), *(user_room(u) for u in set(user_ids))]


def push_result(result, messages: bool = True) -> None:  # noqa: ANN001 - a service result naming an incident
    """A case changed through a service: everyone it shows to (`messages=False`: the caller
    already put the case's new messages in its room)."""
    push(rooms_for_incident(result.incident_id, result.shop_id, [result.customer_id]), messages)


def push_flag(change) -> None:  # noqa: ANN001 - services.flags.FlagChange
    """A listing flag changed: the product inbox, and the pages of its incident when it has one."""
    incident_id = change.flag.incident_id
    push([FLAGS, *(rooms_for_incident(incident_id, change.shop_id, change.notified) if incident_id else [])])


def _users(audiences: Iterable[Audience]) -> audience.Reach:
    """Who sees the change: the rule is the services' (`services.audience`), read in one unit of work."""
    audiences = list(audiences)
    if all(a[0] == "user" for a in audiences):
        return audience.Reach(frozenset(a[1] for a in audiences), frozenset())
    desk_open = audience.desk.users() if any(a[0] == "incident" for a in audiences) else set()
    with session_scope(write=False) as session:
        return audience.reach(session, audiences, desk_open)


async def _bump(user_id: int) -> None:
    app = RegistrationContext.get().app
    async with app.modify_state(rx.BaseStateToken(ident=user_token(user_id), cls=LiveRoom)) as root:
        room = await root.get_state(LiveRoom)
        room.tick += 1


async def _refresh_incident(incident_id: int, messages: bool) -> None:
    """New messages first (a delta every page shows as it comes), then the tick that makes
    each page re-read the rest of the case; nothing at all when no page has it open."""
    app = RegistrationContext.get().app
    token = rx.BaseStateToken(ident=incident_token(incident_id), cls=IncidentRoom)
    async with app.modify_state(token) as root:
        room = await root.get_state(IncidentRoom)
        if not room._linked_from:
            return
        if not (messages and await share_window(room, incident_id)):
            room.tick += 1  # nothing new to show first: one change, one delta
            return
    async with app.modify_state(token) as root:
        (await root.get_state(IncidentRoom)).tick += 1


def _log_failures(results: list) -> None:
    for result in results:
        if isinstance(result, BaseException):
            log.warning("live push failed: %r", result)


class Coalesced:
    """At most one delivery per user every `interval` seconds: the first change of a quiet interval
    goes at once, the ones that follow within it go together at its end. Why: a desk page re-reads
    a whole list on each tick of its user's room, and every change to any case shows on it."""

    def __init__(self, deliver: Callable[[int], Awaitable[None]], interval: float = 1.0) -> None:
        self._deliver, self.interval = deliver, interval
        self._last: dict[int, float] = {}
        self._due: set[int] = set()

    def add(self, user_ids: Iterable[int]) -> None:
        loop = asyncio.get_running_loop()
        for user_id in user_ids:
            if user_id in self._due:
                continue
            self._due.add(user_id)
            wait = self._last.get(user_id, -math.inf) + self.interval - loop.time()
            if wait > 0:
                loop.call_later(wait, self._go, user_id)
            else:
                self._go(user_id)

    def _go(self, user_id: int) -> None:
        self._due.discard(user_id)  # a change from now on needs a delivery of its own
        self._last[user_id] = asyncio.get_running_loop().time()
        _spawn(self._deliver(user_id), inherit=True)  # as `push`: in the context of the change, the app's


def _sockets(app):  # noqa: ANN001, ANN202 - rx.App; Reflex's token manager (None before the socket server starts)
    return app.event_namespace._token_manager if app.event_namespace else None


async def _bump_desk(user_id: int) -> None:
    """A staff member's desk pages, once for the changes of the last second: only while one of their
    desk tabs is still connected; the tabs found gone leave the desk."""
    sockets = _sockets(RegistrationContext.get().app)
    alive = False
    for tab, entry in (await asyncio.to_thread(audience.desk.tabs)).get(user_id, {}).items():
        if sockets is None or await sockets.is_token_connected(tab):
            alive = True
        else:
            await asyncio.to_thread(audience.desk.leave, tab, entry)
    if alive:
        await _bump(user_id)


DESK = Coalesced(_bump_desk)


async def open_desk(tab: str, user_id: int) -> None:
    """This tab shows a desk page: its user sees every case change (coalesced) while it stays open."""
    await asyncio.to_thread(audience.desk.open, tab, user_id)


async def leave_desk(tab: str) -> None:
    await asyncio.to_thread(audience.desk.leave, tab)


async def _bump_users(audiences: list[Audience]) -> None:
    reach = await asyncio.to_thread(_users, audiences)
    DESK.add(sorted(reach.desk))
    _log_failures(await asyncio.gather(*(_bump(u) for u in sorted(reach.now)), return_exceptions=True))


async def push_now(audiences: Iterable[Audience], messages: bool = True) -> None:
    """Move the rooms of every incident and of every user concerned, side by side (they
    lock different rooms), and wait until the change is delivered (to desk pages: within a second)."""
    audiences = list(audiences)
    incident_ids = sorted({a[1] for a in audiences if a[0] == "incident"})
    _log_failures(
        await asyncio.gather(
            *(_refresh_incident(i, messages) for i in incident_ids), _bump_users(audiences), return_exceptions=True
        )
    )


_PENDING: set[asyncio.Task] = set()


def push(audiences: Iterable[Audience], messages: bool = True) -> None:
    """Fire-and-forget `push_now`, so a handler never waits on other clients' locks."""
    task = asyncio.get_running_loop().create_task(push_now(list(audiences), messages))
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)


def _spawn(coro, inherit: bool = False) -> asyncio.Task:  # noqa: ANN001 - a coroutine
    """A task kept alive until done, in a context of its own unless `inherit`: what it enqueues for
    other tabs must not inherit the current event's (whose router data holds this tab's own headers)."""
    context = contextvars.copy_context() if inherit else contextvars.Context()
    task = asyncio.get_running_loop().create_task(coro, context=context)
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)
    task.add_done_callback(lambda t: t.cancelled() or _log_failures([t.exception()]))
    return task


async def _open_tabs(app, user_id: int) -> list[str]:  # noqa: ANN001 - rx.App
    """The connected tabs following a user's room (the room's lock alone, taken and released)."""
    async with app.modify_state(rx.BaseStateToken(ident=user_token(user_id), cls=LiveRoom)) as root:
        tabs = sorted((await root.get_state(LiveRoom))._linked_from)
    sockets = _sockets(app)
    return [tab for tab in tabs if sockets is None or await sockets.is_token_connected(tab)]


async def _recheck(app, user_ids: list[int]) -> None:  # noqa: ANN001 - rx.App
    event = format_event_handler(TabState.event_handlers["recheck"])
    for user_id in user_ids:
        for tab in await _open_tabs(app, user_id):
            await app.event_processor.enqueue(tab, Event(name=event))


async def end_sessions_now(user_ids: Iterable[int]) -> None:
    """These users' sessions ended (some or all): every open tab of theirs checks its own session
    now, and the ones whose session is gone end (see `shell/gate.py`)."""
    await _spawn(_recheck(RegistrationContext.get().app, sorted(set(user_ids))))


def end_sessions(user_ids: Iterable[int]) -> None:
    """Fire-and-forget `end_sessions_now`, once the unit of work that ended them has committed."""
    if user_ids := sorted(set(user_ids)):
        _spawn(_recheck(RegistrationContext.get().app, user_ids))


async def _forget(app, tab: str, links: dict[str, str]) -> None:  # noqa: ANN001 - rx.App
    await leave_desk(tab)
    for state_name, room_token in links.items():
        cls = rx.State.get_class_substate(state_name)
        async with app.modify_state(rx.BaseStateToken(ident=room_token, cls=cls)) as root:
            (await root.get_state(cls))._linked_from.discard(tab)


def forget_tab(tab: str, links: dict[str, str]) -> None:
    """A tab left its rooms (`links`: room state -> room token): each room forgets it, one room at a
    time once the tab's event has released them, so no change of theirs is even tried on the tab."""
    if links:
        _spawn(_forget(RegistrationContext.get().app, tab, dict(links)))
