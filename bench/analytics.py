"""Trends, insights, the CSV export and the supervision queues on a generated year of cases.

200,000 incidents (BENCH_ANALYTICS_INCIDENTS) opened over the last 365 days across 1,000
shops, one of them with 10 % of them (20,000: the insights figure), in every type, 8 % still
open with deadlines spread so that some are at risk and some breached, with their response
and resolution clocks, 5 % arbitrated and decided, 30 % rated and 5 % with a lesson. Rows go
in by bulk executemany into a temporary SQLite (the default database of one machine), then
into a PostgreSQL database of its own for the same figures suffixed `_postgres`.

Figures (median of PASSES runs, first discarded): `trends_ms_1y_large` (support, one year),
`insights_ms_large` (the big shop, one year), `trends_csv_peak_mb_1y_large` (the peak of
Python allocations while the one-year export is read to the end: it streams, so it stays at
one batch) and `supervision_ms_large` (the slowest first page among the queues and filters,
each printed).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from pixmania_incidents.calendar import paris_date
from pixmania_incidents.db import make_engine
from pixmania_incidents.models import (
    ArbitrationRequest,
    CustomerOrder,
    Deadline,
    Decision,
    Incident,
    Lesson,
    Listing,
    OrderLine,
    Rating,
    Role,
    Shop,
    User,
)
from pixmania_incidents.policy import SOLUTION_LABELS, TYPES
from pixmania_incidents.services import analytics, supervision
from pixmania_incidents.services.common import Actor, set_clock
from pixmania_incidents.vocabulary import ROOT_CAUSES
from tests.conftest import migrate
from tests.server import pg_database

INCIDENTS = int(os.environ.get("BENCH_ANALYTICS_INCIDENTS", "200000"))
SHOPS = 1000
LISTINGS_PER_SHOP = 5
CUSTOMERS = 20_000
BIG_SHOP_SHARE = 0.10
PASSES = 2
CHUNK = 20_000
FIGURES = ("trends_ms_1y_large", "insights_ms_large", "trends_csv_peak_mb_1y_large", "supervision_ms_large")
GOALS = {
    "trends_ms_1y_large": 1000,
    "insights_ms_large": 300,
    "trends_csv_peak_mb_1y_large": 50,
    "supervision_ms_large": 50,
}
KINDS = [k.strip() for k in os.environ.get("BENCH_ANALYTICS_DATABASES", "sqlite,postgres").split(",") if k.strip()]


def fill(engine: sa.Engine, count: int, at: datetime) -> dict[str, int]:
    """The marketplace and `count` incidents; the ids the figures act as."""
    rnd = random.Random(15)
    types, outcomes = list(TYPES), list(SOLUTION_LABELS)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Shop),
            [
                {
                    "id": s,
                    "name": f"Boutique {s:04d}",
                    "address": "1 rue A, 69002 Lyon",
                    "closed_days": [],
                    "created_at": at,
                }
                for s in range(1, SHOPS + 1)
            ],
        )
        staff = [
            {"id": 1, "email": "support@bench.example.com", "name": "Support", "role": Role.support},
            {"id": 2, "email": "arbitre@bench.example.com", "name": "Arbitre", "role": Role.arbitrator},
            {"id": 3, "email": "vendeur@bench.example.com", "name": "Vendeur", "role": Role.seller, "shop_id": 1},
        ]
        customers = [
            {"id": 10 + c, "email": f"client{c}@bench.example.com", "name": f"Client {c:05d}", "role": Role.customer}
            for c in range(CUSTOMERS)
        ]
        conn.execute(
            sa.insert(User), [{"shop_id": None, "password_hash": "!", "created_at": at, **u} for u in staff + customers]
        )
        listings = [
            {
                "id": n,
                "shop_id": (n - 1) // LISTINGS_PER_SHOP + 1,
                "sku": f"SKU-{n:06d}",
                "title": f"Article {n}",
                "price_cents": 5_000,
            }
            for n in range(1, SHOPS * LISTINGS_PER_SHOP + 1)
        ]
        conn.execute(sa.insert(Listing), listings)
        conn.execute(
            sa.insert(CustomerOrder),
            [
                {
                    "id": n,
                    "reference": f"CMD-{n:06d}",
                    "customer_id": 10,
                    "shop_id": lst["shop_id"],
                    "placed_at": at - timedelta(days=400),
                }
                for n, lst in enumerate(listings, 1)
            ],
        )
        conn.execute(
            sa.insert(OrderLine),
            [
                {"id": n, "order_id": n, "listing_id": n, "unit_price_cents": 5_000, "total_cents": 5_000}
                for n in range(1, len(listings) + 1)
            ],
        )
    for start in range(0, count, CHUNK):
        rows: dict[type, list[dict[str, Any]]] = {
            m: [] for m in (Incident, Deadline, ArbitrationRequest, Decision, Rating, Lesson)
        }
        for i in range(start + 1, min(start + CHUNK, count) + 1):
            shop = 1 if rnd.random() < BIG_SHOP_SHARE else rnd.randint(2, SHOPS)
            listing = (shop - 1) * LISTINGS_PER_SHOP + rnd.randint(1, LISTINGS_PER_SHOP)
            is_open = rnd.random() < 0.08
            opened = at - timedelta(days=rnd.uniform(0.1, 20) if is_open else rnd.uniform(20, 364))
            answered = opened + timedelta(hours=rnd.uniform(0.2, 70)) if rnd.random() < 0.9 else None
            answered = answered if answered is None or answered < at else None
            arbitrated = not is_open and rnd.random() < 0.05
            resolved = None if is_open else opened + timedelta(days=rnd.uniform(1, 15))
            due = opened + timedelta(days=10)
            state = rnd.choice(("open", "in_progress", "awaiting_customer")) if is_open else "closed"
            next_due = at + timedelta(hours=rnd.uniform(-30, 200)) if is_open else None
            deadline_state = (
                ("breached" if next_due < at else "at_risk" if next_due < at + timedelta(hours=24) else "on_track")
                if next_due
                else "on_track"
            )
            rows[Incident].append(
                {
                    "id": i,
                    "reference": f"INC-{paris_date(opened).year}-{i:06d}",
                    "type": rnd.choice(types),
                    "state": state,
                    "outcome": None if is_open else "agreed",
                    "order_line_id": listing,
                    "order_id": listing,
                    "shop_id": shop,
                    "listing_id": listing,
                    "customer_id": 10 + rnd.randrange(CUSTOMERS),
                    "description": "Problème.",
                    "calendar": {},
                    "opened_at": opened,
                    "first_response_at": answered,
                    "resolved_at": resolved,
                    "closed_at": resolved and resolved + timedelta(days=2),
                    "help_requested_at": opened + timedelta(hours=1) if is_open and rnd.random() < 0.05 else None,
                    "next_due_at": next_due,
                    "deadline_state": deadline_state,
                    "ball": "seller",
                    "version": 2,
                    "updated_at": opened,
                }
            )
            for kind, due_at, met in (
                ("response", opened + timedelta(hours=48), answered),
                ("resolution", due, resolved),
            ):
                rows[Deadline].append(
                    {
                        "incident_id": i,
                        "kind": kind,
                        "holder": "seller",
                        "due_at": due_at,
                        "met_at": met,
                        "at_risk_at": due_at - timedelta(hours=12),
                        "state": "met" if met else "on_track",
                        "settled": "escalated" if arbitrated and kind == "resolution" else None,
                        "created_at": opened,
                    }
                )
            if arbitrated:
                rows[ArbitrationRequest].append(
                    {
                        "id": i,
                        "incident_id": i,
                        "requested_by_id": 10,
                        "requester_role": "customer",
                        "reason": "Aucune réponse.",
                        "created_at": opened + timedelta(days=3),
                        "statement_due_at": opened + timedelta(days=6),
                    }
                )
                rows[Decision].append(
                    {
                        "incident_id": i,
                        "arbitration_id": i,
                        "arbitrator_id": 2,
                        "outcome": rnd.choice(outcomes),
                        "rationale": "Décidé.",
                        "created_at": opened + timedelta(days=8),
                    }
                )
            if not is_open and rnd.random() < 0.3:
                rows[Rating].append(
                    {
                        "incident_id": i,
                        "customer_id": 10,
                        "score": rnd.randint(1, 5),
                        "created_at": opened + timedelta(days=16),
                    }
                )
            if rnd.random() < 0.05:
                rows[Lesson].append(
                    {
                        "incident_id": i,
                        "author_id": 3,
                        "root_cause": rnd.choice(ROOT_CAUSES),
                        "change": "Corrigé.",
                        "created_at": opened + timedelta(days=16),
                    }
                )
        with engine.begin() as conn:
            for model, batch in rows.items():
                if batch:
                    conn.execute(sa.insert(model), batch)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("shop", "account", "listing", "customerorder", "orderline", "incident", "arbitrationrequest"):
                conn.execute(sa.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))
    return {"support": 1, "seller": 3}


def timed(engine: sa.Engine, call: Callable[[Session], Any], passes: int = PASSES) -> float:
    """Median ms of `call` in its own read-only session (first run discarded: caches warm)."""
    times = []
    for _ in range(passes + 1):
        with Session(engine) as session:
            started = time.perf_counter()
            call(session)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[1:])


def csv_peak_mb(engine: sa.Engine, actor: Actor, start: date, end: date) -> float:
    tracemalloc.start()
    try:
        with Session(engine) as session:
            lines = sum(chunk.count("\n") for chunk in analytics.trends_csv(session, actor, start, end))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"  CSV export: {lines - 1} incidents, peak of Python allocations {peak / 1e6:.1f} MB", file=sys.stderr)
    return peak / 1e6


def supervision_ms(engine: sa.Engine, support: Actor) -> float:
    with Session(engine) as session:
        email = session.execute(sa.select(User.email).where(User.id == 10)).scalar_one()
        reference = session.execute(sa.select(Incident.reference).where(Incident.id == INCIDENTS // 2)).scalar_one()
    cases = {
        "all": supervision.Filters(),
        "help asked": supervision.Filters(queue="help_requested"),
        "at risk": supervision.Filters(queue="at_risk"),
        "breached": supervision.Filters(queue="breached"),
        "arbitration asked": supervision.Filters(queue="arbitration"),
        "a shop": supervision.Filters(shop_id=500),
        "a type": supervision.Filters(type="damaged"),
        "reference": supervision.Filters(text=reference),
        "reference number": supervision.Filters(text=reference[-6:]),
        "customer e-mail": supervision.Filters(text=email),
        "article": supervision.Filters(text="SKU-000123"),
    }
    worst = 0.0
    for name, filters in cases.items():
        ms = timed(engine, lambda s, f=filters: supervision.supervise(s, support, f))  # type: ignore[misc]
        print(f"  supervision, {name}: {ms:.1f} ms", file=sys.stderr)
        worst = max(worst, ms)
    return worst


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "postgres":
        with pg_database("pixmania_bench") as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="bench-analytics-", dir=os.environ.get("BENCH_TMP")) as tmp:
        yield f"sqlite:///{Path(tmp) / 'analytics.db'}"


def run_one(kind: str, at: datetime) -> dict[str, float]:
    with database(kind) as url:
        migrate(url)
        engine = make_engine(url)
        try:
            started = time.monotonic()
            ids = fill(engine, INCIDENTS, at)
            print(
                f"analytics, {kind}: {INCIDENTS} incidents filled in {time.monotonic() - started:.0f} s",
                file=sys.stderr,
            )
            with Session(engine) as session:
                support = Actor.of(session.get(User, ids["support"]))
                seller = Actor.of(session.get(User, ids["seller"]))
            end = paris_date(at)
            start = end - timedelta(days=364)
            return {
                "trends_ms_1y_large": timed(engine, lambda s: analytics.trends(s, support, start, end)),
                "insights_ms_large": timed(engine, lambda s: analytics.seller_insights(s, seller, start, end)),
                "trends_csv_peak_mb_1y_large": csv_peak_mb(engine, support, start, end),
                "supervision_ms_large": supervision_ms(engine, support),
            }
        finally:
            engine.dispose()


def run() -> dict[str, dict[str, Any]]:
    at = datetime.now(timezone.utc).replace(microsecond=0)
    set_clock(lambda: at)
    out = {}
    try:
        for kind in KINDS:
            suffix = "" if kind == "sqlite" else f"_{kind}"
            for name, value in run_one(kind, at).items():
                out[name + suffix] = {
                    "value": round(value, 1),
                    "unit": "MB" if name.endswith("_mb_1y_large") else "ms",
                    "goal": GOALS[name],
                }
    finally:
        set_clock(None)
    return out


if __name__ == "__main__":
    from bench.__main__ import report

    report(run())
