"""A back office's webhook endpoint for the tests: a small aiohttp server in a thread that verifies
each request with the stock Standard Webhooks verifier and keeps what it accepted, per path."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict

from aiohttp import web
from standardwebhooks.webhooks import Webhook

from tests.server import free_port

#: Seconds a delivery may take to arrive (the sender's loop, retries, a shared machine).
WAIT = 90


class Receiver:
    """A back office's webhook endpoint: verifies each request with the stock verifier and keeps
    what it accepted, per path; `stop()`/`start()` make a real outage (nothing listens)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.secrets: dict[str, str] = {}
        self.got: dict[str, list[dict]] = defaultdict(list)
        self.refused = 0
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        body = await request.text()
        try:
            event = Webhook(self.secrets[path]).verify(body, dict(request.headers))
        except Exception:  # noqa: BLE001 - a bad signature is answered 401 and counted
            self.refused += 1
            return web.Response(status=401)
        self.got[path].append({"id": request.headers["webhook-id"], **event})
        return web.json_response({"ok": True})

    def _run(self, coro):  # noqa: ANN001
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def start(self) -> None:
        async def up() -> None:
            app = web.Application()
            app.router.add_post("/{path}", self._handle)
            self.runner = web.AppRunner(app)
            await self.runner.setup()
            await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

        self._run(up())

    def stop(self) -> None:
        self._run(self.runner.cleanup())

    def types(self, path: str) -> set[str]:
        return {e["type"] for e in self.got[path]}

    def wait_for(self, path: str, wanted: set[str] | None = None, ids: set[str] | None = None) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if (wanted is None or wanted <= self.types(path)) and (
                ids is None or ids <= {e["id"] for e in self.got[path]}
            ):
                return
            time.sleep(0.5)
        raise AssertionError(
            f"{path}: still missing {(wanted or set()) - self.types(path)}, "
            f"{len((ids or set()) - {e['id'] for e in self.got[path]})} deliveries"
        )
