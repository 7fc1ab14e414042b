"""`backup` / `restore`: a copy of a live database and its evidence files that restores,
on SQLite (the online backup API) and on PostgreSQL (pg_dump, pg_restore)."""

from __future__ import annotations

import hashlib
import os
import shlex
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from pixmania_incidents import cli, settings
from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import Evidence, Incident, Message
from pixmania_incidents.services import backup, evidence
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.evidence import Checked, Upload
from tests.conftest import opening_evidence
from tests.samples import PDF
from tests.server import pg_database


@pytest.fixture
def live(world, engine, tmp_path, monkeypatch):
    """The app's settings pointing at the test database and its own evidence folder."""
    monkeypatch.setattr(settings, "DB_URL", str(engine.url))
    monkeypatch.setattr(settings, "EVIDENCE_DIR", tmp_path / "live-evidence")
    return world


def open_case(world) -> int:
    result = svc.open_incident(
        world.db,
        world.actor("camille"),
        world.lines["camille_tech_delivered"].id,
        "damaged",
        "Carton écrasé.",
        opening_evidence("damaged"),
    )
    world.db.commit()
    return result.incident_id


def table(url: str, model) -> dict[int, tuple]:  # noqa: ANN001
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {row[0]: tuple(row) for row in conn.execute(select(model.__table__).order_by(model.id))}
    finally:
        engine.dispose()


def test_a_live_sqlite_database_backs_up_and_restores_with_its_files(live, engine, tmp_path, monkeypatch, capsys):
    world = live
    case = open_case(world)
    incident = world.db.get(Incident, case)
    for k in range(20):
        evidence.store(
            world.db, world.actor("camille"), incident, [Checked("pdf", f"{k}.pdf", os.urandom(50_000))], "message"
        )
    world.db.commit()
    written, stop = [], threading.Event()

    def writer() -> None:
        """The app at work: messages, every tenth one with a file, one commit each."""
        k = 0
        while not stop.is_set():
            with session_scope(engine) as session:
                files = [Upload(f"preuve{k}.pdf", PDF)] if k % 10 == 5 else []
                svc.post_message(session, world.actor("camille"), case, f"Message {k}", files)
            written.append(k)
            k += 1

    path_of, waited = evidence.path_of, []

    def path_of_once_more_was_written(stored_name: str) -> Path:
        """Between the database's copy and the files', the app commits more rows and files."""
        if not waited:
            waited.append(len(written))
            while len(written) < waited[0] + 3:
                stop.wait(0.05)
        return path_of(stored_name)

    monkeypatch.setattr(evidence, "path_of", path_of_once_more_was_written)
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 10:
            stop.wait(0.05)
        before = len(written)
        assert cli.main(["backup", str(tmp_path / "backup")]) == 0
        after = len(written)
        while len(written) < after + 5:
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join()
    monkeypatch.setattr(evidence, "path_of", path_of)
    assert after > before  # the app kept writing while the backup ran
    assert "the database and" in capsys.readouterr().out
    source = str(engine.url)

    restored_db = tmp_path / "restored" / "pixmania.db"
    monkeypatch.setattr(settings, "DB_URL", f"sqlite:///{restored_db}")
    monkeypatch.setattr(settings, "EVIDENCE_DIR", tmp_path / "restored" / "evidence")
    assert cli.main(["restore", str(tmp_path / "backup")]) == 0

    with sqlite3.connect(restored_db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        named = dict(con.execute("SELECT stored_name, sha256 FROM evidence"))
    restored, original = table(settings.DB_URL, Message), table(source, Message)
    assert before <= len(restored) <= after
    assert restored == {k: original[k] for k in range(1, max(restored) + 1)}  # one instant: no gap, no torn row
    files, original_files = table(settings.DB_URL, Evidence), table(source, Evidence)
    assert files and files == {k: original_files[k] for k in files}
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in Path(settings.EVIDENCE_DIR).iterdir()}
    assert on_disk == named


def test_restore_refuses_a_database_with_data_unless_forced(live, engine, tmp_path):
    world = live
    case = open_case(world)
    backup.backup(tmp_path / "backup")
    svc.post_message(world.db, world.actor("camille"), case, "Après la sauvegarde")
    world.db.commit()
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(tmp_path / "backup")
    assert cli.main(["restore", str(tmp_path / "backup")]) == cli.USAGE_ERROR
    report = backup.restore(tmp_path / "backup", force=True)
    assert report.complete
    bodies = [m.body for m in table(str(engine.url), Message).values()]
    assert "Après la sauvegarde" not in str(bodies)


def test_backup_wants_a_new_folder_and_restore_a_complete_backup(live, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "something").write_text("x")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.backup(tmp_path / "used")
    with pytest.raises(backup.BackupError, match="no complete backup"):
        backup.restore(tmp_path / "used")


def test_a_file_that_does_not_match_its_row_is_reported(live, tmp_path, capsys):
    world = live
    case = open_case(world)
    svc.post_message(world.db, world.actor("camille"), case, "Preuve", [Upload("a.pdf", PDF)])
    world.db.commit()
    row = world.db.exec(select(Evidence).where(Evidence.filename == "a.pdf")).one()
    evidence.path_of(row.stored_name).write_bytes(b"altered on disk")
    assert cli.main(["backup", str(tmp_path / "backup")]) == 1
    assert f"1 evidence files damaged (SHA-256 differs): {row.stored_name}" in capsys.readouterr().err


# --- PostgreSQL ----------------------------------------------------------------------------


def _fill_pg(url: str, stored_name: str, data: bytes) -> None:
    """The smallest chain of rows for one evidence file."""
    engine = make_engine(url)
    with engine.begin() as conn:
        for statement in (
            (
                "INSERT INTO shop (name, address, calendar_kind, closed_days, work_start, work_end, created_at) "
                "VALUES ('S', '', 'ouvrables', '[]', '08:00', '19:00', CURRENT_TIMESTAMP)"
            ),
            (
                "INSERT INTO account (email, name, role, password_hash, locale, active, must_change_password, address, "
                "phone, created_at) VALUES ('a@b.c', 'A', 'customer', '!', 'fr', true, false, '', '', CURRENT_TIMESTAMP)"
            ),
            "INSERT INTO listing (shop_id, sku, title, description, price_cents) VALUES (1, 'X', 'T', '', 100)",
            (
                "INSERT INTO customerorder (reference, customer_id, shop_id, placed_at, shipping_address) "
                "VALUES ('O', 1, 1, CURRENT_TIMESTAMP, '')"
            ),
            (
                "INSERT INTO orderline (order_id, listing_id, quantity, unit_price_cents, total_cents) "
                "VALUES (1, 1, 1, 100, 100)"
            ),
            (
                "INSERT INTO incident (reference, type, state, order_line_id, order_id, shop_id, listing_id, customer_id, "
                "description, calendar, opened_at, deadline_state, ball, version, updated_at) VALUES ('INC-1', 'damaged', "
                "'open', 1, 1, 1, 1, 1, 'd', '{}', CURRENT_TIMESTAMP, 'on_track', 'seller', 1, CURRENT_TIMESTAMP)"
            ),
        ):
            conn.execute(sa.text(statement))
        conn.execute(
            sa.text(
                "INSERT INTO evidence (incident_id, uploader_id, purpose, filename, stored_name, content_type, size, "
                "sha256, created_at) "
                "VALUES (1, 1, 'opening', 'a.pdf', :name, 'application/pdf', :size, :sha, CURRENT_TIMESTAMP)"
            ),
            {"name": stored_name, "size": len(data), "sha": hashlib.sha256(data).hexdigest()},
        )
    engine.dispose()


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def test_postgresql_backup_gives_the_dump_commands_and_copies_the_files(pg_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(settings, "DB_URL", pg_url)
    monkeypatch.setattr(settings, "EVIDENCE_DIR", tmp_path / "evidence")
    settings.EVIDENCE_DIR.mkdir()
    (settings.EVIDENCE_DIR / "f00d").write_bytes(PDF)
    _fill_pg(pg_url, "f00d", PDF)
    folder = tmp_path / "backup"
    url = sa.make_url(pg_url)

    assert cli.main(["backup", str(folder)]) == 0
    out = capsys.readouterr().out
    dump_line = next(line.strip() for line in out.splitlines() if line.strip().startswith("pg_dump"))
    assert f"--host={url.host}" in dump_line and f"--port={url.port}" in dump_line and dump_line.endswith(url.database)
    assert not (folder / backup.MANIFEST).exists()  # not a backup until the dump is there
    _run(shlex.split(dump_line))
    assert cli.main(["backup", str(folder)]) == 0
    assert "complete" in capsys.readouterr().out and (folder / backup.MANIFEST).exists()

    with pg_database("pixmania_restore") as empty_url:
        monkeypatch.setattr(settings, "DB_URL", empty_url)
        monkeypatch.setattr(settings, "EVIDENCE_DIR", tmp_path / "restored")
        assert cli.main(["restore", str(folder)]) == 0
        restore_line = capsys.readouterr().out.splitlines()[-1].strip()
        assert restore_line.startswith("pg_restore") and f"--dbname={sa.make_url(empty_url).database}" in restore_line
        _run(shlex.split(restore_line))
        assert table(empty_url, Evidence) == table(pg_url, Evidence)
        assert (tmp_path / "restored" / "f00d").read_bytes() == PDF
