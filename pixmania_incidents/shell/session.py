"""Who is using this browser tab, checked against the database on every call.

Why: any public method of a state can be called from the browser with forged arguments,
so identity never comes from the client. The session token lives in an HttpOnly cookie
set by the login route; the websocket carries it at connect and the server reads it from
`router.headers.cookie` (Reflex does not send request cookies back to the browser).
Deactivation and logout take effect at the next call, since nothing is cached; and at once
in every open tab of that session, through the session gate (`shell/gate.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from typing import Any, TypeVar
from urllib.parse import urlencode

import reflex as rx

from pixmania_incidents import live, settings
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import auth, network, unit
from pixmania_incidents.services.common import Actor, ServiceError, is_read_only
from pixmania_incidents.shell.failure import log_failure, note_call
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.registry import roles_for
from pixmania_incidents.vocabulary import STAFF

T = TypeVar("T")


def _cookie(header: str, name: str) -> str | None:
    """One cookie from a Cookie header; lenient where `http.cookies` gives up on the whole header."""
    for part in (header or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"') or None
    return None


def session_cookie(state: rx.State) -> str | None:
    """The login cookie of the tab's websocket (sealed by the edge), read on every call.

    A plain function on purpose: Reflex's dependency tracker follows `self.` reads through
    methods, and the router is re-sent with every event, so reading it in a method would
    make every page's computed vars recompute (and query) on every event of the tab."""
    return _cookie(getattr(state, "router").headers.cookie, settings.SESSION_COOKIE)  # noqa: B009 - see above


def client_address(state: rx.State) -> str:
    """The address of the tab's user, as the throttle counts guesses: the websocket's peer, or
    what the trusted proxies forwarded (`services.network`); the same as the HTTP routes see."""
    router = getattr(state, "router")  # noqa: B009 - a plain read, see `session_cookie`
    return network.client_address(router.headers.raw_headers, router.session.client_ip)


class SessionState(rx.State):
    """Root of every page's state that calls a service: they all call through `_run`."""

    user_name: str = ""
    user_role: str = ""
    user_email: str = ""
    must_change_password: bool = False
    home_path: str = "/"
    _user_id: int | None = None

    def _session_token(self) -> str | None:
        return session_cookie(self)

    def _identity(self) -> auth.Identity | None:
        return unit.identify(self._session_token())

    async def _identify(self) -> auth.Identity | None:
        """Who this tab's session belongs to now (off the event loop); None when nobody."""
        return await asyncio.to_thread(self._identity)

    def _remember(self, identity: auth.Identity | None) -> None:
        actor = identity.actor if identity else None
        self._user_id = actor.id if actor else None
        self.user_name = actor.name if actor else ""
        self.user_role = actor.role if actor else ""
        self.user_email = actor.email if actor else ""
        self.must_change_password = bool(identity and identity.must_change_password)
        self.home_path = auth.home_for(actor.role, self.must_change_password) if actor else auth.LOGIN_PAGE

    async def _locale(self) -> str:
        return (await self.get_state(LocaleState)).locale

    async def _call(
        self,
        fn: Callable[..., T],
        *args: Any,
        login: bool = True,
        pending_ok: bool = False,
        push_notified: bool = True,
        **kwargs: Any,
    ) -> tuple[T | None, ServiceError | None]:
        """The one way a state calls a service: reads this tab's session, identifies the
        user again, calls `fn(session, actor, *args, **kwargs)` in one unit of work off the
        event loop (`services.unit.run_as`), pushes the bells of the users it notified
        (unless the caller pushes a wider audience itself) and ends the tabs of the sessions
        it ended. `login=False` is for the pages of visitors (password reset):
        `fn(session, *args, **kwargs)`, no actor.

        Returns (result, None) or (None, the refusal)."""
        token = self._session_token()
        note_call(fn)  # what an unexpected error failed, and whether it had saved anything (shell.failure)
        try:
            result, notified, sessions_ended = await asyncio.to_thread(
                unit.run_as, token, fn, *args, login=login, pending_ok=pending_ok, **kwargs
            )
        except ServiceError as exc:
            return None, exc
        note_call(fn, saved=not is_read_only(fn))
        if notified and push_notified:
            live.push(live.user_room(user_id) for user_id in notified)
        live.end_sessions(sessions_ended)
        return result, None

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T | None, str]:
        """`_call`, with the refusal in the user's language ("" when none)."""
        result, refusal = await self._call(fn, *args, **kwargs)
        if refusal is None:
            return result, ""
        return None, tr(refusal.code, await self._locale(), **refusal.params)

    async def _read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T | None, str]:
        """`_run` for computed vars: an unexpected error (the database gone) is logged with its
        reference and reads as nothing, with a message, instead of raising. Why: Reflex keeps
        retrying a computed var that raised on every later event of the tab, so each of them,
        the error notice included, would fail as long as the outage lasts."""
        try:
            return await self._run(fn, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - logged with its traceback; the page says it is unavailable
            return None, tr("reliability.unavailable", await self._locale(), reference=log_failure(exc))

    async def _join_live(self, roles: Collection[str] | None = None, desk: bool = False) -> Actor | None:
        """Follow this user's live room (every page re-reads itself when it ticks), when the
        session is one of `roles` with a password of its own (anyone logged in without
        `roles`); the user who joined, or None. `desk=True`: a staff page that shows changes to
        any case, so the tab joins the desk (`services.audience`) until it loads another page."""
        identity = await self._identify()
        if identity is None or (
            roles is not None and (identity.must_change_password or identity.actor.role not in roles)
        ):
            return None
        room = await self.get_state(live.LiveRoom)
        await room._link_to(live.user_token(identity.actor.id))
        if desk:
            await live.open_desk(self.router.session.client_token, identity.actor.id)
        return identity.actor

    @rx.event
    async def guard(self):
        """on_load of protected pages: login first, then the role's own pages, then a temporary password's change."""
        path = "/" + (self.router.url.path or "").strip("/")  # the static build adds a trailing slash
        identity = await self._identify()
        self._remember(identity)
        if identity is not None and identity.actor.role in STAFF:
            await live.leave_desk(self.router.session.client_token)  # a desk page joins again in its own load
        if identity is None:
            target = path + (f"?{self.router.url.query}" if self.router.url.query else "")
            return rx.redirect(f"{auth.LOGIN_PAGE}?{urlencode({'next': target})}", replace=True)
        if identity.must_change_password and path != auth.ACCOUNT_PAGE:
            return rx.redirect(auth.ACCOUNT_PAGE, replace=True)
        roles = roles_for(path)
        if roles is not None and identity.actor.role not in roles:
            return rx.redirect(self.home_path, replace=True)
        return None
