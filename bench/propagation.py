"""How fast a seller's message reaches the customer's open incident page.

`PAIRS` incidents, each between a customer and a seller of their own, with real accounts
and login sessions written straight into the benchmark database before the server
starts. Every party has one headless tab on `/incidents/<id>` (Socket.IO on `/_event`),
so 2 × PAIRS clients are connected. Sample by sample, a seller posts through the page's
own message handler and we time until the customer's tab holds the message.

The baseline, measured interleaved in the same run with the same client count, is the
blank Reflex app of `bench/blank_app`: a shared-state relay between two linked clients
that commits one row per message to the same kind of database. Memory of both backends
is read while all clients are connected (`backend_rss_mb_500`).

`python -m bench.propagation` runs it alone; BENCH_PAIRS / BENCH_SCALED_PAIRS shrink it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bench.live import SEND, drain, open_page, wait_for
from pixmania_incidents import settings
from pixmania_incidents.db import make_engine
from pixmania_incidents.models import CustomerOrder, Listing, LoginSession, OrderLine, Role, Shipment, Shop, User
from pixmania_incidents.services import incidents
from pixmania_incidents.services.auth import hash_token
from pixmania_incidents.services.common import Actor
from tests.protocol import ReflexClient, state_name
from tests.server import (
    SCALED_WORKERS,
    AppServer,
    _reuse_web_build,
    base_env,
    free_port,
    make_server,
    pg_database,
    redis_database,
    rss_mb,
)

PAIRS = int(os.environ.get("BENCH_PAIRS", "250"))
SCALED_PAIRS = int(os.environ.get("BENCH_SCALED_PAIRS", "500"))
#: Samples per figure (each pair posts at most once per side).
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "200"))
CONNECT_AT_ONCE = 20
BLANK_DIR = Path(__file__).resolve().parent / "blank_app"
BLANK_SEND = f"{state_name('blank_app.blank_app', 'RelayState')}.send"
GOALS = {
    "propagation_p95_ms_500": 100,
    "propagation_p50_ms_500": 100,
    "propagation_ratio_vs_blank": 1.5,
    "propagation_p95_ms_1000_scaled": 150,
    "backend_rss_mb_500": 500,
}
FIGURES = tuple(GOALS)


@dataclass
class Room:
    """Two connected tabs: the seller's (or blank sender's) and the customer's."""

    sender: ReflexClient
    receiver: ReflexClient
    desk: bool

    def emit(self, body: str) -> Awaitable[None]:
        if self.desk:
            return self.sender.emit(SEND, {"files": [], "body": body, "visibility": "public"})
        return self.sender.emit(BLANK_SEND, {"body": body})


# --- data ---------------------------------------------------------------------------------


def fill(db_url: str, pairs: int) -> list[tuple[int, str, str, str]]:
    """`pairs` incidents with distinct customer/seller pairs, opened through the service;
    returns (incident id, reference, customer cookie, seller cookie)."""
    engine = make_engine(db_url)
    at = datetime.now(timezone.utc)
    out = []
    with Session(engine, expire_on_commit=False) as s:
        shops = [Shop(name=f"Boutique Bench {k:04d}", address=f"{k} quai du Test, 69002 Lyon") for k in range(pairs)]
        s.add_all(shops)
        s.flush()
        sellers = [
            User(
                email=f"vendeur{k}@bench.example.com",
                name=f"Vendeur {k}",
                role=Role.seller,
                shop_id=shop.id,
                password_hash="!",
            )
            for k, shop in enumerate(shops)
        ]
        customers = [
            User(
                email=f"client{k}@bench.example.com",
                name=f"Client {k}",
                role=Role.customer,
                password_hash="!",
                address=f"{k} rue du Banc, 75011 Paris",
            )
            for k in range(pairs)
        ]
        listings = [
            Listing(shop_id=shop.id, sku=f"PB-{k:05d}", title=f"Casque audio {k}", price_cents=4990)
            for k, shop in enumerate(shops)
        ]
        s.add_all([*sellers, *customers, *listings])
        s.flush()
        orders = [
            CustomerOrder(
                reference=f"CMD-P{k:06d}",
                customer_id=customers[k].id,
                shop_id=shops[k].id,
                placed_at=at - timedelta(days=10),
                shipping_address="1 rue A, 75001 Paris",
            )
            for k in range(pairs)
        ]
        s.add_all(orders)
        s.flush()
        lines = [
            OrderLine(order_id=o.id, listing_id=listings[k].id, quantity=1, unit_price_cents=4990, total_cents=4990)
            for k, o in enumerate(orders)
        ]
        s.add_all(
            [
                *lines,
                *(
                    Shipment(
                        order_id=o.id,
                        carrier="Colissimo",
                        tracking_number=f"6P{k:09d}",
                        state="delivered",
                        shipped_at=at - timedelta(days=8),
                        delivered_at=at - timedelta(days=5),
                    )
                    for k, o in enumerate(orders)
                ),
            ]
        )
        s.flush()
        cookies: dict[int, str] = {}
        for user in (*sellers, *customers):
            raw = secrets.token_urlsafe(32)
            s.add(LoginSession(user_id=user.id, token_hash=hash_token(raw), expires_at=at + timedelta(hours=12)))
            cookies[user.id] = f"{settings.SESSION_COOKIE}={raw}"
        for k in range(pairs):
            result = incidents.open_incident(
                s, Actor.of(customers[k]), lines[k].id, "defective", "L'appareil ne s'allume plus depuis la livraison."
            )
            out.append((result.incident_id, result.reference, cookies[customers[k].id], cookies[sellers[k].id]))
        s.commit()
    engine.dispose()
    return out


# --- servers ------------------------------------------------------------------------------


@contextmanager
def backends(tmp: Path, pairs: int, scaled: bool) -> Iterator[tuple[AppServer, AppServer, list]]:
    """The incident desk and the blank app, each on a fresh database of the same kind."""
    with ExitStack() as stack:
        app_db = blank_db = redis_app = redis_blank = None
        workers = SCALED_WORKERS if scaled else 1
        if scaled:
            app_db, blank_db = (
                stack.enter_context(pg_database("pixmania_bench")),
                stack.enter_context(pg_database("pixmania_bench")),
            )
            redis_app, redis_blank = stack.enter_context(redis_database()), stack.enter_context(redis_database())
        app = make_server(tmp, seed=False, db_url=app_db, redis_url=redis_app, workers=workers)
        print(f"  filling {pairs} incidents ...", file=sys.stderr)
        cases = fill(app.db_url, pairs)
        blank = blank_server(tmp, blank_db, redis_blank, workers)
        print("  starting both apps (production builds) ...", file=sys.stderr)
        for server in (app, blank):
            server.start()
            stack.callback(server.stop)
        yield app, blank, cases


def blank_server(tmp: Path, db_url: str | None, redis_url: str | None, workers: int) -> AppServer:
    port = free_port()
    data_dir = tmp / f"blank-{port}"
    data_dir.mkdir(parents=True)
    extra = {
        "REFLEX_WEB_WORKDIR": str(data_dir / "web"),
        "REFLEX_STATES_WORKDIR": str(data_dir / "states"),
        "BLANK_DB_URL": db_url or f"sqlite:///{data_dir / 'blank.db'}",
    }
    if redis_url:
        extra.update(REFLEX_REDIS_URL=redis_url, GRANIAN_WORKERS=str(workers))
    _reuse_web_build(data_dir / "web")
    return AppServer(
        port, data_dir, base_env(data_dir, port, extra), app_dir=BLANK_DIR, migrate=False, health_path="/ping"
    )


# --- clients ------------------------------------------------------------------------------


async def _connect_all(openers: list[Callable[[], Awaitable[ReflexClient]]]) -> list[ReflexClient]:
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def one(opener):
        async with gate:
            return await opener()

    return list(await asyncio.gather(*(one(o) for o in openers)))


async def open_rooms(app: AppServer, blank: AppServer, cases: list) -> tuple[list[Room], list[Room]]:
    app_openers, blank_openers = [], []
    for incident_id, reference, customer, seller in cases:
        for cookie in (seller, customer):
            app_openers.append(lambda c=cookie, i=incident_id, r=reference: open_page(app.url, c, i, r))
        for _ in range(2):
            blank_openers.append(lambda k=incident_id: _open_blank(blank.url, k))
    started = time.monotonic()
    app_clients = await _connect_all(app_openers)
    blank_clients = await _connect_all(blank_openers)
    print(
        f"  {len(app_clients) + len(blank_clients)} tabs connected in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    return (
        [Room(app_clients[i], app_clients[i + 1], True) for i in range(0, len(app_clients), 2)],
        [Room(blank_clients[i], blank_clients[i + 1], False) for i in range(0, len(blank_clients), 2)],
    )


async def _open_blank(base_url: str, room: int) -> ReflexClient:
    client = ReflexClient(base_url)
    await client.connect(f"/room/{room}")
    await wait_for(client, f'"room-{room}"', 60)
    return client


async def _sample(room: Room, body: str) -> float:
    drain(room.receiver)
    sent = time.monotonic()
    await room.emit(body)
    return (await wait_for(room.receiver, body, 15) - sent) * 1000


async def measure(app_rooms: list[Room], blank_rooms: list[Room], samples: int) -> tuple[list[float], list[float]]:
    """Interleaved: one post on the desk, one on the blank app, so both see the same noise."""
    ours, blank = [], []
    for k in range(min(samples, len(app_rooms))):
        body = f"Bench {k} {uuid.uuid4().hex[:10]}"
        ours.append(await _sample(app_rooms[k], body))
        blank.append(await _sample(blank_rooms[k], body))
    return ours, blank


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


async def _session(app: AppServer, blank: AppServer, cases: list, samples: int) -> dict[str, Any]:
    app_rooms, blank_rooms = await open_rooms(app, blank, cases)
    try:
        for room in (*app_rooms[-5:], *blank_rooms[-5:]):  # warm the code paths, not measured
            await _sample(room, f"Chauffe {uuid.uuid4().hex[:10]}")
        ours, base = await measure(app_rooms, blank_rooms, samples)
        rss = {"app": rss_mb(app), "blank": rss_mb(blank)}
    finally:
        await asyncio.gather(
            *(c.close() for r in (*app_rooms, *blank_rooms) for c in (r.sender, r.receiver)), return_exceptions=True
        )
    return {"ours": ours, "blank": base, "rss": rss}


def run_one(pairs: int, scaled: bool, samples: int = SAMPLES) -> dict[str, Any]:
    label = f"{'scaled ' if scaled else ''}{2 * pairs} clients"
    print(f"propagation, {label}:", file=sys.stderr)
    with (
        tempfile.TemporaryDirectory(prefix="bench-prop-", dir=os.environ.get("BENCH_TMP")) as tmp,
        backends(Path(tmp), pairs, scaled) as (app, blank, cases),
    ):
        out = asyncio.run(_session(app, blank, cases, samples))
    ours, base = out["ours"], out["blank"]
    print(
        f"  desk p50 {statistics.median(ours):.1f} ms p95 {p95(ours):.1f} ms; blank p50 "
        f"{statistics.median(base):.1f} ms p95 {p95(base):.1f} ms; RSS desk {out['rss']['app']:.0f} MB, "
        f"blank {out['rss']['blank']:.0f} MB",
        file=sys.stderr,
    )
    return out


def figure(name: str, value: float, unit: str) -> dict[str, Any]:
    return {"value": round(value, 2), "unit": unit, "goal": GOALS[name]}


def run() -> dict[str, dict[str, Any]]:
    one = run_one(PAIRS, scaled=False)
    results = {
        "propagation_p95_ms_500": figure("propagation_p95_ms_500", p95(one["ours"]), "ms"),
        "propagation_p50_ms_500": figure("propagation_p50_ms_500", statistics.median(one["ours"]), "ms"),
        "propagation_ratio_vs_blank": figure("propagation_ratio_vs_blank", p95(one["ours"]) / p95(one["blank"]), "x"),
        "backend_rss_mb_500": figure("backend_rss_mb_500", one["rss"]["app"], "MB"),
    }
    scaled = run_one(SCALED_PAIRS, scaled=True)
    results["propagation_p95_ms_1000_scaled"] = figure("propagation_p95_ms_1000_scaled", p95(scaled["ours"]), "ms")
    return results


if __name__ == "__main__":
    from bench.__main__ import report

    report(run())
