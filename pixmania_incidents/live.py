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

A change names its audience — an incident (its parties, customer service, and the product
team when a listing flag points at it), the product inbox, a user — and `push()` turns it
into the rooms concerned. It works from an event handler, an API route or a lifespan
task, and through Redis across workers.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Iterable

import reflex as rx
import sqlalchemy as sa
from reflex_base.event import Event
from reflex_base.registry import RegistrationContext
from reflex_base.utils.format import format_event_handler
from sqlmodel import select

from pixmania_incidents import reflex_fixes
from pixmania_incidents.db import session_scope
from pixmania_incidents.models import Incident, User
from pixmania_incidents.services import views
from pixmania_incidents.services.common import has_flag
from pixmania_incidents.vocabulary import STAFF, Role

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


# An audience: ("incident", incident_id, shop_id) | ("shop", shop_id) | ("desk",) | ("flags",) | ("user", user_id)
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


def _users(audiences: Iterable[Audience]) -> set[int]:
    """The users behind the audiences, read from the database once."""
    audiences = list(audiences)
    ids = {a[1] for a in audiences if a[0] == "user"}
    rest = [a for a in audiences if a[0] != "user"]
    if not rest:
        return ids
    incident_ids = [a[1] for a in rest if a[0] == "incident"]
    with session_scope(write=False) as session:
        active = session.exec(select(User.id, User.role, User.shop_id).where(User.active == sa.true())).all()
        flagged = {i for i in incident_ids if has_flag(session, i)}
        if incident_ids:
            ids.update(session.exec(select(Incident.customer_id).where(Incident.id.in_(incident_ids))).all())
    for audience in rest:
        kind = audience[0]
        shop = audience[2] if kind == "incident" else audience[1] if kind == "shop" else None
        for user_id, role, shop_id in active:
            if (
                (role == Role.seller and shop is not None and shop_id == shop)
                or (role in STAFF and kind in ("incident", "desk", "flags"))
                or (role == Role.product and (kind == "flags" or (kind == "incident" and audience[1] in flagged)))
            ):
                ids.add(user_id)
    return ids


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


async def _bump_users(audiences: list[Audience]) -> None:
    user_ids = await asyncio.to_thread(_users, audiences)
    _log_failures(await asyncio.gather(*(_bump(u) for u in sorted(user_ids)), return_exceptions=True))


async def push_now(audiences: Iterable[Audience], messages: bool = True) -> None:
    """Move the rooms of every incident and of every user concerned, side by side (they
    lock different rooms), and wait until the change is delivered."""
    audiences = list(audiences)
    incident_ids = sorted({a[1] for a in audiences if a[0] == "incident"})
    _log_failures(await asyncio.gather(
        *(_refresh_incident(i, messages) for i in incident_ids), _bump_users(audiences), return_exceptions=True
    ))


_PENDING: set[asyncio.Task] = set()


def push(audiences: Iterable[Audience], messages: bool = True) -> None:
    """Fire-and-forget `push_now`, so a handler never waits on other clients' locks."""
    task = asyncio.get_running_loop().create_task(push_now(list(audiences), messages))
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)


def _spawn(coro) -> asyncio.Task:  # noqa: ANN001 - a coroutine
    """A task kept alive until done, in a context of its own: what it enqueues for other tabs must
    not inherit the current event's (whose router data holds this tab's own headers)."""
    task = asyncio.get_running_loop().create_task(coro, context=contextvars.Context())
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)
    task.add_done_callback(lambda t: t.cancelled() or _log_failures([t.exception()]))
    return task


async def _open_tabs(app, user_id: int) -> list[str]:  # noqa: ANN001 - rx.App
    """The connected tabs following a user's room (the room's lock alone, taken and released)."""
    async with app.modify_state(rx.BaseStateToken(ident=user_token(user_id), cls=LiveRoom)) as root:
        tabs = sorted((await root.get_state(LiveRoom))._linked_from)
    sockets = app.event_namespace._token_manager if app.event_namespace else None
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
    for state_name, room_token in links.items():
        cls = rx.State.get_class_substate(state_name)
        async with app.modify_state(rx.BaseStateToken(ident=room_token, cls=cls)) as root:
            (await root.get_state(cls))._linked_from.discard(tab)


def forget_tab(tab: str, links: dict[str, str]) -> None:
    """A tab left its rooms (`links`: room state -> room token): each room forgets it, one room at a
    time once the tab's event has released them, so no change of theirs is even tried on the tab."""
    if links:
        _spawn(_forget(RegistrationContext.get().app, tab, dict(links)))
