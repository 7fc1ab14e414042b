"""Migrations: one head, empty -> head, every downgrade and back up, models == migrations,
and the event log refuses UPDATE/DELETE on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from alembic import command
from pixmania_incidents import models  # noqa: F401
from pixmania_incidents.db import make_engine
from tests.conftest import ROOT


def _config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(_config("sqlite://"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_single_head():
    assert len(ScriptDirectory.from_config(_config("sqlite://")).get_heads()) == 1


def _stepwise_round_trip(url: str) -> None:
    cfg = _config(url)
    revisions = _revisions()
    for rev in revisions:
        command.upgrade(cfg, rev)
    for target in [*reversed(revisions[:-1]), "base"]:
        command.downgrade(cfg, target)
    command.upgrade(cfg, "head")


def _no_model_drift(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def _event_log_is_append_only(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO shop (name, address, calendar_kind, closed_days, work_start, work_end, created_at) "
                "VALUES ('S', '', 'ouvrables', '[]', '08:00', '19:00', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO account (email, name, role, password_hash, locale, active, must_change_password, address, phone, created_at) "
                "VALUES ('a@b.c', 'A', 'customer', '!', 'fr', true, false, '', '', CURRENT_TIMESTAMP)"
            )
        )
    # Events reference an incident; build the smallest chain of rows for one.
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO listing (shop_id, sku, title, description, price_cents) VALUES (1, 'X', 'T', '', 100)")
        )
        conn.execute(
            sa.text(
                "INSERT INTO customerorder (reference, customer_id, shop_id, placed_at, shipping_address) VALUES ('O', 1, 1, CURRENT_TIMESTAMP, '')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO orderline (order_id, listing_id, quantity, unit_price_cents, total_cents) VALUES (1, 1, 1, 100, 100)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO incident (reference, type, state, order_line_id, order_id, shop_id, listing_id, customer_id, description, calendar, "
                "opened_at, deadline_state, ball, version, updated_at) VALUES ('INC-1', 'damaged', 'open', 1, 1, 1, 1, 1, 'd', '{}', "
                "CURRENT_TIMESTAMP, 'on_track', 'seller', 1, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO incidentevent (incident_id, actor_role, kind, before, after, at) "
                "VALUES (1, 'customer', 'opened', '{}', '{}', CURRENT_TIMESTAMP)"
            )
        )
    for statement in ("UPDATE incidentevent SET kind = 'forged'", "DELETE FROM incidentevent"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.text(statement))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT kind FROM incidentevent")).scalars().all() == ["opened"]
    engine.dispose()


def test_sqlite_round_trip_drift_and_append_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    _stepwise_round_trip(url)
    _no_model_drift(url)
    _event_log_is_append_only(url)


def test_postgres_round_trip_drift_and_append_only(pg_empty_url):
    _stepwise_round_trip(pg_empty_url)
    _no_model_drift(pg_empty_url)
    _event_log_is_append_only(pg_empty_url)


def test_conftest_template_is_at_head(migrated_template):
    engine = make_engine(f"sqlite:///{migrated_template}")
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == _revisions()[-1]
    engine.dispose()
