"""The edge middleware and the HTTP routes, in process (issue 13): the client's address through
trusted proxies only, the sealed session cookie, the upload guard, the headers of every
response, the refused-origin page, registration's single answer, ids beyond a database integer."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import logging
import re

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pixmania_incidents import db as dbmod
from pixmania_incidents import edge, settings
from pixmania_incidents.api import api
from pixmania_incidents.models import LoginAttempt, MailOutbox, Role, User
from pixmania_incidents.services import auth, evidence, network

GOOD = "correct horse 42 battery"
ORIGIN = settings.PUBLIC_URL


@pytest.fixture
def app_db(engine, monkeypatch, clock):
    monkeypatch.setattr(dbmod, "get_engine", lambda: engine)
    with Session(engine, expire_on_commit=False) as s:
        s.add(
            User(
                email="camille@example.com", name="Camille", role=Role.customer, password_hash=auth.hash_password(GOOD)
            )
        )
        s.commit()
    return engine


@pytest.fixture
def raw_session(app_db) -> str:
    with Session(app_db) as s:
        raw, _ = auth.login(s, "camille@example.com", GOOD, "192.0.2.1")
        s.commit()
    return raw


def _proxies(monkeypatch, value: str) -> None:
    monkeypatch.setattr(settings, "TRUSTED_PROXIES", settings._networks(value))


# --- the client's address ----------------------------------------------------------------


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(monkeypatch):
    headers = {"X-Forwarded-For": "6.6.6.6, 198.51.100.20, 10.0.0.2"}
    assert network.client_address(headers, "10.0.0.1") == "10.0.0.1"  # no proxy configured: the peer
    _proxies(monkeypatch, "10.0.0.0/8, 127.0.0.1")
    # The rightmost hop that is not one of ours; what the client wrote before it is ignored.
    assert network.client_address(headers, "10.0.0.1") == "198.51.100.20"
    assert network.client_address(headers, "203.0.113.9") == "203.0.113.9"  # not through our proxy
    assert network.client_address({}, "127.0.0.1") == "127.0.0.1"
    assert network.client_address({"x-forwarded-for": "not-an-address"}, "127.0.0.1") == "127.0.0.1"
    assert network.client_address({"x-forwarded-for": "2001:db8::7"}, "127.0.0.1") == "2001:db8::7"


def test_the_pages_see_the_address_the_routes_see(monkeypatch):
    """A "change password" or a reset request is counted per address from a websocket event too:
    its headers and peer, read through the same trusted proxies."""
    import reflex as rx

    from pixmania_incidents.shell.session import client_address

    _proxies(monkeypatch, "10.0.0.0/8")
    tab = rx.State(_reflex_internal_init=True)
    tab.router_data = tab._update_router_vars(
        {"headers": {"x-forwarded-for": "6.6.6.6, 198.51.100.20"}, "ip": "10.0.0.1", "token": "t", "sid": "s"}, {}
    )
    assert client_address(tab) == "198.51.100.20"
    tab.router_data = tab._update_router_vars(
        {"headers": {"x-forwarded-for": "6.6.6.6"}, "ip": "203.0.113.9"}, tab.router_data
    )
    assert client_address(tab) == "203.0.113.9"


def test_trusted_proxies_setting_accepts_addresses_and_networks():
    assert settings._networks("127.0.0.1, 10.0.0.0/8 ::1") == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    )


def test_login_behind_the_proxy_is_throttled_per_user_not_per_proxy(app_db, monkeypatch):
    _proxies(monkeypatch, "10.0.0.0/8")
    client = TestClient(api, base_url=ORIGIN, client=("10.0.0.1", 50000))  # the reverse proxy
    for i in range(25):  # 25 different users behind the one proxy address, each mistyping once
        client.post(
            "/auth/login",
            data={"email": f"u{i}@example.com", "password": "wrong password 1"},
            headers={"Origin": ORIGIN, "X-Forwarded-For": f"198.51.100.{i}"},
            follow_redirects=False,
        )
    answer = client.post(
        "/auth/login",
        data={"email": "camille@example.com", "password": GOOD},
        headers={"Origin": ORIGIN, "X-Forwarded-For": "198.51.100.200"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/orders"
    with Session(app_db) as s:
        assert s.exec(select(LoginAttempt.ip).where(LoginAttempt.success.is_(True))).all()[-1] == "198.51.100.200"


def test_a_throttled_login_says_how_long_to_wait(app_db):
    client = TestClient(api, base_url=ORIGIN)
    for _ in range(6):
        answer = client.post(
            "/auth/login",
            data={"email": "camille@example.com", "password": "wrong password 1"},
            headers={"Origin": ORIGIN},
            follow_redirects=False,
        )
    assert answer.headers["location"] == "/login?error=throttled&minutes=1&seconds=2"


# --- the session cookie ------------------------------------------------------------------


async def _echo_cookie(scope, receive, send):  # noqa: ANN001
    cookie = dict(scope["headers"]).get(b"cookie", b"")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": cookie})


def test_the_app_never_sees_a_raw_session_cookie():
    client = TestClient(edge.Edge(_echo_cookie))
    seen = client.get("/x.txt", headers={"Cookie": "theme=dark; pixmania_session=RAWTOKEN123"}).text
    assert "RAWTOKEN123" not in seen
    assert seen == f"theme=dark; pixmania_session={auth.seal_token('RAWTOKEN123')}"
    # A sealed value sent by a client (a leaked hash) is sealed again: it opens nothing.
    again = client.get("/x.txt", headers={"Cookie": f"pixmania_session={auth.seal_token('RAWTOKEN123')}"}).text
    assert again != f"pixmania_session={auth.seal_token('RAWTOKEN123')}"


def test_sealed_and_raw_tokens_find_the_same_session_and_a_stored_hash_does_not(app_db, raw_session):
    with Session(app_db) as s:
        assert auth.identify(s, auth.seal_token(raw_session)).actor.email == "camille@example.com"
        assert auth.identify(s, raw_session) is not None
        assert auth.identify(s, auth.hash_token(raw_session)) is None


# --- uploads -----------------------------------------------------------------------------


def _reader(seen: list[int]):
    async def app(scope, receive, send):  # noqa: ANN001
        total = 0
        while True:
            message = await receive()
            total += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        seen.append(total)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def test_uploads_without_a_login_session_are_refused_before_the_body_is_read(app_db):
    seen: list[int] = []
    client = TestClient(edge.Edge(_reader(seen)))
    answer = client.post("/_upload", content=b"x" * 1000)
    assert answer.status_code == 401 and seen == []
    answer = client.post("/_upload", content=b"x" * 1000, headers={"Cookie": "pixmania_session=forged"})
    assert answer.status_code == 401 and seen == []


def test_uploads_over_the_limit_are_refused_by_their_length_or_cut_as_they_stream(app_db, raw_session):
    assert edge.UPLOAD_LIMIT == evidence.MAX_FILES * evidence.MAX_BYTES + settings.UPLOAD_OVERHEAD_BYTES
    seen: list[int] = []
    client = TestClient(edge.Edge(_reader(seen)), cookies={"pixmania_session": raw_session})
    assert client.post("/_upload", content=b"x" * 1000).status_code == 200 and seen == [1000]
    answer = client.post("/_upload", content=b"", headers={"Content-Length": str(edge.UPLOAD_LIMIT + 1)})
    assert answer.status_code == 413 and seen == [1000]

    def stream():
        chunk = b"x" * (1024 * 1024)
        for _ in range(edge.UPLOAD_LIMIT // len(chunk) + 5):
            yield chunk

    answer = client.post("/_upload", content=stream())  # chunked: no Content-Length
    assert answer.status_code == 413 and seen == [1000]


# --- headers -----------------------------------------------------------------------------


async def _page(scope, receive, send):  # noqa: ANN001
    body = b"<html><script>window.a=1</script><script src='/x.js'></script><script type=module>go()</script></html>"
    html = [(b"content-type", b"text/html; charset=utf-8")]
    await send({"type": "http.response.start", "status": 200, "headers": html})
    await send({"type": "http.response.body", "body": body})


def test_pages_carry_a_policy_allowing_exactly_their_inline_scripts(monkeypatch):
    answer = TestClient(edge.Edge(_page)).get("/board")
    csp = answer.headers["content-security-policy"]
    digest = base64.b64encode(hashlib.sha256(b"window.a=1").digest()).decode()
    assert f"'sha256-{digest}'" in csp and len(re.findall("sha256-", csp)) == 2
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in answer.headers  # the public URL is plain HTTP here
    monkeypatch.setattr(settings, "HSTS", True)
    assert TestClient(edge.Edge(_page)).get("/board").headers["strict-transport-security"].startswith("max-age=")


def test_api_answers_and_downloads_carry_the_headers_too(app_db):
    client = TestClient(api, base_url=ORIGIN)
    answer = client.get("/api/evidence/1")
    assert answer.status_code == 404
    assert answer.headers["content-security-policy"] and answer.headers["x-frame-options"] == "DENY"


# --- routes ------------------------------------------------------------------------------


def test_a_refused_origin_gets_a_page_in_french_then_english_and_a_log_line(app_db, caplog):
    client = TestClient(api, base_url=ORIGIN)
    with caplog.at_level(logging.WARNING, logger="pixmania.api"):
        answer = client.post(
            "/auth/login",
            data={"email": "a@b.fr", "password": "x"},
            headers={"Origin": "http://evil.example"},
            follow_redirects=False,
        )
    assert answer.status_code == 403 and answer.headers["content-type"].startswith("text/html")
    text = answer.text
    assert "Cette adresse n'est pas celle du service" in text and "This is not the service's address" in text
    assert text.index("Cette adresse") < text.index("This is not")
    assert "http://evil.example" in caplog.text and ORIGIN in caplog.text


def test_registration_answers_the_same_whether_or_not_the_address_has_an_account(app_db):
    client = TestClient(api, base_url=ORIGIN)

    def register(email: str):
        return client.post(
            "/auth/register",
            data={"name": "Léa", "email": email, "password": "un mot de passe 2026"},
            headers={"Origin": ORIGIN},
            follow_redirects=False,
        )

    known, unknown = register("camille@example.com"), register("lea@example.fr")
    assert (known.status_code, known.text) == (unknown.status_code, unknown.text) == (200, unknown.text)
    assert "Vérifiez votre boîte mail" in known.text and "set-cookie" not in {**known.headers, **unknown.headers}
    with Session(app_db) as s:
        link = s.exec(select(MailOutbox.body).where(MailOutbox.to_addr == "lea@example.fr")).one()
    path = re.search(r"(/auth/register/confirm/\S+)", link).group(1)
    confirmed = client.get(path, follow_redirects=False)
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/orders"
    assert settings.SESSION_COOKIE in confirmed.headers["set-cookie"]
    assert client.get(path, follow_redirects=False).status_code == 410


@pytest.mark.parametrize(
    "path",
    [
        "/api/evidence/12345678901234567890",
        "/api/labels/12345678901234567890.pdf",
        "/api/evidence/2147483648",
        "/api/evidence/0",
    ],
)
def test_ids_beyond_a_database_integer_are_not_found(app_db, raw_session, path):
    client = TestClient(api, base_url=ORIGIN, raise_server_exceptions=False)
    assert client.get(path, cookies={settings.SESSION_COOKIE: raw_session}).status_code == 404


async def _page_sent_by_path(scope, receive, send):  # noqa: ANN001
    await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/html")]})
    await send({"type": "http.response.pathsend", "path": scope["state"]["page"]})


def test_a_page_sent_by_path_is_read_and_hashed_too(tmp_path):
    page = tmp_path / "404.html"
    page.write_bytes(b"<html><script>lost()</script></html>")
    app = edge.Edge(_page_sent_by_path)
    messages: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        messages.append(message)

    import asyncio

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/x.js",
        "headers": [],
        "state": {"page": str(page)},
        "extensions": {"http.response.pathsend": {}},
    }
    asyncio.run(app(scope, receive, send))
    digest = base64.b64encode(hashlib.sha256(b"lost()").digest()).decode()
    assert digest in dict(messages[0]["headers"])[b"content-security-policy"].decode()
    assert messages[1]["body"] == page.read_bytes()


async def _echo_request_headers(scope, receive, send):  # noqa: ANN001
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"|".join(k for k, _ in scope["headers"])})


def test_pages_are_always_sent_whole_so_a_revalidation_cannot_replace_their_policy():
    client = TestClient(edge.Edge(_echo_request_headers))
    conditional = {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Tue, 01 Dec 2026 10:00:00 GMT",
        "Accept-Encoding": "gzip",
    }
    page = client.get("/orders", headers=conditional).text
    assert "if-none-match" not in page and "if-modified-since" not in page and "accept-encoding" not in page
    asset = client.get("/assets/app.js", headers=conditional).text
    assert "if-none-match" in asset and "accept-encoding" in asset
