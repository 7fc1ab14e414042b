"""File downloads beside Reflex: evidence, return labels and the trends' CSV export.

Why plain routes: these files are private, so they are never put in Reflex's public upload
folder; each request carries the HttpOnly session cookie, and the services decide whether
this user may have the file (anything else is a 404, exactly like a missing file).
Images open inline; PDFs download. `nosniff` stops a browser from guessing another type.
The CSV export streams: its rows are read and sent in batches while the response is written,
so its memory does not grow with the period (`analytics.trends_csv`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from pixmania_incidents import settings
from pixmania_incidents.db import session_scope
from pixmania_incidents.services import analytics, auth, evidence, fulfilment
from pixmania_incidents.services.common import ServiceError

#: The largest id a database integer column holds (PostgreSQL's INTEGER): anything above is not found.
MAX_ID = 2**31 - 1


def _id(request: Request, name: str) -> int | None:
    value = request.path_params[name]
    return value if 0 < value <= MAX_ID else None


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404, headers={"X-Content-Type-Options": "nosniff"})


def _disposition(kind: str, filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def file_response(data: bytes, content_type: str, filename: str) -> Response:
    inline = content_type.startswith("image/")
    return Response(
        data,
        media_type=content_type,
        headers={
            "Content-Disposition": _disposition("inline" if inline else "attachment", filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


async def _as_user(request: Request, read):
    """`read(session, actor)` for the session's user, or None when there is none or it refuses."""
    token = request.cookies.get(settings.SESSION_COOKIE)

    def call():
        with session_scope() as session:
            actor = auth.actor_for_token(session, token)
            return None if actor is None else read(session, actor)

    try:
        return await asyncio.to_thread(call)
    except ServiceError:
        return None


async def evidence_route(request: Request) -> Response:
    evidence_id = _id(request, "evidence_id")
    if evidence_id is None:
        return _not_found()

    def read(session, actor):
        path, content_type, filename = evidence.open_evidence(session, actor, evidence_id)
        return path.read_bytes(), content_type, filename

    try:
        found = await _as_user(request, read)
    except FileNotFoundError:
        found = None
    return _not_found() if found is None else file_response(*found)


async def label_route(request: Request) -> Response:
    label_id = _id(request, "label_id")
    if label_id is None:
        return _not_found()
    data = await _as_user(request, lambda session, actor: fulfilment.return_label_pdf(session, actor, label_id))
    return _not_found() if data is None else file_response(data, "application/pdf", f"bordereau-retour-{label_id}.pdf")


def _open_export(token: str | None, start: date, end: date) -> Iterator[str] | None:
    """The export's chunks, read in a unit of work that stays open until the last one is sent,
    or None when there is no user or the service refuses (nothing is left open then)."""
    stack = ExitStack()
    try:
        session = stack.enter_context(session_scope(write=False))
        actor = auth.actor_for_token(session, token)
        chunks = None if actor is None else analytics.trends_csv(session, actor, start, end)
    except ServiceError:
        chunks = None
    except BaseException:
        stack.close()
        raise
    if chunks is None:
        stack.close()
        return None

    def stream() -> Iterator[str]:
        with stack:
            yield from chunks

    return stream()


async def trends_csv_route(request: Request) -> Response:
    try:
        start, end = (date.fromisoformat(request.query_params.get(k, "")) for k in ("start", "end"))
    except ValueError:
        return _not_found()
    chunks = await asyncio.to_thread(_open_export, request.cookies.get(settings.SESSION_COOKIE), start, end)
    if chunks is None:
        return _not_found()
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": _disposition("attachment", f"tendances-{start}-{end}.csv"),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


ROUTES = [
    Route("/api/evidence/{evidence_id:int}", evidence_route, methods=["GET"]),
    Route("/api/labels/{label_id:int}.pdf", label_route, methods=["GET"]),
    Route(analytics.CSV_PATH, trends_csv_route, methods=["GET"]),
]
