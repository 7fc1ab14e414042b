"""File downloads beside Reflex: evidence and return labels.

Why plain routes: these files are private, so they are never put in Reflex's public upload
folder; each request carries the HttpOnly session cookie, and the services decide whether
this user may have the file (anything else is a 404, exactly like a missing file).
Images open inline; PDFs download. `nosniff` stops a browser from guessing another type.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from pixmania_incidents import settings
from pixmania_incidents.db import session_scope
from pixmania_incidents.services import auth, evidence, fulfilment
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
    return Response(data, media_type=content_type, headers={
        "Content-Disposition": _disposition("inline" if inline else "attachment", filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    })


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


ROUTES = [
    Route("/api/evidence/{evidence_id:int}", evidence_route, methods=["GET"]),
    Route("/api/labels/{label_id:int}.pdf", label_route, methods=["GET"]),
]
