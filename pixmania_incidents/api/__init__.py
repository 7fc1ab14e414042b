"""HTTP routes beside Reflex: login, registration and its confirmation link, logout, health,
the metrics Prometheus reads (`/metrics`, configured addresses only), and the integrations' API
under `/api/v1` (`api/v1.py`: the seller API, customer service's read API and the order
system's intake).

Why plain routes: the session cookie must be set by the server (HttpOnly, SameSite=Lax),
which a websocket event cannot do; forms post here and the browser follows a 303. Reflex
mounts itself inside this Starlette app (`rx.App(api_transformer=api)`), so these routes
are matched first. POSTs are refused unless their Origin is one of the app's own (CSRF).
Everything, Reflex included, goes through the edge middleware (`edge.Edge`) first.
"""

from __future__ import annotations

import asyncio
import html
import logging
import math
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from pixmania_incidents import api_files, edge, live, metrics, settings
from pixmania_incidents.api import operator, seller, v1
from pixmania_incidents.db import get_engine, session_scope
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import auth, network, registration, throttle
from pixmania_incidents.services.common import ServiceError

log = logging.getLogger("pixmania.api")


def _origin_allowed(request: Request) -> bool:
    """Browsers send Origin on every form POST; fall back on Referer, refuse when neither is there."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        referer = urlsplit(request.headers.get("referer", ""))
        origin = f"{referer.scheme}://{referer.netloc}" if referer.scheme and referer.netloc else ""
    return origin.rstrip("/") in settings.allowed_origins()


def notice_page(title_key: str, body_key: str, status_code: int = 200, **params: object) -> HTMLResponse:
    """A small page of our own, French first and English below, for answers given outside Reflex."""

    def text(key: str, locale: str) -> str:
        return html.escape(tr(key, locale, **params), quote=False)

    def part(locale: str) -> str:
        return f'<section lang="{locale}"><h1>{text(title_key, locale)}</h1><p>{text(body_key, locale)}</p></section>'

    page = (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{text(title_key, "fr")}'
        f'</title></head><body style="font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em">'
        f"{part('fr')}<hr>{part('en')}</body></html>"
    )
    return HTMLResponse(page, status_code=status_code)


def _refuse_origin(request: Request) -> Response:
    sent = request.headers.get("origin") or request.headers.get("referer", "")
    log.warning(
        "refused %s from origin %r: expected one of %s", request.url.path, sent, ", ".join(settings.allowed_origins())
    )
    return notice_page("auth.origin_refused_title", "auth.origin_refused", 403, url=settings.PUBLIC_URL)


def _client_ip(request: Request) -> str:
    return network.client_address(request.headers, request.client.host if request.client else "")


def _refusal_query(exc: ServiceError) -> dict[str, object]:
    """`throttled` with the exact wait in `seconds` (the pages show it); `minutes` rounds it up."""
    if isinstance(exc, throttle.Throttled):
        return {"error": "throttled", "minutes": math.ceil(exc.seconds / 60), "seconds": exc.seconds}
    return {"error": _error_code(exc), **exc.params}


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
        return _refuse_origin(request)
    form = await request.form()
    next_path = auth.safe_next(str(form.get("next") or ""))
    try:
        raw, identity = await auth.login_async(
            str(form.get("email") or ""),
            str(form.get("password") or ""),
            _client_ip(request),
            request.headers.get("user-agent", ""),
        )
    except ServiceError as exc:
        query = _refusal_query(exc)
        if next_path:
            query["next"] = next_path
        return _see_other(f"{auth.LOGIN_PAGE}?{urlencode(query)}")
    return _with_session(_see_other(_landing(identity, next_path)), raw)


async def register_route(request: Request) -> Response:
    """Answers "check your mailbox" whether or not the address has an account."""
    if not _origin_allowed(request):
        return _refuse_origin(request)
    form = await request.form()
    name, email, password = (str(form.get(k) or "") for k in ("name", "email", "password"))
    ip = _client_ip(request)

    def register() -> None:
        with session_scope() as session:
            registration.register_customer(session, name, email, password, ip)

    try:
        await asyncio.to_thread(register)
    except ServiceError as exc:
        # The password is never echoed back; name and e-mail refill the form.
        query = {**_refusal_query(exc), "name": name[:120], "email": email[:254]}
        return _see_other(f"/register?{urlencode(query)}")
    return notice_page("auth.register_sent_title", "auth.register_sent")


async def confirm_registration_route(request: Request) -> Response:
    """The link mailed at registration: creates the account and logs its owner in."""
    token = request.path_params["token"]
    ip, user_agent = _client_ip(request), request.headers.get("user-agent", "")

    def confirm() -> tuple[str, str]:
        with session_scope() as session:
            actor = registration.confirm(session, token)
            return auth.open_session(session, actor.id, ip, user_agent), actor.role

    try:
        raw, role = await asyncio.to_thread(confirm)
    except ServiceError:
        return notice_page("auth.register_link_title", "auth.error.registration_link_invalid", 410)
    return _with_session(_see_other(auth.home_for(role)), raw)


async def logout_route(request: Request) -> Response:
    if not _origin_allowed(request):
        return _refuse_origin(request)
    raw = request.cookies.get(settings.SESSION_COOKIE)

    def end() -> set[int]:
        with session_scope() as session:
            auth.logout(session, raw)
            return auth.sessions_ended_in(session)

    live.end_sessions(await asyncio.to_thread(end))  # every open tab of the user, this browser's included
    response = _see_other(auth.LOGIN_PAGE)
    response.delete_cookie(
        settings.SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.COOKIE_SECURE
    )
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


async def metrics_route(request: Request) -> Response:
    """Prometheus' scrape, for the addresses of `PIXMANIA_METRICS_ALLOW` only: anyone else is told
    there is nothing here, as for any unknown path."""
    if not network.within(_client_ip(request), settings.METRICS_ALLOW):
        return Response("Not found", status_code=404, media_type="text/plain")
    return Response(await asyncio.to_thread(metrics.render), media_type=metrics.CONTENT_TYPE)


v1.app.include_router(seller.router)
v1.app.include_router(operator.router)

api = Starlette(
    routes=[
        Route("/auth/login", login_route, methods=["POST"]),
        Route("/auth/register", register_route, methods=["POST"]),
        Route(registration.CONFIRM_PATH + "{token}", confirm_registration_route, methods=["GET"]),
        Route("/auth/logout", logout_route, methods=["POST"]),
        Route("/api/health", health_route, methods=["GET"]),
        Route("/metrics", metrics_route, methods=["GET"]),
        *api_files.ROUTES,
        Mount(v1.PREFIX, app=v1.app),
    ],
    middleware=[Middleware(edge.Edge)],
)
