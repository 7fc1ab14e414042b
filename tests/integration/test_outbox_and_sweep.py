"""The running app's own loops: a deadline that passes while a seller has the case open is
recorded once by the app's sweep, shows on the open page without reload, and its e-mail
leaves through the outbox (the default `.eml` folder)."""

from __future__ import annotations

import email
import email.policy
import sqlite3
import time
from datetime import datetime, timedelta, timezone

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import LAUNCH_ARGS, Session

SWEEP_WAIT = 60  # the sweep runs every 15 s, the sender every 5 s


def _db(server) -> sqlite3.Connection:
    return sqlite3.connect(server.data_dir / "pixmania.db", timeout=30)


def _stamp(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")


def _breach_response_clock(server, incident_id: int) -> None:
    """What time would do: the seller's 48 h pass (the due instant moved into the past)."""
    now = datetime.now(timezone.utc)
    with _db(server) as con:
        con.execute(
            "UPDATE deadline SET due_at = ?, at_risk_at = ?, next_check_at = ? "
            "WHERE incident_id = ? AND kind = 'response' AND met_at IS NULL AND settled IS NULL",
            (
                _stamp(now - timedelta(minutes=1)),
                _stamp(now - timedelta(hours=1)),
                _stamp(now - timedelta(minutes=1)),
                incident_id,
            ),
        )


def _breaches(server, incident_id: int) -> int:
    with _db(server) as con:
        return con.execute(
            "SELECT count(*) FROM incidentevent WHERE incident_id = ? AND kind = 'deadline_breached'", (incident_id,)
        ).fetchone()[0]


def _mailed_subjects(server) -> list[str]:
    folder = server.data_dir / "mail"
    return (
        [
            str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"])
            for p in folder.glob("*.eml")
        ]
        if folder.is_dir()
        else []
    )


def test_a_breach_reaches_the_open_page_the_event_log_and_the_mail(app_server):
    with _db(app_server) as con:
        incident_id, reference = con.execute(
            "SELECT id, reference FROM incident WHERE description LIKE '%HDMI%'"
        ).fetchone()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        seller = Session(browser, app_server.url)
        seller.login("vendeur.techshop@demo.example.com")
        page = seller.page
        page.goto(f"/incidents/{incident_id}")
        page.get_by_text(reference).first.wait_for()
        page.wait_for_timeout(1000)
        shown_before = page.get_by_text("Dépassé", exact=True).count()
        assert _breaches(app_server, incident_id) == 0

        _breach_response_clock(app_server, incident_id)

        page.wait_for_function(
            "([before]) => [...document.querySelectorAll('span')].filter(e => e.textContent.trim() === 'Dépassé').length > before",
            arg=[shown_before],
            timeout=SWEEP_WAIT * 1000,
        )
        deadline = time.monotonic() + SWEEP_WAIT
        while not any(reference in s and "Délai dépassé" in s for s in _mailed_subjects(app_server)):
            assert time.monotonic() < deadline, "the breach e-mail never left the outbox"
            time.sleep(1)
        time.sleep(20)  # another sweep pass at least
        assert _breaches(app_server, incident_id) == 1
        with _db(app_server) as con:
            pending = con.execute(
                "SELECT count(*) FROM mailoutbox WHERE status = 'pending' AND subject LIKE ?", (f"%{reference}%",)
            ).fetchone()[0]
        assert pending == 0
        seller.close()
        browser.close()
