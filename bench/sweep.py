"""One deadline sweep pass over 1,000,000 incidents when nothing changed.

5 % of the incidents are open, each with its two running clocks (Deadline rows whose
next check is in the future); the closed 95 % carry what real history carries (10 % of
them a received return label). Rows go in by bulk executemany. The figure is the median
of several `services.sweep.run` passes (lock, pass, release, commit); the baseline, timed
alternately in the same run, is the floor of such a pass: the one indexed query for due
clocks in its own transaction.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from pixmania_incidents.db import make_engine
from pixmania_incidents.models import (
    CustomerOrder,
    Deadline,
    Incident,
    Listing,
    OrderLine,
    ReturnLabel,
    Role,
    Shop,
    User,
)
from tests.conftest import migrate
from tests.server import pg_database

INCIDENTS = int(os.environ.get("BENCH_SWEEP_INCIDENTS", "1000000"))
OPEN_SHARE = 0.05
PASSES = 7
CHUNK = 20_000
GOAL_MS = 50
FIGURES = ("sweep_ms_1m_sqlite", "sweep_ms_1m_postgres")


def fill(engine: sa.Engine, count: int, at: datetime) -> None:
    """`count` incidents on one order line (the sweep never looks at orders)."""
    with engine.begin() as conn:
        shop = conn.execute(
            sa.insert(Shop).values(
                name="Boutique Balayage", address="1 rue A, 69002 Lyon", closed_days=[], created_at=at
            )
        ).inserted_primary_key[0]
        user = conn.execute(
            sa.insert(User).values(
                email="client@balayage.example.com",
                name="Client Balayage",
                role=Role.customer,
                password_hash="!",
                created_at=at,
            )
        ).inserted_primary_key[0]
        listing = conn.execute(
            sa.insert(Listing).values(shop_id=shop, sku="SWEEP-1", title="Article", price_cents=1000)
        ).inserted_primary_key[0]
        order = conn.execute(
            sa.insert(CustomerOrder).values(reference="CMD-SWEEP", customer_id=user, shop_id=shop, placed_at=at)
        ).inserted_primary_key[0]
        line = conn.execute(
            sa.insert(OrderLine).values(order_id=order, listing_id=listing, unit_price_cents=1000, total_cents=1000)
        ).inserted_primary_key[0]
    open_every = round(1 / OPEN_SHARE)
    for start in range(0, count, CHUNK):
        rows, deadlines, labels = [], [], []
        for i in range(start, min(start + CHUNK, count)):
            is_open = i % open_every == 0
            opened = at - timedelta(days=2 if is_open else 200 + i % 300)
            rows.append(
                {
                    "id": i + 1,
                    "reference": f"INC-S-{i:07d}",
                    "type": "defective",
                    "state": ("open", "in_progress")[i % 2] if is_open else "closed",
                    "outcome": None if is_open else "agreed",
                    "order_line_id": line,
                    "order_id": order,
                    "shop_id": shop,
                    "listing_id": listing,
                    "customer_id": user,
                    "description": "Ne s'allume plus.",
                    "calendar": {},
                    "opened_at": opened,
                    "closed_at": None if is_open else opened + timedelta(days=9),
                    "next_due_at": at + timedelta(days=3) if is_open else None,
                    "deadline_state": "on_track",
                    "ball": "seller" if is_open else "",
                    "version": 2,
                    "updated_at": opened,
                }
            )
            if is_open:
                for kind, due in (("response", at + timedelta(days=1)), ("resolution", at + timedelta(days=3))):
                    deadlines.append(
                        {
                            "incident_id": i + 1,
                            "kind": kind,
                            "holder": "seller",
                            "due_at": due,
                            "at_risk_at": due - timedelta(hours=12),
                            "state": "on_track",
                            "next_check_at": due - timedelta(hours=12),
                            "created_at": opened,
                        }
                    )
            elif i % 10 == 1:
                labels.append(
                    {
                        "incident_id": i + 1,
                        "issued_by_id": user,
                        "carrier": "Colissimo",
                        "tracking_number": f"RS{i:09d}",
                        "from_address": "a",
                        "to_address": "b",
                        "created_at": opened,
                        "sent_back_at": opened + timedelta(days=2),
                        "received_at": opened + timedelta(days=4),
                    }
                )
        with engine.begin() as conn:
            conn.execute(sa.insert(Incident), rows)
            if deadlines:
                conn.execute(sa.insert(Deadline), deadlines)
            if labels:
                conn.execute(sa.insert(ReturnLabel), labels)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT setval('incident_id_seq', (SELECT max(id) FROM incident))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))


def _floor(engine: sa.Engine, at: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.select(Deadline.incident_id)
            .where(Deadline.next_check_at <= at)
            .order_by(Deadline.next_check_at)
            .limit(500)
        ).all()


def measure(engine: sa.Engine, at: datetime) -> tuple[float, float]:
    """Median ms of a quiet pass and of its floor, alternated (first of each discarded)."""
    from pixmania_incidents.services import sweep

    passes, floors = [], []
    for k in range(PASSES + 1):
        started = time.perf_counter()
        report = sweep.run(engine, at + timedelta(seconds=k))  # the clock moves on between passes
        passes.append((time.perf_counter() - started) * 1000)
        assert report.ran and report.events == 0, report.summary()
        started = time.perf_counter()
        _floor(engine, at)
        floors.append((time.perf_counter() - started) * 1000)
    return statistics.median(passes[1:]), statistics.median(floors[1:])


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "postgres":
        with pg_database("pixmania_bench") as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="bench-sweep-", dir=os.environ.get("BENCH_TMP")) as tmp:
        yield f"sqlite:///{Path(tmp) / 'sweep.db'}"


def run_one(kind: str) -> tuple[float, float]:
    at = datetime.now(timezone.utc)
    with database(kind) as url:
        migrate(url)
        engine = make_engine(url)
        try:
            started = time.monotonic()
            fill(engine, INCIDENTS, at)
            print(f"sweep, {kind}: {INCIDENTS} incidents filled in {time.monotonic() - started:.0f} s", file=sys.stderr)
            ours, floor = measure(engine, at + timedelta(minutes=1))
        finally:
            engine.dispose()
    print(f"  quiet pass {ours:.1f} ms (floor: one indexed query {floor:.1f} ms)", file=sys.stderr)
    return ours, floor


def run() -> dict[str, dict[str, Any]]:
    out = {}
    for kind in ("sqlite", "postgres"):
        ours, _floor_ms = run_one(kind)
        out[f"sweep_ms_1m_{kind}"] = {"value": round(ours, 1), "unit": "ms", "goal": GOAL_MS}
    return out


if __name__ == "__main__":
    from bench.__main__ import report

    report(run())
