"""`/api/v1`: the seller API, customer service's read API and the order system's intake.

Why FastAPI, mounted in the app's own Starlette routes (`api/__init__.py`): it serves an
OpenAPI document and its browsable page (`/api/v1/docs`, served from the app itself, no CDN,
so the edge's Content-Security-Policy holds) from the same declarations that check each
request, and it runs in the app's process, so a change made here goes through the very
services the pages call and reaches the open pages at once (`live`).

Each request: its key is admitted (`api_keys.admit`: known, live, its quota counted), then the
service runs as the key's owner in one unit of work (`services.unit.run`, which also turns a
lost version compare-and-set into "the case changed meanwhile", as for the pages). A read
key may only call services marked `@reads`. Refusals are RFC 9457 problems
(`application/problem+json`) in the caller's language (`Accept-Language`), with the
catalogue's words and key; a stale version answers 409 with the case as it stands.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException

from pixmania_incidents import edge, live
from pixmania_incidents.api.schemas import Problem
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import api_keys, flags, incidents, throttle, unit
from pixmania_incidents.services.common import (
    Busy,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceError,
    StaleVersion,
    at_version,
    is_read_only,
)

log = logging.getLogger("pixmania.api.v1")

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"

_STATUS: tuple[tuple[type[ServiceError], int], ...] = (
    (api_keys.KeyRefused, 401),
    (throttle.Throttled, 429),
    (NotFound, 404),
    (Forbidden, 403),
    (StaleVersion, 409),
    (InvalidInput, 422),
    (Busy, 503),
)
_SPECIAL = {"error.login_required": 401, "api.error.version_required": 428}
_DESCRIPTIONS = {
    400: "The body could not be read (not JSON, not a form)",
    401: "No key, or an unknown or revoked one",
    403: "The key may not do this (a read key writing, another kind of key)",
    404: "No such resource for this key (another shop's case is not found either)",
    409: "The case changed meanwhile (`current` holds it), or the case's rules refuse the action now",
    413: "Too large",
    422: "A field is missing or wrong",
    428: "The case's version is required (`If-Match` or `version`)",
    429: "The key's quota is spent: see `Retry-After`",
    503: "Busy, nothing was saved: try again",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The refusals a route documents, each an RFC 9457 problem."""
    return {s: {"model": Problem, "description": _DESCRIPTIONS[s]} for s in statuses}


READS = problems(401, 403, 404, 422, 429, 503)
WRITES = problems(400, 401, 403, 404, 409, 413, 422, 428, 429, 503)

app = FastAPIOffline(
    title="Pixmania · incident desk API",
    version="1.0",
    description=(
        "Sellers' back offices work their shop's cases as on the board and the case page; customer "
        "service reads every case and the trends; the marketplace's order system sends its shops, "
        "listings, customers, orders and shipments (`/intake`). Authenticate with `Authorization: "
        "Bearer pxm_…` (keys are made on the Intégrations page). Every write carries the case's "
        "`version` (`If-Match` or a `version` field) and answers 409 when the case changed meanwhile. "
        "Errors are RFC 9457 problems in the language of `Accept-Language`."
    ),
    openapi_url="/openapi.json",
    servers=[{"url": PREFIX}],
    root_path_in_servers=False,
    docs_url="/docs",
    redoc_url=None,
    static_url="/docs-assets",
)
bearer = HTTPBearer(auto_error=False, description="An API key: `pxm_…`")


# --- problems ----------------------------------------------------------------------------------


def locale_of(request: Request) -> str:
    """The first of French and English the caller prefers (`Accept-Language`), French by default."""
    ranked = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        language = tag.strip().lower()[:2]
        if language in ("fr", "en") and weight > 0:
            ranked.append((-weight, len(ranked), language))
    return min(ranked)[2] if ranked else "fr"


def problem(
    request: Request,
    status: int,
    code: str,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    current: dict[str, Any] | None = None,
) -> JSONResponse:
    params = params or {}
    try:
        text = tr(code, locale_of(request), **params)
    except (KeyError, IndexError, ValueError):
        text = tr(code, locale_of(request))
    body = {
        "type": f"urn:pixmania:problem:{code}",
        "title": text,
        "status": status,
        "detail": text,
        "instance": request.url.path,
        "code": code,
        "params": {k: v for k, v in params.items() if isinstance(v, str | int | float | bool | None)},
    }
    if current is not None:
        body["current"] = current
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM)


class Stale(Exception):
    """A stale version, with the case as the caller may now see it."""

    def __init__(self, refusal: StaleVersion, current: dict[str, Any] | None) -> None:
        self.refusal, self.current = refusal, current


def status_of(exc: ServiceError) -> int:
    if exc.code in _SPECIAL:
        return _SPECIAL[exc.code]
    return next((status for kind, status in _STATUS if isinstance(exc, kind)), 409)


@app.exception_handler(ServiceError)
async def _refused(request: Request, exc: ServiceError) -> JSONResponse:
    status = status_of(exc)
    headers = {"Retry-After": str(exc.seconds)} if isinstance(exc, throttle.Throttled) else None
    if status == 503:
        headers = {"Retry-After": "2"}
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return problem(request, status, exc.code, exc.params, headers)


@app.exception_handler(Stale)
async def _stale(request: Request, exc: Stale) -> JSONResponse:
    return problem(request, 409, exc.refusal.code, exc.refusal.params, current=exc.current)


@app.exception_handler(RequestValidationError)
async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header"))
    return problem(request, 422, "api.error.bad_request", {"detail": f"{where}: {first.get('msg', '')}".strip(": ")})


@app.exception_handler(HTTPException)
async def _http(request: Request, exc: HTTPException) -> JSONResponse:
    code = {404: "api.error.not_found", 405: "api.error.method", 413: "api.error.too_large"}.get(
        exc.status_code, "api.error.bad_request"
    )
    return problem(request, exc.status_code, code, {"detail": str(exc.detail)}, getattr(exc, "headers", None))


@app.exception_handler(Exception)
async def _crash(request: Request, exc: Exception) -> JSONResponse:
    log.exception("API %s %s failed", request.method, request.url.path)
    return problem(request, 500, "api.error.server")


def _problem_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Refusals are documented as what they are sent as: `application/problem+json`."""
    for operation in (op for path in schema.get("paths", {}).values() for op in path.values()):
        for status, response in operation.get("responses", {}).items():
            content = response.get("content", {})
            if status[0] in "45" and "application/json" in content:
                content[PROBLEM] = content.pop("application/json")
            if status == "429":
                response["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds until the next window"}
                }
    return schema


def _openapi() -> dict[str, Any]:
    if app.openapi_schema is None:
        app.openapi_schema = _problem_media_types(FastAPI.openapi(app))
    return app.openapi_schema


app.openapi = _openapi  # type: ignore[method-assign]


# --- who is calling -----------------------------------------------------------------------------


async def holder(credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]) -> api_keys.Holder:
    """The key's owner, with this request counted (its own short unit of work)."""
    raw = credentials.credentials if credentials is not None else None
    found, _, _ = await asyncio.to_thread(unit.run, api_keys.admit, None, raw)
    return found


async def shop_key(found: Annotated[api_keys.Holder, Depends(holder)]) -> api_keys.Holder:
    if found.shop_id is None:
        raise Forbidden("api.error.shop_key_required")
    return found


async def operator_key(found: Annotated[api_keys.Holder, Depends(holder)]) -> api_keys.Holder:
    if found.scope != "operator":
        raise Forbidden("api.error.operator_key_required")
    return found


# --- calling the services ------------------------------------------------------------------------


def _push(result: Any, notified: set[int]) -> None:
    """What the pages' states do after a change: the case's rooms, the flag inbox, the bells."""
    if isinstance(result, incidents.Result):
        live.push_result(result)
    elif isinstance(result, flags.FlagChange):
        live.push_flag(result)
    elif notified:
        live.push(live.user_room(user_id) for user_id in notified)


async def call(key: api_keys.Holder, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`fn(session, owner, *args, **kwargs)` as the key's owner, committed and pushed."""
    if key.scope == "read" and not is_read_only(fn):
        raise Forbidden("api.error.read_only_key")
    result, notified, ended = await asyncio.to_thread(unit.run, fn, lambda _session: key.actor, *args, **kwargs)
    _push(result, notified)
    live.end_sessions(ended)
    return result


def version_from(request: Request, field: int | None) -> int:
    """The case's version the caller acted on: `If-Match` ("3", W/"3") or the body's `version`."""
    raw = request.headers.get("if-match", "").strip().removeprefix("W/").strip('"')
    if raw.isdigit() and len(raw) < 10:
        return int(raw)
    if field is not None:
        return field
    raise ServiceError("api.error.version_required")


async def act(
    key: api_keys.Holder,
    request: Request,
    incident_id: int,
    field_version: int | None,
    fn: Callable[..., Any],
    *args: Any,
    takes_version: bool = False,
    current: Callable[..., Any] | None = None,
) -> Any:
    """A write on one case at the version the caller saw: the services that take a version get
    it, the others run only while the case is still at it (`at_version`). A stale version is
    answered with the case as it stands (`current(session, owner, incident_id)`)."""
    version = version_from(request, field_version)
    try:
        if takes_version:
            return await call(key, fn, incident_id, version, *args)
        return await call(key, at_version, incident_id, version, fn, *args)
    except StaleVersion as exc:
        now = await call(key, current, incident_id) if current is not None else None
        raise Stale(exc, now) from None


# --- request size ----------------------------------------------------------------------------------


class BodyLimit:
    """Refuses a body over one message's evidence (`edge.UPLOAD_LIMIT`) before reading it, and cuts
    a streamed one at that size: the API takes files as the upload route does."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        length = next((v for k, v in scope.get("headers", []) if k.lower() == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > edge.UPLOAD_LIMIT):
            await JSONResponse(
                {
                    "type": "about:blank",
                    "title": "Request too large",
                    "status": 413,
                    "detail": "Request too large",
                    "code": "api.error.too_large",
                },
                status_code=413,
                media_type=PROBLEM,
            )(scope, receive, send)
            return
        received = 0

        async def counted() -> dict:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > edge.UPLOAD_LIMIT:
                raise HTTPException(413)
            return message

        await self.inner(scope, counted, send)


app.add_middleware(BodyLimit)
