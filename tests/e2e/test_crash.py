"""Issue #12, "crash test": the app is killed (SIGKILL to its whole process group) in the
middle of sending a message with a large photo, then restarted on the same data, while the
user's browser stays open on the case.

No test hook: the kill lands by timing, the moment the server starts judging the photo in
its evidence worker (a 35-megapixel PNG keeps it busy for a while). Afterwards: no message
without its photo nor a photo without its message, no file left behind once the cleanup has
run, and the draft back in the composer, saying the photo must be attached again.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.backends import open_cases
from tests.server import backend_pids, make_server, run_cli

CUSTOMER = "client@demo.example.com"
TEXT = "Voici une photo en grand du carton écrasé."


@pytest.fixture(scope="module")
def e2e_server(tmp_path_factory):
    """This module's own server: the test kills and restarts it."""
    server = make_server(tmp_path_factory.mktemp("crash"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _large_photo(folder: Path) -> str:
    """35 megapixels, a few MB: long to decode and shrink, within the upload limit."""
    path = folder / "carton-ecrase.png"
    gradient = Image.linear_gradient("L").resize((7000, 5000))
    Image.merge("RGB", (gradient, gradient.rotate(90, expand=False), gradient)).save(path, "PNG", compress_level=1)
    assert path.stat().st_size < 10 * 1024 * 1024
    return str(path)


def _judging(server) -> bool:
    """The server's evidence worker is running (a photo is being checked)."""
    for pid in backend_pids(server):
        try:
            if b"evidence_worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def _kill_while_judging(server, timeout: float = 60) -> str:
    """SIGKILL the server's process group at the first sign of the upload's work; what it was doing."""
    staging = server.data_dir / "evidence" / ".staging"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        phase = "judging" if _judging(server) else "staged" if staging.is_dir() and any(staging.iterdir()) else ""
        if phase:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=10)
            server.proc = None
            return phase
        time.sleep(0.005)
    raise AssertionError("the upload never reached the server's evidence check")


def _rows(server, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(server.data_dir / "pixmania.db") as conn:
        return conn.execute(sql, args).fetchall()


def test_a_crash_while_sending_a_photo_leaves_no_half_message_no_orphan_file_and_the_draft(
    open_session, e2e_server, tmp_path
):
    customer = open_session(CUSTOMER)
    page = customer.page
    reference = open_cases(e2e_server, CUSTOMER)[0][1]
    page.goto(f"/incidents/{reference}")
    expect(page.get_by_test_id("case-reference")).to_be_visible()
    page.get_by_label("Votre message").fill(TEXT)
    page.locator("#thread_files input[type=file]").set_input_files(_large_photo(tmp_path))
    page.get_by_role("button", name="Envoyer").click()
    phase = _kill_while_judging(e2e_server)
    print(f"killed while {phase}")

    # The connection is gone: the page says so, in French, and keeps what was typed.
    expect(page.get_by_test_id("offline-banner")).to_contain_text("Connexion au serveur perdue", timeout=30_000)
    expect(page.get_by_text("Cannot connect to server")).to_have_count(0)

    e2e_server.start()  # same data, same port
    expect(page.get_by_test_id("offline-banner")).to_have_count(0, timeout=60_000)
    expect(page.get_by_test_id("case-reference")).to_be_visible(timeout=30_000)
    expect(page.get_by_label("Votre message")).to_have_value(TEXT)
    expect(page.get_by_test_id("draft-not-sent")).to_contain_text("non envoyé — réessayer")
    expect(page.get_by_test_id("draft-files-lost")).to_contain_text("carton-ecrase.png")

    # Nothing half-written: the message is there with its photo, or neither is.
    messages = _rows(e2e_server, "SELECT id FROM message WHERE body = ?", TEXT)
    with_photo = _rows(e2e_server, "SELECT message_id FROM evidence WHERE filename LIKE 'carton-ecrase%'")
    assert [m for (m,) in messages] == [m for (m,) in with_photo]
    assert not _rows(
        e2e_server,
        "SELECT id FROM evidence WHERE message_id IS NOT NULL AND message_id NOT IN (SELECT id FROM message)",
    )

    # The cleanup pass (an hour on: what a crash staged is old enough) leaves no orphan file.
    evidence = e2e_server.data_dir / "evidence"
    staging = evidence / ".staging"
    hour_ago = time.time() - 2 * 3600
    for staged in staging.iterdir() if staging.is_dir() else ():
        os.utime(staged, (hour_ago, hour_ago))
    run_cli(e2e_server.env, "cleanup-evidence")
    assert not list(staging.iterdir()) if staging.is_dir() else True
    on_disk = {p.name for p in evidence.iterdir() if p.is_file()}
    named = {name for (name,) in _rows(e2e_server, "SELECT stored_name FROM evidence")}
    assert on_disk == named, f"orphans: {on_disk - named}, missing: {named - on_disk}"

    # And the user sends it again once the photo is attached again.
    page.locator("#thread_files input[type=file]").set_input_files(_large_photo(tmp_path))
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_test_id("thread")).to_contain_text(TEXT, timeout=60_000)
    expect(page.get_by_label("Votre message")).to_have_value("")
    expect(page.get_by_test_id("draft-not-sent")).to_have_count(0)
