"""Cold load of an incident page with 50 messages, production build, in Chromium.

Each load is a fresh browser context (empty cache, the customer's session cookie set):
from navigation start until the newest message is on screen. The baseline, alternated
with it in the same run, is the blank Reflex page of `bench/blank_app` loaded the same
way until its heading shows.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.propagation import blank_server, fill
from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.services import auth, incidents
from tests.server import make_server

MESSAGES = 50
RUNS = int(os.environ.get("BENCH_PAGE_RUNS", "7"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GOALS = {"incident_page_load_ms": 1500, "incident_page_load_ratio_vs_blank": 1.5}
FIGURES = tuple(GOALS)


def thread(db_url: str, incident_id: int, customer_cookie: str, seller_cookie: str) -> str:
    """Fill the case up to MESSAGES messages through the service, alternating parties;
    returns a word only the newest one holds."""
    engine = make_engine(db_url)
    try:
        for k in range(MESSAGES):
            cookie = (customer_cookie, seller_cookie)[k % 2]
            body = f"Message {k + 1}, le colis est reparti ce matin (suivi SUIVI{k + 1:03d})"
            with session_scope(engine) as s:
                actor = auth.identify(s, cookie.split("=", 1)[1]).actor
                incidents.post_message(s, actor, incident_id, body)
    finally:
        engine.dispose()
    return f"SUIVI{MESSAGES:03d}"


def _load(browser, base_url: str, path: str, cookie: str | None, text: str) -> float:
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900})
    try:
        if cookie:
            name, value = cookie.split("=", 1)
            context.add_cookies([{"name": name, "value": value, "url": base_url}])
        page = context.new_page()
        started = time.perf_counter()
        page.goto(base_url + path)
        page.get_by_text(text, exact=False).last.wait_for(state="visible", timeout=60_000)
        return (time.perf_counter() - started) * 1000
    finally:
        context.close()


def run() -> dict[str, dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-page-", dir=os.environ.get("BENCH_TMP")) as tmp:
        app = make_server(Path(tmp), seed=False)
        [(incident_id, _ref, customer, seller)] = fill(app.db_url, 1)
        newest = thread(app.db_url, incident_id, customer, seller)
        blank = blank_server(Path(tmp), None, None, 1)
        print("page load: starting both apps (production builds) ...", file=sys.stderr)
        try:
            app.start()
            blank.start()
            with sync_playwright() as p:
                exe = shutil.which("chromium") or shutil.which("chromium-browser")
                browser = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS)
                ours, base = [], []
                for _ in range(RUNS + 1):
                    ours.append(_load(browser, app.url, f"/incidents/{incident_id}", customer, newest))
                    base.append(_load(browser, blank.url, "/", None, "Page vide"))
                browser.close()
        finally:
            app.stop()
            blank.stop()
    ours, base = ours[1:], base[1:]  # the first of each warms the servers' file caches
    print(
        f"  incident page {statistics.median(ours):.0f} ms (runs {[round(x) for x in ours]}), blank page "
        f"{statistics.median(base):.0f} ms (runs {[round(x) for x in base]})",
        file=sys.stderr,
    )
    page_ms, blank_ms = statistics.median(ours), statistics.median(base)
    return {
        "incident_page_load_ms": {"value": round(page_ms), "unit": "ms", "goal": GOALS["incident_page_load_ms"]},
        "incident_page_load_ratio_vs_blank": {
            "value": round(page_ms / blank_ms, 2),
            "unit": "x",
            "goal": GOALS["incident_page_load_ratio_vs_blank"],
        },
    }


if __name__ == "__main__":
    from bench.__main__ import report

    report(run())
