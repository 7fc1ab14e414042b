"""Who is using this browser tab, checked against the database on every call.

Why: any public method of a state can be called from the browser with forged arguments,
so identity never comes from the client. The session token lives in an HttpOnly cookie
set by the login route; the websocket carries it at connect and the server reads it from
`router.headers.cookie` (Reflex does not send request cookies back to the browser).
Deactivation and logout take effect at the next call, since nothing is cached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

import reflex as rx

from pixmania_incidents import live, settings
from pixmania_incidents.db import session_scope
from pixmania_incidents.i18n import tr
from pixmania_incidents.pages.registry import roles_for
from pixmania_incidents.services import auth, notifications
from pixmania_incidents.services.common import Actor, ServiceError
from pixmania_incidents.state.locale import LocaleState

T = TypeVar("T")

LOGIN_ERRORS = ("invalid_credentials", "throttled")
REGISTER_ERRORS = ("email_taken", "email_invalid", "weak_password", "password_too_long", "name_required", "throttled")


def _cookie(header: str, name: str) -> str | None:
    """One cookie from a Cookie header; lenient where `http.cookies` gives up on the whole header."""
    for part in (header or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"') or None
    return None


def _session_cookie(state: rx.State) -> str | None:
    """The login cookie of the tab's websocket, read on every call.

    A plain function on purpose: Reflex's dependency tracker follows `self.` reads through
    methods, and the router is re-sent with every event, so reading it in a method would
    make every page's computed vars recompute (and query) on every event of the tab."""
    return _cookie(getattr(state, "router").headers.cookie, settings.SESSION_COOKIE)


def _require(identity: auth.Identity | None, pending_ok: bool) -> Actor:
    if identity is None:
        raise ServiceError("error.login_required")
    if identity.must_change_password and not pending_ok:
        raise ServiceError("auth.error.password_change_required")
    return identity.actor


class SessionState(rx.State):
    """Root of every logged-in page's state; subclasses call services through `_run`."""

    user_name: str = ""
    user_role: str = ""
    user_email: str = ""
    must_change_password: bool = False
    home_path: str = "/"
    _user_id: int | None = None

    def _session_token(self) -> str | None:
        return _session_cookie(self)

    def _identity(self) -> auth.Identity | None:
        with session_scope() as session:
            return auth.identify(session, self._session_token())

    def _actor(self, pending_ok: bool = False) -> Actor:
        """The acting user, re-validated now; `ServiceError('error.login_required')` when none."""
        return _require(self._identity(), pending_ok)

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

    async def _run(self, fn: Callable[..., T], *args: Any, pending_ok: bool = False, push_notified: bool = True,
                   **kwargs: Any) -> tuple[T | None, str]:
        """Calls `fn(session, actor, *args, **kwargs)` in one unit of work, off the event loop.

        Returns (result, "") or (None, the refusal in the user's language). The users it
        notified see their bell move, unless the caller pushes a wider audience itself."""
        token = self._session_token()
        notified: set[int] = set()

        def call() -> T:
            with session_scope() as session:
                actor = _require(auth.identify(session, token), pending_ok)
                result = fn(session, actor, *args, **kwargs)
                notified.update(notifications.notified_in(session))
                return result

        try:
            result = await asyncio.to_thread(call)
        except ServiceError as exc:
            return None, tr(exc.code, await self._locale(), **exc.params)
        if notified and push_notified:
            live.push(live.user_room(user_id) for user_id in notified)
        return result, ""

    async def _join_live(self) -> bool:
        """Follow this user's live room: every page re-reads itself when it ticks."""
        identity = await asyncio.to_thread(self._identity)
        if identity is None:
            return False
        room = await self.get_state(live.LiveRoom)
        await room._link_to(live.user_token(identity.actor.id))
        return True

    @rx.event
    async def guard(self):
        """on_load of protected pages: login first, then the role's own pages, then a temporary password's change."""
        path = "/" + (self.router.url.path or "").strip("/")  # the static build adds a trailing slash
        identity = await asyncio.to_thread(self._identity)
        self._remember(identity)
        if identity is None:
            target = path + (f"?{self.router.url.query}" if self.router.url.query else "")
            return rx.redirect(f"{auth.LOGIN_PAGE}?{urlencode({'next': target})}", replace=True)
        if identity.must_change_password and path != auth.ACCOUNT_PAGE:
            return rx.redirect(auth.ACCOUNT_PAGE, replace=True)
        roles = roles_for(path)
        if roles is not None and identity.actor.role not in roles:
            return rx.redirect(self.home_path, replace=True)
        return None


class AuthPageState(rx.State):
    """The login and registration pages: what the login route said through the query string."""

    error: str = ""
    wait_minutes: str = ""
    next_path: str = ""
    prefill_name: str = ""
    prefill_email: str = ""

    @rx.event
    async def read_query(self):
        """Only known error codes are shown; a visitor already logged in goes straight home."""
        params = self.router.url.query_parameters
        known = REGISTER_ERRORS if self.router.url.path.startswith("/register") else LOGIN_ERRORS
        self.error = params.get("error", "") if params.get("error", "") in known else ""
        self.wait_minutes = params.get("minutes", "15") if params.get("minutes", "").isdigit() else "15"
        self.next_path = auth.safe_next(params.get("next")) or ""
        self.prefill_name = params.get("name", "")[:120]
        self.prefill_email = params.get("email", "")[:254]
        session_state = await self.get_state(SessionState)
        identity = await asyncio.to_thread(session_state._identity)
        if identity is not None:
            return rx.redirect(auth.safe_next(self.next_path) or auth.home_for(identity.actor.role, identity.must_change_password), replace=True)
        return None


class AccountState(SessionState):
    """Changing one's own password, including the forced change of a temporary one."""

    error: str = ""
    done: bool = False

    @rx.event
    async def change_password(self, form: dict):
        self.done = False
        if not isinstance(form, dict):
            return
        current, new, confirm = (str(form.get(k) or "") for k in ("current", "new", "confirm"))
        if new != confirm:
            self.error = tr("auth.error.password_mismatch", await self._locale())
            return
        _, self.error = await self._run(auth.change_password, current, new, keep_token=self._session_token(), pending_ok=True)
        if not self.error:
            self.done = True
            self._remember(await asyncio.to_thread(self._identity))
