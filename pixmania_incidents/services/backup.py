"""Backups that restore: the database and the evidence files its rows name, as one copy.

Why files follow rows: a file is in place (or still staged, see `evidence.path_of`) from
the moment its row commits and is never deleted while a row names it, so copying the
files the *copied* rows name gives a backup where every row has its file, whatever the
app writes meanwhile. Each file is checked against its row's SHA-256 on the way out and
on the way back.

SQLite: `backup` takes the database with SQLite's online backup API (one step, so one
instant, while the app keeps writing), then the files of its rows. PostgreSQL: the dump
is `pg_dump`'s job; `backup` gives the commands with the URL's parts and copies the
files of every row committed when it runs, which covers a dump taken before it. A
backup is complete once `manifest.json` is written; `restore` refuses anything else,
puts the files back first, then the database, and refuses to overwrite a database that
holds any row unless forced.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from pixmania_incidents import settings
from pixmania_incidents.db import make_engine
from pixmania_incidents.services import evidence
from pixmania_incidents.services.common import now

MANIFEST = "manifest.json"
SQLITE_FILE = "pixmania.db"
PG_DUMP_FILE = "pixmania.dump"
FILES = "evidence"
CHECKSUMS = "evidence.sha256"


class BackupError(Exception):
    """A refusal for the operator, in their words (the command line shows it as is)."""


@dataclass
class BackupReport:
    database: str  # "sqlite" | "postgresql"
    complete: bool
    files: int = 0
    #: Rows whose file was not found, or did not match its SHA-256.
    missing: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    #: What the operator runs (PostgreSQL), as argv lists, in order.
    commands: list[list[str]] = field(default_factory=list)


# --- shared ------------------------------------------------------------------------------


def _copy_checked(source: Path, target: Path, sha256: str) -> bool:
    """Copy through a temporary name (so a target is whole or absent); False if the bytes
    do not match `sha256` (nothing is written then)."""
    data = source.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        return False
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    return True


def _copy_files(
    entries: Iterable[tuple[str, str]], source_of: Callable[[str], Path], target_dir: Path, report: BackupReport
) -> list[tuple[str, str]]:
    """Copy each (stored name, SHA-256); returns those now in `target_dir`, the ones that
    were already there (same name and size: stored names are random) included."""
    target_dir.mkdir(parents=True, exist_ok=True)
    done = []
    for stored_name, sha256 in entries:
        source, target = source_of(stored_name), target_dir / stored_name
        if not source.exists():
            report.missing.append(stored_name)
        elif target.exists() and target.stat().st_size == source.stat().st_size:
            done.append((stored_name, sha256))
        elif _copy_checked(source, target, sha256):
            done.append((stored_name, sha256))
        else:
            report.damaged.append(stored_name)
    report.files = len(done)
    return done


def _evidence_rows(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT stored_name, sha256 FROM evidence ORDER BY id"))]


def _has_rows(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            if table != "alembic_version" and conn.execute(sa.text(f'SELECT 1 FROM "{table}" LIMIT 1')).first():
                return True
    return False


def _write_manifest(folder: Path, report: BackupReport, files: list[tuple[str, str]]) -> None:
    """Written last: a folder without it is not a backup. The checksums are in
    `sha256sum` form (`cd evidence && sha256sum -c ../evidence.sha256` checks them)."""
    (folder / CHECKSUMS).write_text("".join(f"{sha256}  {name}\n" for name, sha256 in files))
    manifest = {
        "format": 1,
        "created_at": now().isoformat(),
        "database": report.database,
        "files": report.files,
        "missing": report.missing,
        "damaged": report.damaged,
    }
    tmp = folder / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, folder / MANIFEST)


def _checksums(folder: Path) -> list[tuple[str, str]]:
    pairs = (line.split("  ", 1) for line in (folder / CHECKSUMS).read_text().splitlines() if line)
    return [(name, sha256) for sha256, name in pairs]


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: nothing to back up")
    return Path(url.database)


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as con:
        return ", ".join(row[0] for row in con.execute("PRAGMA integrity_check"))


def _pg_args(url: sa.URL) -> list[str]:
    args = [f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}"]
    return args + ([f"--username={url.username}"] if url.username else [])


# --- backup ------------------------------------------------------------------------------


def backup(folder: Path) -> BackupReport:
    """Copy the database named by `settings.DB_URL` and its evidence files into `folder`."""
    url = sa.make_url(settings.DB_URL)
    folder = Path(folder)
    if url.get_backend_name() == "sqlite":
        return _backup_sqlite(_sqlite_path(url), folder)
    if url.get_backend_name() == "postgresql":
        return _backup_postgresql(url, folder)
    raise BackupError(f"no backup for {url.get_backend_name()} databases")


def _backup_sqlite(source: Path, folder: Path) -> BackupReport:
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give a new folder for each backup")
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{SQLITE_FILE}.partial"
    with sqlite3.connect(source, timeout=30) as live, sqlite3.connect(partial) as copy:
        live.backup(copy)  # all pages in one step: the database as of one instant
    live.close()
    copy.close()
    if (result := _integrity(partial)) != "ok":
        raise BackupError(f"the copy failed its integrity check: {result}")
    os.replace(partial, folder / SQLITE_FILE)
    report = BackupReport("sqlite", complete=True)
    copied = make_engine(f"sqlite:///{folder / SQLITE_FILE}")
    try:
        files = _copy_files(_evidence_rows(copied), evidence.path_of, folder / FILES, report)
    finally:
        copied.dispose()
    _write_manifest(folder, report, files)
    return report


def _backup_postgresql(url: sa.URL, folder: Path) -> BackupReport:
    """The files of every committed row; complete once the dump is in `folder` (taken
    before this copy, so that every row it holds has its file here)."""
    ours = {MANIFEST, PG_DUMP_FILE, FILES, CHECKSUMS}
    if folder.exists() and any(p.name not in ours for p in folder.iterdir()):
        raise BackupError(f"{folder} holds other files: give a new folder for each backup")
    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / PG_DUMP_FILE
    report = BackupReport("postgresql", complete=dump.exists())
    report.commands.append(
        ["pg_dump", "--format=custom", "--no-owner", *_pg_args(url), f"--file={dump}", url.database or ""]
    )
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        files = _copy_files(_evidence_rows(engine), evidence.path_of, folder / FILES, report)
    finally:
        engine.dispose()
    if report.complete:
        _write_manifest(folder, report, files)
    return report


# --- restore -----------------------------------------------------------------------------


def restore(folder: Path, force: bool = False) -> BackupReport:
    """Put a complete backup back: the evidence files into `settings.EVIDENCE_DIR` first,
    then the database named by `settings.DB_URL` (on PostgreSQL, the command to run)."""
    folder = Path(folder)
    if not (folder / MANIFEST).exists():
        raise BackupError(f"{folder} holds no complete backup (no {MANIFEST})")
    kind = json.loads((folder / MANIFEST).read_text())["database"]
    url = sa.make_url(settings.DB_URL)
    if kind != url.get_backend_name():
        raise BackupError(f"this is a {kind} backup; the app's database is {url.get_backend_name()}")
    if kind == "sqlite":
        _sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
    target = make_engine(url.render_as_string(hide_password=False))
    try:
        if not force and _has_rows(target):
            raise BackupError("the database is not empty: restoring would replace it; add --force to do so")
    finally:
        target.dispose()
    copy = folder / SQLITE_FILE
    if kind == "sqlite" and (result := _integrity(copy)) != "ok":
        raise BackupError(f"the backup's database failed its integrity check: {result}")
    report = BackupReport(kind, complete=True)
    # Files first: once the rows are back, each finds its file.
    _copy_files(_checksums(folder), lambda name: folder / FILES / name, Path(settings.EVIDENCE_DIR), report)
    if kind == "sqlite":
        path = _sqlite_path(url)
        with sqlite3.connect(copy) as saved, sqlite3.connect(path, timeout=30) as live:
            saved.backup(live)
        saved.close()
        live.close()
        if (result := _integrity(path)) != "ok":
            raise BackupError(f"the restored database failed its integrity check: {result}")
    else:
        report.commands.append(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                *_pg_args(url),
                f"--dbname={url.database}",
                str(folder / PG_DUMP_FILE),
            ]
        )
    return report
