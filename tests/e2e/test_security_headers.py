"""Issue 13 in Chromium: the production build runs under its Content-Security-Policy without a
single violation or console error, on every role's landing page and on an incident page."""

import re

import pytest
from playwright.sync_api import expect

from tests.backends import open_cases

LANDINGS = [
    ("client@demo.example.com", "/orders", "Camille Martin"),
    ("vendeur.techshop@demo.example.com", "/board", "Thomas Leroy"),
    ("support@demo.example.com", "/supervision", "Sophie Garnier"),
    ("arbitre@demo.example.com", "/supervision", "Antoine Rousseau"),
    ("produit@demo.example.com", "/flags", "Nadia Benali"),
    ("admin@demo.example.com", "/admin/accounts", "Marc Dubois"),
]
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _watched(open_session):
    session = open_session()
    session.context.add_init_script(WATCH_VIOLATIONS)
    console: list[str] = []
    session.page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    return session, console


def _assert_clean(session, console: list[str]) -> None:
    assert session.page.evaluate("window.__cspViolations || []") == []
    assert console == [] and session.errors == []


@pytest.mark.parametrize("email,home,name", LANDINGS)
def test_each_landing_page_runs_under_the_policy(open_session, email, home, name):
    session, console = _watched(open_session)
    response = session.page.goto("/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    session.login(email)
    page = session.page
    expect(page).to_have_url(re.compile(re.escape(home) + r"/?$"))
    expect(page.get_by_text(name).first).to_be_visible()  # the websocket answered: identity reached the page
    _assert_clean(session, console)


def test_an_incident_page_runs_under_the_policy(open_session, e2e_server):
    incident_id, reference, _seller = open_cases(e2e_server, "client@demo.example.com")[0]
    session, console = _watched(open_session)
    session.login("client@demo.example.com")
    session.page.goto(f"/incidents/{reference}")
    expect(session.page.get_by_text(reference).first).to_be_visible()
    _assert_clean(session, console)
