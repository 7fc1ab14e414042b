"""Issue #12, "outage test": the database goes away for a while under an open case page.

The server runs on PostgreSQL reached through a small TCP proxy written here, so the outage
is a real one (connections dropped, new ones refused) while the shared PostgreSQL service
keeps running for everyone else. What a user must notice: a clear message when something
cannot be done, a page opened meanwhile saying it cannot load, and the same tab working
again once the database is back, without a reload.
"""

from __future__ import annotations

import asyncio
import re
import threading

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.backends import open_cases
from tests.server import PG_ADMIN_URL, free_port, make_server, pg_database

CUSTOMER = "client@demo.example.com"


class CuttableProxy:
    """127.0.0.1:`port` forwarded to PostgreSQL; `cut()` drops every connection and refuses
    new ones until `restore()`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    def _run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    def start(self) -> "CuttableProxy":
        self._thread.start()
        self.restore()
        return self

    def restore(self) -> None:
        self._run(self._listen())

    def cut(self) -> None:
        self._run(self._cut())

    def close(self) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._links |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._links -= {writer, up_writer}


@pytest.fixture(scope="module")
def proxy():
    url = sa.engine.make_url(PG_ADMIN_URL)
    try:
        sa.create_engine(PG_ADMIN_URL).connect().close()
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable: {exc.orig}")
    cuttable = CuttableProxy(url.host or "127.0.0.1", url.port or 5432).start()
    yield cuttable
    cuttable.close()


@pytest.fixture(scope="module")
def e2e_server(tmp_path_factory, proxy):
    """This module's own server, on a PostgreSQL database of its own, through the proxy."""
    with pg_database("pixmania_outage") as direct:
        through_proxy = sa.engine.make_url(direct).set(host="127.0.0.1", port=proxy.port)
        server = make_server(
            tmp_path_factory.mktemp("outage"), db_url=through_proxy.render_as_string(hide_password=False)
        )
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _mark(page: Page) -> None:
    page.evaluate("window.__noReload = 'still here'")


def test_the_database_goes_away_under_an_open_case_and_the_same_tab_works_again(open_session, e2e_server, proxy):
    customer = open_session(CUSTOMER)
    page = customer.page
    (_, case_ref, _), (_, other_ref, _) = open_cases(e2e_server, CUSTOMER)[:2]
    page.goto(f"/incidents/{case_ref}")
    expect(page.get_by_test_id("case-reference")).to_be_visible()
    _mark(page)
    composer = page.get_by_label("Votre message")
    send = page.get_by_role("button", name="Envoyer")

    proxy.cut()
    try:
        # Acting during the outage: told what failed and that nothing was saved; nothing stuck or lost.
        composer.fill("Message écrit pendant la panne.")
        send.click()
        notice = page.get_by_test_id("failure-notice")
        expect(notice).to_contain_text("L'envoi de votre message a échoué")
        expect(notice).to_contain_text("rien n'a été enregistré")
        expect(send).to_be_enabled()
        expect(composer).to_have_value("Message écrit pendant la panne.")
        expect(page.get_by_test_id("draft-not-sent")).to_be_visible()
        reference = page.get_by_test_id("failure-reference").inner_text().strip()
        assert reference in e2e_server.log_path.read_text(errors="replace")

        # A page opened during the outage says it cannot load, and keeps trying by itself.
        other = customer.new_tab()
        other.goto(f"/incidents/{other_ref}")
        expect(other.get_by_test_id("page-loading")).to_contain_text("n'a pas pu se charger", timeout=25_000)
        other.wait_for_timeout(8_000)  # the outage lasts
        expect(other.get_by_test_id("page-loading")).to_contain_text("n'a pas pu se charger")
    finally:
        proxy.restore()

    # The database is back: the waiting page loads by itself, the first tab sends without a reload.
    expect(other.get_by_test_id("case-reference")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Fermer").click()
    send.click()
    expect(page.get_by_test_id("thread")).to_contain_text("Message écrit pendant la panne.", timeout=15_000)
    expect(composer).to_have_value("")
    expect(page.get_by_test_id("draft-not-sent")).to_have_count(0)
    assert page.evaluate("window.__noReload") == "still here"
    assert re.search(r"unexpected error [0-9A-F]{6}", e2e_server.log_path.read_text(errors="replace"))
    assert not customer.errors
