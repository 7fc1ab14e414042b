"""The database engine shared by the app, the CLI and the tests.

Why the transaction handling below: Python's sqlite3 module opens a transaction only at the
first INSERT/UPDATE/DELETE, so the reads that decide a change ran outside it and two
concurrent actions could both pass their checks and both write. Here every SQLite
transaction starts at its first statement; a unit of work that may write starts with
`BEGIN IMMEDIATE`, which takes SQLite's single write lock at once, so read-check-write is
serialised and the second writer reads what the first committed. Read-only units start
with a plain `BEGIN` (a consistent snapshot that never waits for writers). PostgreSQL needs
neither: services lock the rows they change (`SELECT … FOR UPDATE`) and the incident's
version is compared by the database on every UPDATE (`models.Incident`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import sqlalchemy as sa
from sqlmodel import Session

from pixmania_incidents import settings

#: Execution option naming how a SQLite transaction begins ("IMMEDIATE" for writers).
_SQLITE_BEGIN = "pixmania_sqlite_begin"


def make_engine(url: str) -> sa.Engine:
    """An engine with the pragmas SQLite needs for a busy single writer (WAL, FKs), or a
    PostgreSQL pool sized from the settings (workers × pool must fit the server)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get(_SQLITE_BEGIN, '')}".strip())

        return engine
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=settings.DB_POOL_SIZE,
        max_overflow=settings.DB_POOL_OVERFLOW,
        pool_timeout=settings.DB_POOL_TIMEOUT,
    )


@cache
def engine_for(url: str) -> sa.Engine:
    return make_engine(url)


@cache
def _writer(engine: sa.Engine) -> sa.Engine:
    """The same pool, whose SQLite transactions take the write lock at their first statement."""
    return engine.execution_options(**{_SQLITE_BEGIN: "IMMEDIATE"})


def get_engine() -> sa.Engine:
    return engine_for(settings.DB_URL)


@contextmanager
def session_scope(engine: sa.Engine | None = None, *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error.

    `write=False` for pure reads: they never wait for a writer on SQLite."""
    engine = engine or get_engine()
    with Session(_writer(engine) if write else engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
