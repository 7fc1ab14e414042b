"""The edge: one ASGI middleware in front of everything the app serves (pages, static files,
API routes, Reflex's websocket and upload endpoint).

Why here and not in Reflex: these protections must hold whatever a page or a route does.
- The session cookie is sealed (`auth.seal_token`) before anything reads it: Reflex keeps the
  websocket's request headers in every tab's state, which Redis stores, so no raw token may be
  in them. A client sending a sealed value gets it sealed again, so a leaked hash opens nothing.
- Reflex's `/_upload` reads any body from anyone: here it is refused before the body is read
  without a live login session (401) or over the size of one message's evidence (413), and a
  streamed body is counted as it arrives and cut at that size.
- Every response carries a Content-Security-Policy (inline scripts allowed by their hashes,
  page by page), frame protection, `nosniff`, a Referrer-Policy and, over HTTPS, HSTS.
The user's address, read through the configured trusted proxies only, is
`services.network.client_address` (the routes and the pages' states both need it).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pixmania_incidents import settings
from pixmania_incidents.services import auth, evidence

log = logging.getLogger("pixmania.edge")

UPLOAD_PATH = "/_upload"
#: One message's evidence, plus the multipart framing around it.
UPLOAD_LIMIT = evidence.MAX_FILES * evidence.MAX_BYTES + settings.UPLOAD_OVERHEAD_BYTES


# --- headers -----------------------------------------------------------------------------


def _ws_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"


def content_security_policy(script_hashes: tuple[str, ...] = ()) -> str:
    """Scripts only from the app and, inline, by hash; styles inline too (Reflex writes them);
    the websocket and uploads go to the public URL; nobody may frame the app.

    'unsafe-eval' because Reflex runs `rx.call_script`/`rx.call_function` (sent by the server,
    never typed by a user) through `eval`; injected markup still cannot run a script."""
    scripts = " ".join(["'self'", "'unsafe-eval'", *(f"'sha256-{h}'" for h in script_hashes)])
    connect = " ".join(dict.fromkeys(["'self'", settings.PUBLIC_URL, _ws_origin(settings.PUBLIC_URL)]))
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; "
        f"connect-src {connect}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def security_headers() -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if settings.HSTS:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


@lru_cache(maxsize=256)
def _html_policy(body: bytes) -> bytes:
    """The policy of one HTML page: the hashes of exactly the inline scripts it carries."""
    hashes = tuple(
        dict.fromkeys(
            base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() for m in _INLINE_SCRIPT.finditer(body)
        )
    )
    return content_security_policy(hashes).encode()


_PAGE_REQUEST_DROPS = {b"accept-encoding", b"if-none-match", b"if-modified-since"}


def _is_page_request(path: str) -> bool:
    """Page paths (no extension, or .html): served uncompressed so their scripts can be hashed."""
    last = path.rsplit("/", 1)[-1]
    return "." not in last or last.endswith(".html")


def _with_headers(headers: list[tuple[bytes, bytes]], extra: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Adds what the response did not set itself (a download keeps its own sandboxing policy)."""
    present = {k.lower() for k, _ in headers}
    return [*headers, *((k, v) for k, v in extra if k not in present)]


# --- the session cookie ------------------------------------------------------------------


def _seal_cookie_header(value: bytes) -> bytes:
    name = settings.SESSION_COOKIE
    parts = []
    for part in value.decode("latin-1").split(";"):
        key, sep, raw = part.strip().partition("=")
        if sep and key == name:
            raw = raw.strip().strip('"')
            part = f"{name}={auth.seal_token(raw)}" if raw else ""
        if part.strip():
            parts.append(part.strip())
    return "; ".join(parts).encode("latin-1")


def _sealed_scope(scope: dict) -> dict:
    headers = [(k, _seal_cookie_header(v)) if k.lower() == b"cookie" else (k, v) for k, v in scope.get("headers", [])]
    return {**scope, "headers": headers}


def session_cookie(scope: Mapping[str, Any]) -> str | None:
    """The (sealed) session cookie of a request that went through the edge."""
    for key, value in scope.get("headers", []):
        if key.lower() == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, sep, token = part.strip().partition("=")
                if sep and name == settings.SESSION_COOKIE and token:
                    return token
    return None


# --- the middleware ----------------------------------------------------------------------


class BodyTooLarge(Exception):
    pass


async def _plain_response(send, status: int, text: str) -> None:  # noqa: ANN001
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": _with_headers(
                [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
                [(b"content-security-policy", content_security_policy().encode()), *security_headers()],
            ),
        }
    )
    await send({"type": "http.response.body", "body": body})


def _has_session(token: str | None) -> bool:
    from pixmania_incidents.db import session_scope

    with session_scope() as session:
        return auth.identify(session, token) is not None


class Edge:
    """ASGI middleware: see the module's docstring."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope = _sealed_scope(scope)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        if scope.get("method") == "POST" and scope.get("path", "").rstrip("/") == UPLOAD_PATH:
            await self._upload(scope, receive, send)
            return
        if _is_page_request(scope.get("path", "")):
            # Pages come back whole, as plain bytes, for their scripts to be hashed: not precompressed, not
            # sent by path, and never "304 Not Modified" (its headers would replace the cached page's policy).
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k.lower() not in _PAGE_REQUEST_DROPS]
            scope["extensions"] = {
                k: v for k, v in (scope.get("extensions") or {}).items() if k != "http.response.pathsend"
            }
        await self._with_policy(scope, receive, send)

    async def _with_policy(self, scope, receive, send) -> None:  # noqa: ANN001
        start: dict | None = None
        chunks: list[bytes] = []

        async def send_with_headers(message: dict) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                html = (
                    scope.get("method") != "HEAD"
                    and not any(k.lower() == b"content-encoding" for k, _ in headers)
                    and any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                )
                if html:
                    start = {**message, "headers": headers}  # held until the page's scripts are known
                    return
                await send(
                    {
                        **message,
                        "headers": _with_headers(
                            headers,
                            [(b"content-security-policy", content_security_policy().encode()), *security_headers()],
                        ),
                    }
                )
                return
            if start is None or message["type"] not in ("http.response.body", "http.response.pathsend"):
                await send(message)
                return
            if message["type"] == "http.response.pathsend":  # a page sent by path all the same
                chunks.append(await asyncio.to_thread(Path(message["path"]).read_bytes))
            else:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send(
                {
                    **start,
                    "headers": _with_headers(
                        headers, [(b"content-security-policy", _html_policy(body)), *security_headers()]
                    ),
                }
            )
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_with_headers)

    async def _upload(self, scope, receive, send) -> None:  # noqa: ANN001
        if not await asyncio.to_thread(_has_session, session_cookie(scope)):
            await _plain_response(send, 401, "Login required")
            return
        length = next((v for k, v in scope["headers"] if k.lower() == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > UPLOAD_LIMIT):
            await _plain_response(send, 413, "Upload too large")
            return
        received = 0
        cut = False

        async def counted_receive() -> dict:
            nonlocal received, cut
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > UPLOAD_LIMIT:
                    cut = True
                    raise BodyTooLarge()
            return message

        started = False

        async def send_unless_cut(message: dict) -> None:
            nonlocal started
            if cut:
                return  # whatever the endpoint says about the broken stream, the answer is 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, send_unless_cut)
        except BodyTooLarge:
            pass
        if cut:
            log.info("upload cut at %s bytes", UPLOAD_LIMIT)
            if not started:
                await _plain_response(send, 413, "Upload too large")
