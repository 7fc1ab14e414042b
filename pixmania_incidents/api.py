"""HTTP routes beside Reflex: login, registration, logout and health.

Why plain routes: the session cookie must be set by the server (HttpOnly, SameSite=Lax),
which a websocket event cannot do; forms post here and the browser follows a 303. Reflex
mounts itself inside this Starlette app (`rx.App(api_transformer=api)`), so these routes
are matched first. POSTs are refused unless their Origin is one of the app's own (CSRF).
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from pixmania_incidents import api_files, settings
from pixmania_incidents.db import get_engine, session_scope
from pixmania_incidents.services import auth
from pixmania_incidents.services.common import ServiceError

log = logging.getLogger("pixmania.api")


def _origin_allowed(request: Request) -> bool:
    """Browsers send Origin on every form POST; fall back on Referer, refuse when neither is there."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        referer = urlsplit(request.headers.get("referer", ""))
        origin = f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else ""
    return origin.rstrip("/") in settings.allowed_origins()


def _refuse_origin() -> Response:
    return PlainTextResponse("Origin not allowed", status_code=403)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _error_code(exc: ServiceError) -> str:
    return exc.code.removeprefix("auth.error.")


def _with_session(response: Response, raw_token: str) -> Response:
    response.set_cookie(
        settings.SESSION_COOKIE,
        raw_token,
        max_age=settings.SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.COOKIE_SECURE,
    )
    return response


def _landing(identity: auth.Identity, next_path: str | None) -> str:
    if identity.must_change_password:
        return auth.ACCOUNT_PAGE
    return auth.safe_next(next_path) or auth.home_for(identity.actor.role)


async def login_route(request: Request) -> Response:
    if not _origin_allowed(request):
        return _refuse_origin()
    form = await request.form()
    next_path = auth.safe_next(str(form.get("next") or ""))
    try:
        raw, identity = await auth.login_async(
            str(form.get("email") or ""), str(form.get("password") or ""),
            _client_ip(request), request.headers.get("user-agent", ""),
        )
    except ServiceError as exc:
        query = {"error": _error_code(exc), **exc.params}
        if next_path:
            query["next"] = next_path
        return _see_other(f"{auth.LOGIN_PAGE}?{urlencode(query)}")
    return _with_session(_see_other(_landing(identity, next_path)), raw)


async def register_route(request: Request) -> Response:
    if not _origin_allowed(request):
        return _refuse_origin()
    form = await request.form()
    name, email, password = (str(form.get(k) or "") for k in ("name", "email", "password"))

    def create() -> None:
        with session_scope() as session:
            auth.register_customer(session, name, email, password)

    try:
        await asyncio.to_thread(create)
        raw, identity = await auth.login_async(email, password, _client_ip(request), request.headers.get("user-agent", ""))
    except ServiceError as exc:
        # The password is never echoed back; name and e-mail refill the form.
        query = {"error": _error_code(exc), "name": name[:120], "email": email[:254], **exc.params}
        return _see_other(f"/register?{urlencode(query)}")
    return _with_session(_see_other(_landing(identity, None)), raw)


async def logout_route(request: Request) -> Response:
    if not _origin_allowed(request):
        return _refuse_origin()
    raw = request.cookies.get(settings.SESSION_COOKIE)

    def end() -> None:
        with session_scope() as session:
            auth.logout(session, raw)

    await asyncio.to_thread(end)
    response = _see_other(auth.LOGIN_PAGE)
    response.delete_cookie(settings.SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.COOKIE_SECURE)
    return response


async def health_route(request: Request) -> Response:
    def ping() -> None:
        with get_engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    try:
        await asyncio.to_thread(ping)
    except sa.exc.SQLAlchemyError:
        log.exception("health check: database unreachable")
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok"})


api = Starlette(
    routes=[
        Route("/auth/login", login_route, methods=["POST"]),
        Route("/auth/register", register_route, methods=["POST"]),
        Route("/auth/logout", logout_route, methods=["POST"]),
        Route("/api/health", health_route, methods=["GET"]),
        *api_files.ROUTES,
    ]
)
