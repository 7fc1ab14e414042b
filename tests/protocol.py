"""Speak Reflex's browser protocol without a browser (Socket.IO on /_event).

Used by integration tests that forge events, and by the propagation benchmark.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from typing import Any

import socketio

ROOT_STATE = "reflex___state____state"


def state_name(module: str, cls: str) -> str:
    """Full name of a state directly below the root, e.g. ("blank_app.blank_app", "RelayState");
    the app's own states give theirs with `State.get_full_name()`."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls).lstrip("_")
    return f"{ROOT_STATE}.{module.replace('.', '___')}____{snake}"


def login_cookie(base_url: str, email: str, password: str) -> str | None:
    """POST the login form like a browser; returns the `Cookie` header value, or None."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    data = urllib.parse.urlencode({"email": email, "password": password, "next": "/"}).encode()
    request = urllib.request.Request(f"{base_url}/auth/login", data=data, headers={"Origin": base_url})
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as exc:  # 303 is surfaced as an error by _NoRedirect
        if exc.code not in (302, 303):
            raise
    cookies = [f"{c.name}={c.value}" for c in jar]
    return "; ".join(cookies) or None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class ReflexClient:
    """One browser tab's websocket: hydrate on connect, then emit events and read deltas."""

    def __init__(self, base_url: str, cookie: str | None = None, origin: str | None = None) -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.origin = origin or base_url
        self.token = str(uuid.uuid4())
        self.sio = socketio.AsyncClient(reconnection=False)
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sio.on("event", self._on_event, namespace="/_event")
        self.path = "/"

    async def _on_event(self, data: Any) -> None:
        if isinstance(data, str):
            data = json.loads(data)
        await self.updates.put(data)

    def _router(self, path: str) -> dict[str, Any]:
        return {"pathname": path, "asPath": path}

    async def connect(self, path: str = "/") -> None:
        self.path = path
        headers = {"Origin": self.origin}
        if self.cookie:
            headers["Cookie"] = self.cookie
        hydrate = {"name": f"{ROOT_STATE}.hydrate_and_load", "payload": {}, "router_data": self._router(path)}
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            headers=headers,
            auth={"event": hydrate},
            wait_timeout=20,
        )

    async def emit(self, name: str, payload: dict[str, Any] | None = None, path: str | None = None) -> None:
        event = {"name": name, "payload": payload or {}, "router_data": self._router(path or self.path)}
        await self.sio.emit("event", event, namespace="/_event")

    async def collect(self, seconds: float = 1.0) -> list[dict[str, Any]]:
        """Every update received within `seconds`."""
        out: list[dict[str, Any]] = []
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while (left := end - loop.time()) > 0:
            try:
                out.append(await asyncio.wait_for(self.updates.get(), left))
            except TimeoutError:
                break
        return out

    async def close(self) -> None:
        await self.sio.disconnect()


def flatten(updates: list[dict[str, Any]]) -> str:
    """All deltas as one string, to assert that something never appears."""
    return json.dumps(updates, ensure_ascii=False, default=str)
