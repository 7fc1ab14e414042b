"""The session gate: before any event of a tab, the page load included, the server checks the
tab's login session, and a tab whose session ended ends with it (SPEC 8.10).

Why here: Reflex keeps a tab's state — its page data and its links to the user's and the
case's rooms — under a client token the browser keeps across reloads and logins, so neither
a reload nor a new login in the same tab starts it afresh, and a room keeps sending to a tab
until the tab leaves it. A tab follows one login session (`live.TabState`, bound at its first
event with a session, when it also joins its user's room); once that session is gone —
logout, expiry, deactivation, a password changed or reset, "log out everywhere" — the gate:
- takes the tab out of every room (no case message or live update reaches it any more),
- puts every page state back to its defaults (no previous user's name, e-mail, role or case),
- drops the event, sends the clean state and lands the tab on the login page; a page load is
  run again on the clean tab instead, its page's own guard deciding where it lands.
Only the server decides: the session is read from the database, never from the browser's word.
The services that end sessions name their users (`auth.sessions_ended_in`); the interface
then sends `TabState.recheck` to those users' open tabs (`live.end_sessions`), so a tab ends
at once rather than at its next event.
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import OnLoadInternalState, StateUpdate
from reflex_base.constants import CompileVars
from reflex_base.event import Event, get_event, get_hydrate_event

from pixmania_incidents import live
from pixmania_incidents.services import auth, unit
from pixmania_incidents.shell.session import SessionState, session_cookie

log = logging.getLogger("pixmania.gate")


async def clear_pages(root: rx.State) -> None:
    """Every page state of the tab back to its defaults (all of them loaded first: a Redis-backed
    tree holds only the states an event needs)."""
    pending: list[type[rx.State]] = [SessionState]
    while pending:
        cls = pending.pop()
        await root.get_state(cls)
        pending.extend(cls.get_substates())
    (await root.get_state(SessionState)).reset()


async def _end(root: rx.State, tab: live.TabState) -> None:
    """The tab leaves its rooms (the rooms forget it once this event releases them) and forgets its user."""
    links = dict(root._reflex_internal_links or {})
    root._reflex_internal_links = {}
    live.forget_tab(root.router.session.client_token, links)
    await clear_pages(root)
    log.info("a tab of login session %s ended with it", tab._session_id)
    tab._session_id = None


def _after_end(root: rx.State, event: Event) -> StateUpdate:
    """A page load runs again on the clean tab; any other event is dropped for the clean state and
    the login page."""
    if event.name == get_event(root, CompileVars.HYDRATE_AND_LOAD):
        return StateUpdate(events=[Event(name=event.name, payload=event.payload)])
    then = [Event(name=get_hydrate_event(root)), OnLoadInternalState.set_is_hydrated(True)]
    if "/" + (root.router.url.path or "").strip("/") != auth.LOGIN_PAGE:
        then.append(rx.redirect(f"{auth.LOGIN_PAGE}?error=session_ended", replace=True))
    return StateUpdate(events=Event.from_event_type(then))


class SessionGate(Middleware):
    """Runs before every event of every tab (`app.add_middleware`, first)."""

    async def preprocess(self, app: rx.App, state: rx.State, event: Event) -> StateUpdate | None:
        root = state
        tab = await root.get_state(live.TabState)
        bound = tab._session_id
        holds_a_session = bound is not None or bool(root._reflex_internal_links)
        cookie = session_cookie(root)
        if not holds_a_session and not cookie:
            return None  # a visitor's tab: nothing to check
        try:
            identity = await asyncio.to_thread(unit.identify, cookie) if cookie else None
        except unit.DatabaseAway:
            # Nothing can be read or changed without the database (every service checks the session
            # again in its own unit of work): the event goes on, fails there and says what failed,
            # and the gate decides at the first event after the database is back.
            return None
        current = identity.session_id if identity else None
        if holds_a_session and bound != current:
            await _end(root, tab)
            return _after_end(root, event)
        if bound is None and identity is not None:
            # Bound to this session; its user's room first (see live.py on lock order), so that
            # every tab of a session is found through that room when the session ends.
            tab._session_id = current
            await (await root.get_state(live.LiveRoom))._link_to(live.user_token(identity.actor.id))
        return None
