"""Playwright in Chromium against a seeded production build of the app.

Each test module gets its own freshly seeded server, so one journey's changes (a case
decided, a line reported) never decide what another journey finds.

A test marked `@pytest.mark.scaled` runs twice: on the SQLite server and on a server on
PostgreSQL + Redis with several workers (see tests/backends.py for when the scaled
variant runs)."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.backends import parametrize_scaled, server_fixtures

DEMO_PASSWORD = "demo-Pixmania-2026"
#: A case page's address: its public reference.
CASE_URL = re.compile(r"/incidents/INC-\d{4}-\d{6}$")
# Live pushes and page loads on a shared 2-core machine: wait as long as a patient user would.
expect.set_options(timeout=15_000)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


e2e_server_sqlite, e2e_server_scaled, e2e_server = server_fixtures("e2e_server", "module")


def pytest_generate_tests(metafunc):
    parametrize_scaled(metafunc, "e2e_server", "module")


# Module scope: sync Playwright runs an event loop in this thread while it is open, which
# would break the asyncio.run() of the integration tests that follow.
@pytest.fixture(scope="module")
def browser():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS) if exe else p.chromium.launch(args=LAUNCH_ARGS)
        yield b
        b.close()


class Session:
    """One user's browser context, with their console errors collected."""

    def __init__(self, browser: Browser, base_url: str, **context_options) -> None:
        self.context: BrowserContext = browser.new_context(
            base_url=base_url, locale="fr-FR", timezone_id="Europe/Paris", **context_options
        )
        self.context.set_default_timeout(15_000)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def login(self, email: str, password: str = DEMO_PASSWORD) -> Page:
        page = self.page
        page.goto("/login")
        page.get_by_label(re.compile(r"adresse e-mail", re.I)).fill(email)
        page.get_by_label(re.compile(r"mot de passe", re.I)).fill(password)
        page.get_by_role("button", name=re.compile(r"se connecter", re.I)).click()
        page.wait_for_url(lambda u: "/login" not in u)
        return page

    def new_tab(self) -> Page:
        return self.context.new_page()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(browser, e2e_server):
    sessions: list[Session] = []

    def factory(email: str | None = None) -> Session:
        s = Session(browser, e2e_server.url)
        sessions.append(s)
        if email:
            s.login(email)
        return s

    yield factory
    for s in sessions:
        s.close()


__all__ = ["expect"]
