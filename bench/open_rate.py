"""Incidents opened per second through `services.incidents.open_incident` (no evidence).

Each opening is its own unit of work, as in the app: the service (checks, incident,
checklist, two clocks, event, the shop's notification and its mail) and one commit.
The baseline, alternated with it in the same run, is the floor of one opening: an
incident row and its event inserted and committed, nothing else.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bench.sweep import database
from pixmania_incidents.db import make_engine, session_scope
from pixmania_incidents.models import (
    CustomerOrder,
    Incident,
    IncidentEvent,
    Listing,
    OrderLine,
    Role,
    Shipment,
    Shop,
    User,
)
from pixmania_incidents.services import incidents
from pixmania_incidents.services.common import Actor
from tests.conftest import migrate

COUNT = int(os.environ.get("BENCH_OPEN_COUNT", "300"))
CUSTOMERS = 20
GOAL = 200
FIGURES = ("open_incident_per_s_sqlite", "open_incident_per_s_postgres")


def fill(engine: sa.Engine, count: int) -> tuple[list[tuple[Actor, int]], list[dict[str, Any]]]:
    """Delivered order lines: `count` for the service, `count` for the baseline."""
    at = datetime.now(timezone.utc)
    with Session(engine, expire_on_commit=False) as s:
        shop = Shop(name="Boutique Ouverture", address="2 rue B, 33000 Bordeaux")
        s.add(shop)
        s.flush()
        customers = [
            User(email=f"client{k}@ouverture.example.com", name=f"Client {k}", role=Role.customer, password_hash="!")
            for k in range(CUSTOMERS)
        ]
        listing = Listing(shop_id=shop.id, sku="OPEN-1", title="Bouilloire inox 1,7 L", price_cents=3590)
        s.add_all([*customers, listing])
        s.flush()
        orders = [
            CustomerOrder(
                reference=f"CMD-O{k:06d}",
                customer_id=customers[k % CUSTOMERS].id,
                shop_id=shop.id,
                placed_at=at - timedelta(days=10),
            )
            for k in range(2 * count)
        ]
        s.add_all(orders)
        s.flush()
        lines = [
            OrderLine(order_id=o.id, listing_id=listing.id, unit_price_cents=3590, total_cents=3590) for o in orders
        ]
        s.add_all(
            [
                *lines,
                *(
                    Shipment(
                        order_id=o.id,
                        carrier="Colissimo",
                        tracking_number=f"6O{o.id:09d}",
                        state="delivered",
                        shipped_at=at - timedelta(days=8),
                        delivered_at=at - timedelta(days=5),
                    )
                    for o in orders
                ),
            ]
        )
        s.commit()
        owners = {c.id: Actor.of(c) for c in customers}
        service = [(owners[o.customer_id], line.id) for o, line in zip(orders[:count], lines[:count], strict=True)]
        floor = [
            {
                "order_line_id": line.id,
                "order_id": o.id,
                "shop_id": shop.id,
                "listing_id": listing.id,
                "customer_id": o.customer_id,
            }
            for o, line in zip(orders[count:], lines[count:], strict=False)
        ]
    return service, floor


def _floor_open(engine: sa.Engine, k: int, keys: dict[str, Any]) -> None:
    at = datetime.now(timezone.utc)
    with session_scope(engine) as s:
        incident = Incident(
            reference=f"INC-F-{k:06d}",
            type="defective",
            description="Ne chauffe plus.",
            calendar={},
            opened_at=at,
            updated_at=at,
            **keys,
        )
        s.add(incident)
        s.flush()
        s.add(
            IncidentEvent(
                incident_id=incident.id,
                actor_id=keys["customer_id"],
                actor_role="customer",
                kind="opened",
                after={"type": "defective"},
                at=at,
            )
        )


def measure(engine: sa.Engine, count: int) -> tuple[float, float]:
    service, floor = fill(engine, count)
    ours = base = 0.0
    for k, ((actor, line_id), keys) in enumerate(zip(service, floor, strict=False)):
        started = time.perf_counter()
        with session_scope(engine) as s:
            incidents.open_incident(s, actor, line_id, "defective", "La bouilloire ne chauffe plus du tout.")
        ours += time.perf_counter() - started
        started = time.perf_counter()
        _floor_open(engine, k, keys)
        base += time.perf_counter() - started
    return count / ours, count / base


def run() -> dict[str, dict[str, Any]]:
    out = {}
    for kind in ("sqlite", "postgres"):
        with database(kind) as url:
            migrate(url)
            engine = make_engine(url)
            try:
                ours, floor = measure(engine, COUNT)
            finally:
                engine.dispose()
        print(
            f"open rate, {kind}: {ours:.0f}/s through the service (floor: bare row + event {floor:.0f}/s)",
            file=sys.stderr,
        )
        out[f"open_incident_per_s_{kind}"] = {"value": round(ours, 1), "unit": "/s", "goal": GOAL}
    return out


if __name__ == "__main__":
    from bench.__main__ import report

    report(run())
