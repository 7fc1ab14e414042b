"""Issue 13 against a real app process: uploads refused before their body is read, the
headers of every kind of response, the refused-origin page, demo accounts kept on
localhost, and no raw session cookie in Redis."""

from __future__ import annotations

import asyncio
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from pixmania_incidents.edge import UPLOAD_LIMIT
from pixmania_incidents.services.auth import seal_token
from tests.protocol import ReflexClient, login_cookie
from tests.server import make_server, redis_database

pytestmark = pytest.mark.integration

PASSWORD = "demo-Pixmania-2026"
CUSTOMER = "client@demo.example.com"


def _raw_post(url: str, headers: dict[str, str], body: bytes = b"", timeout: float = 10) -> tuple[int, float]:
    """Sends a POST's head (and `body`) but never the rest; returns the status and how long it took."""
    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": parts.netloc, **headers}.items())
        sock.sendall(f"POST {parts.path} HTTP/1.1\r\n{head}\r\n".encode() + body)
        answer = sock.recv(4096)
    return int(answer.split(b" ", 2)[1]), time.monotonic() - started


def _upload_headers(length: int, cookie: str | None = None) -> dict[str, str]:
    headers = {
        "Content-Type": "multipart/form-data; boundary=xyz",
        "Content-Length": str(length),
        "Reflex-Client-Token": "00000000-0000-0000-0000-000000000000",
        "Reflex-Event-Handler": "reflex___state____state.anything",
    }
    return {**headers, "Cookie": cookie} if cookie else headers


def test_an_anonymous_upload_is_refused_before_its_body_is_sent(app_server):
    status, took = _raw_post(f"{app_server.url}/_upload", _upload_headers(50 * 1024 * 1024))
    assert status == 401 and took < 5  # answered without waiting for the 50 MB


def test_an_upload_over_the_limit_is_refused_by_its_length(app_server):
    cookie = login_cookie(app_server.url, CUSTOMER, PASSWORD)
    status, _ = _raw_post(f"{app_server.url}/_upload", _upload_headers(UPLOAD_LIMIT + 1, cookie))
    assert status == 413


@pytest.mark.parametrize("path", ["/login", "/orders", "/favicon.ico", "/api/health", "/no-such-page"])
def test_every_kind_of_response_carries_the_security_headers(app_server, path):
    try:
        response = urllib.request.urlopen(f"{app_server.url}{path}", timeout=10)
    except urllib.error.HTTPError as exc:  # a missing page is still a page
        response = exc
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"] is None  # plain HTTP on localhost


def test_a_form_from_another_origin_gets_the_page_that_says_so(app_server):
    request = urllib.request.Request(
        f"{app_server.url}/auth/login", data=b"email=a%40b.fr&password=x", headers={"Origin": "http://evil.example"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    text = refused.value.read().decode()
    assert refused.value.code == 403 and "Cette adresse n'est pas celle du service" in text
    assert "http://evil.example" in app_server.log_path.read_text()


def test_demo_accounts_stop_the_app_outside_localhost(tmp_path):
    server = make_server(tmp_path, extra_env={"PIXMANIA_PUBLIC_URL": "https://incidents.pixmania.example"})
    with pytest.raises(RuntimeError) as refused:
        server.start(timeout=400)
    assert "PIXMANIA_ALLOW_DEMO=1" in str(refused.value)


def test_redis_never_holds_a_raw_session_cookie(tmp_path):
    import redis

    with redis_database() as redis_url:
        server = make_server(tmp_path, redis_url=redis_url, workers=1).start()
        try:
            cookie = login_cookie(server.url, CUSTOMER, PASSWORD)
            raw = cookie.split("pixmania_session=", 1)[1].split(";")[0]

            async def load_page() -> None:
                client = ReflexClient(server.url, cookie=cookie)
                await client.connect("/orders")
                updates = await client.collect(3)
                await client.close()
                assert "Camille" in str(updates)  # logged in: identity still works from the sealed cookie

            asyncio.run(load_page())
            store = redis.Redis.from_url(redis_url)
            values = b"".join(_values(store, key) for key in store.scan_iter())
            assert seal_token(raw).encode() in values  # the scan does see the tab's headers
            assert raw.encode() not in values
        finally:
            server.stop()


def _values(store, key: bytes) -> bytes:  # noqa: ANN001
    kind = store.type(key)
    if kind == b"string":
        return store.get(key) or b""
    if kind == b"hash":
        return b"".join(k + v for k, v in store.hgetall(key).items())
    if kind in (b"set", b"list", b"zset"):
        items = (
            store.smembers(key)
            if kind == b"set"
            else store.lrange(key, 0, -1)
            if kind == b"list"
            else store.zrange(key, 0, -1)
        )
        return b"".join(items)
    return b""
