"""Who sees one change to a case (`services.audience.reach`, what `live._users` runs for every
message, proposal and sweep event), among 100 accounts and then among a million more.

Two databases. The small one: a flagged case of a shop with two sellers, 20 other shops with a
seller each, 10 product accounts, 50 staff all with a desk page open, and customers up to 100
accounts. The large one: the same, then the marketplace's size, 1,000,000 customer accounts
(BENCH_AUDIENCE_ACCOUNTS) and 150 more staff at their desks (200 in all), by bulk executemany.
The same change's lookup is timed in each, alternately (median of many). On SQLite and on
PostgreSQL.
The old way (every active account read, then filtered in Python) is timed a few times on the
large data for comparison, printed only.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from bench.sweep import database
from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import CustomerOrder, Incident, Listing, ListingFlag, OrderLine, Role, Shop, User
from pixmania_incidents.services.audience import reach
from tests.conftest import migrate

ACCOUNTS = int(os.environ.get("BENCH_AUDIENCE_ACCOUNTS", "1000000"))
SMALL = 100
LOOKUPS = 300
CHUNK = 20_000
GOAL_MS = 2.0
GOAL_RATIO = 1.5
FIGURES = (
    "audience_ms_small",
    "audience_ms_large",
    "audience_large_vs_small",
    "audience_ms_small_postgres",
    "audience_ms_large_postgres",
    "audience_large_vs_small_postgres",
)


def _accounts(role: Role, start: int, count: int, at: datetime, shop_of: Any = None) -> list[dict[str, Any]]:
    return [
        {
            "email": f"{role}-{i}@bench.example.com",
            "name": f"{role} {i}",
            "role": role,
            "password_hash": "!",
            "shop_id": shop_of(i) if shop_of else None,
            "created_at": at,
            "active": True,
        }
        for i in range(start, start + count)
    ]


def _staff(engine: sa.Engine) -> set[int]:
    with engine.connect() as conn:
        return set(conn.execute(sa.select(User.id).where(User.role.in_([Role.support, Role.arbitrator]))).scalars())


def fill_small(engine: sa.Engine, at: datetime) -> tuple[tuple, set[int]]:
    """100 accounts and one flagged case: the change, and the staff at their desks."""
    with engine.begin() as conn:
        shops = [
            conn.execute(
                sa.insert(Shop).values(
                    name=f"Boutique {i}", address="1 rue A, 69002 Lyon", closed_days=[], created_at=at
                )
            ).inserted_primary_key[0]
            for i in range(21)
        ]
        rows = (
            _accounts(Role.seller, 0, 22, at, lambda i: shops[max(i - 1, 0)])
            + _accounts(Role.product, 0, 10, at)
            + _accounts(Role.support, 0, 35, at)
            + _accounts(Role.arbitrator, 0, 15, at)
        )
        conn.execute(sa.insert(User), rows + _accounts(Role.customer, 0, SMALL - len(rows), at))
        customer = conn.execute(sa.select(sa.func.min(User.id)).where(User.role == Role.customer)).scalar_one()
        listing = conn.execute(
            sa.insert(Listing).values(shop_id=shops[0], sku="AUD-1", title="Article", price_cents=1000)
        ).inserted_primary_key[0]
        order = conn.execute(
            sa.insert(CustomerOrder).values(reference="CMD-AUD", customer_id=customer, shop_id=shops[0], placed_at=at)
        ).inserted_primary_key[0]
        line = conn.execute(
            sa.insert(OrderLine).values(order_id=order, listing_id=listing, unit_price_cents=1000, total_cents=1000)
        ).inserted_primary_key[0]
        incident = conn.execute(
            sa.insert(Incident).values(
                reference="INC-AUD-1",
                type="defective",
                state="open",
                order_line_id=line,
                order_id=order,
                shop_id=shops[0],
                listing_id=listing,
                customer_id=customer,
                description="Ne s'allume plus.",
                calendar={},
                opened_at=at,
                next_due_at=at,
                deadline_state="on_track",
                ball="seller",
                version=1,
                updated_at=at,
            )
        ).inserted_primary_key[0]
        conn.execute(
            sa.insert(ListingFlag).values(
                listing_id=listing,
                incident_id=incident,
                raised_by_id=customer,
                reason="description",
                details="42 cm, pas 30.",
                created_at=at,
                updated_at=at,
            )
        )
    return ("incident", incident, shops[0]), _staff(engine)


def fill_large(engine: sa.Engine, count: int, at: datetime) -> set[int]:
    """`count` more customers and 150 more staff; the staff at their desks now."""
    with engine.begin() as conn:
        conn.execute(sa.insert(User), _accounts(Role.support, 35, 115, at) + _accounts(Role.arbitrator, 15, 35, at))
    first = SMALL
    for start in range(first, first + count, CHUNK):
        with engine.begin() as conn:
            conn.execute(sa.insert(User), _accounts(Role.customer, start, min(CHUNK, first + count - start), at))
    return _staff(engine)


def analyze(engine: sa.Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))


def _lookup(engine: sa.Engine, change: tuple, desk: set[int]) -> float:
    """One change's audience, as `live._users` finds it (one read-only unit of work), in ms."""
    started = time.perf_counter()
    with session_scope(engine, write=False) as session:
        found = reach(session, [change], desk)
    spent = (time.perf_counter() - started) * 1000
    assert len(found.now) == 1 + 2 + 10 and found.desk == frozenset(desk), (
        found
    )  # customer, 2 sellers, the product team
    return spent


def lookups_ms(small: tuple, large: tuple, times: int = LOOKUPS) -> tuple[float, float]:
    """Median ms in each database, timed alternately (so the machine's load weighs on both alike;
    the first ten of each discarded)."""
    spent: tuple[list[float], list[float]] = ([], [])
    for k in range(times + 10):
        for side, (engine, change, desk) in enumerate((small, large)):
            ms = _lookup(engine, change, desk)
            if k >= 10:
                spent[side].append(ms)
    return statistics.median(spent[0]), statistics.median(spent[1])


def floor_ms(engine: sa.Engine, times: int = LOOKUPS) -> float:
    """The floor: the same read-only unit of work around one trivial statement."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        with session_scope(engine, write=False) as session:
            session.connection().execute(sa.text("SELECT 1")).all()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def old_scan_ms(engine: sa.Engine, times: int = 3) -> float:
    """The former lookup's core: every active account read, then matched in Python."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        with session_scope(engine, write=False) as session:
            session.exec(select(User.id, User.role, User.shop_id).where(User.active == sa.true())).all()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def run_one(kind: str) -> tuple[float, float]:
    at = datetime.now(timezone.utc)
    with database(kind) as small_url, database(kind) as large_url:
        engines = []
        try:
            for url in (small_url, large_url):
                migrate(url)
                engines.append(make_engine(url))
            small, large = engines
            small_change, small_desk = fill_small(small, at)
            large_change, _ = fill_small(large, at)
            started = time.monotonic()
            large_desk = fill_large(large, ACCOUNTS, at)
            print(
                f"audience, {kind}: {ACCOUNTS} customer accounts added in {time.monotonic() - started:.0f} s",
                file=sys.stderr,
            )
            for engine in engines:
                analyze(engine)
            small_ms, large_ms = lookups_ms((small, small_change, small_desk), (large, large_change, large_desk))
            old, floor = old_scan_ms(large), floor_ms(large)
        finally:
            for engine in engines:
                engine.dispose()
    print(
        f"  one change's audience: {small_ms:.2f} ms among {SMALL} accounts, {large_ms:.2f} ms with {ACCOUNTS} more "
        f"and 150 more staff (floor, a unit of work around SELECT 1: {floor:.2f} ms; reading every account, "
        f"as before: {old:.0f} ms)",
        file=sys.stderr,
    )
    return small_ms, large_ms


def run() -> dict[str, dict[str, Any]]:
    out = {}
    for kind, suffix in (("sqlite", ""), ("postgres", "_postgres")):
        small, large = run_one(kind)
        out[f"audience_ms_small{suffix}"] = {"value": round(small, 2), "unit": "ms", "goal": GOAL_MS}
        out[f"audience_ms_large{suffix}"] = {"value": round(large, 2), "unit": "ms", "goal": GOAL_MS}
        out[f"audience_large_vs_small{suffix}"] = {"value": round(large / small, 2), "unit": "×", "goal": GOAL_RATIO}
    return out


if __name__ == "__main__":
    from bench.__main__ import report

    report(run())
