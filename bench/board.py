"""Benchmark of the seller's board with 2,000 open incidents (and a long closed history).

Run: `python -m bench.board`. It builds a temporary SQLite database (bulk rows inserted
with executemany, plus a few cases opened through the services so they carry real clocks),
starts the production app on it (`tests.server.make_server(..., seed=False)`), logs a
seller in with Playwright and measures:

* board_query_ms_2000: the board service call itself (median, in-process);
* board_render_ms_2000: in-app navigation to /board until every visible card is rendered;
* board_payload_kb_2000: websocket bytes received for that navigation;
* board_move_ms_2000: a seller answers a case in a third browser; time until the card
  shows in "En cours" on two other open boards (the slower of the two).
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from pixmania_incidents.db import make_engine
from pixmania_incidents.models import (
    CustomerOrder,
    Incident,
    Listing,
    Obligation,
    OrderLine,
    Role,
    Shipment,
    Shop,
    User,
)
from pixmania_incidents.policy import OBLIGATION_HOLDER, IncidentType
from pixmania_incidents.services import board, incidents
from pixmania_incidents.services.auth import hash_password
from pixmania_incidents.services.common import Actor, set_clock
from tests.server import make_server

PASSWORD = "bench-Pixmania-2026"
SELLER = "vendeur.bench@example.com"
OPEN_CARDS = 2000
CLOSED_HISTORY = 5000
CLOSED_RECENT = 120
TARGETS = 3  # cases opened through the services, answered live during the run
RUNS = 5
GOALS = {
    "board_query_ms_2000": 100,
    "board_render_ms_2000": 500,
    "board_payload_kb_2000": 300,
    "board_move_ms_2000": 150,
}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Open states of a busy shop, as shares of the open cards.
STATE_MIX = (
    ("open", 0.30),
    ("in_progress", 0.30),
    ("awaiting_customer", 0.20),
    ("in_arbitration", 0.05),
    ("resolved", 0.15),
)
BALL = {"open": "seller", "in_progress": "seller", "awaiting_customer": "customer", "in_arbitration": "arbitrator"}


# --- data ---------------------------------------------------------------------------------


def _deadline_state(due: datetime, at: datetime) -> str:
    if due <= at:
        return "breached"
    return "at_risk" if due - at < timedelta(hours=24) else "on_track"


def fill(db_path: Path, rng: random.Random) -> dict[str, Any]:
    """One shop: 2,000 open cards, a closed history, and `TARGETS` real cases to answer."""
    engine = make_engine(f"sqlite:///{db_path}")
    at = datetime.now(timezone.utc)
    with Session(engine, expire_on_commit=False) as session:
        shop = Shop(name="BenchShop", address="BenchShop, 1 quai du Test, 69002 Lyon")
        session.add(shop)
        session.flush()
        seller = User(
            email=SELLER, name="Vendeur Bench", role=Role.seller, shop_id=shop.id, password_hash=hash_password(PASSWORD)
        )
        customers = [
            User(
                email=f"client{i}@bench.example.com",
                name=f"Client{i} Nom{i % 97}",
                role=Role.customer,
                password_hash="!",
                address=f"{i} rue du Banc, 75011 Paris",
            )
            for i in range(300)
        ]
        listings = [
            Listing(
                shop_id=shop.id,
                sku=f"BENCH-{i:03d}",
                title=f"Article de test numéro {i} — modèle {i * 7 % 13}",
                price_cents=1000 + 137 * i,
            )
            for i in range(60)
        ]
        session.add_all([seller, *customers, *listings])
        session.flush()
        total = OPEN_CARDS + CLOSED_HISTORY + CLOSED_RECENT + TARGETS
        orders = [
            {
                "reference": f"CMD-B{i:06d}",
                "customer_id": customers[i % len(customers)].id,
                "shop_id": shop.id,
                "placed_at": at - timedelta(days=20),
                "shipping_address": "1 rue A, 75001 Paris",
            }
            for i in range(total)
        ]
        session.execute(sa.insert(CustomerOrder), orders)
        order_ids = session.exec(select(CustomerOrder.id).order_by(CustomerOrder.id)).all()
        session.execute(
            sa.insert(Shipment),
            [
                {
                    "order_id": oid,
                    "carrier": "Colissimo",
                    "tracking_number": f"6B{oid:09d}",
                    "state": "delivered",
                    "shipped_at": at - timedelta(days=18),
                    "delivered_at": at - timedelta(days=15),
                }
                for oid in order_ids
            ],
        )
        session.execute(
            sa.insert(OrderLine),
            [
                {
                    "order_id": oid,
                    "listing_id": listings[i % len(listings)].id,
                    "quantity": 1,
                    "unit_price_cents": listings[i % len(listings)].price_cents,
                    "total_cents": listings[i % len(listings)].price_cents,
                }
                for i, oid in enumerate(order_ids)
            ],
        )
        lines = session.exec(
            select(OrderLine.id, OrderLine.order_id, OrderLine.listing_id).order_by(OrderLine.id)
        ).all()
        order_customer = {o.id: o.customer_id for o in session.exec(select(CustomerOrder)).all()}

        types = [t.value for t in IncidentType]
        states = [s for s, share in STATE_MIX for _ in range(round(share * OPEN_CARDS))][:OPEN_CARDS]
        states += ["closed"] * (CLOSED_HISTORY + CLOSED_RECENT)
        rows = []
        for i, state in enumerate(states):
            line_id, order_id, listing_id = lines[i]
            closed = state == "closed"
            opened = at - timedelta(hours=rng.uniform(1, 24 * (400 if closed else 12)))
            due = None if closed else at + timedelta(hours=rng.uniform(-72, 24 * 10))
            closed_at = None
            if closed:
                recent = i >= OPEN_CARDS + CLOSED_HISTORY
                closed_at = at - timedelta(days=rng.uniform(0, 29) if recent else rng.uniform(31, 365))
                opened = min(opened, closed_at - timedelta(days=3))
            rows.append(
                {
                    "reference": f"INC-B-{i:06d}",
                    "type": types[i % len(types)],
                    "state": state,
                    "outcome": "agreed" if closed else None,
                    "order_line_id": line_id,
                    "order_id": order_id,
                    "shop_id": shop.id,
                    "listing_id": listing_id,
                    "customer_id": order_customer[order_id],
                    "description": "Le produit reçu ne correspond pas à la commande.",
                    "calendar": {},
                    "opened_at": opened,
                    "first_response_at": None if state == "open" else opened + timedelta(hours=5),
                    "closed_at": closed_at,
                    "next_due_at": due,
                    "deadline_state": _deadline_state(due, at) if due else "on_track",
                    "ball": "" if closed else BALL.get(state, "seller"),
                    "version": 3,
                    "updated_at": opened,
                }
            )
        session.execute(sa.insert(Incident), rows)
        resolved = session.exec(select(Incident.id).where(Incident.state == "resolved")).all()
        obligations = []
        for iid in resolved:
            for kind in ("return_label", "replacement_shipment", "customer_return")[: rng.randint(1, 3)]:
                obligations.append(
                    {
                        "incident_id": iid,
                        "source": "proposal",
                        "source_id": 0,
                        "kind": kind,
                        "holder": OBLIGATION_HOLDER[kind],
                        "due_at": at + timedelta(hours=rng.uniform(-24, 72)),
                        "created_at": at,
                    }
                )
        session.execute(sa.insert(Obligation), obligations)
        session.commit()

        # Real cases, opened so long ago that each is the most urgent card of its column.
        targets = []
        for k in range(TARGETS):
            line_id, order_id, _ = lines[OPEN_CARDS + CLOSED_HISTORY + CLOSED_RECENT + k]
            customer = session.get(User, order_customer[order_id])
            opened_at = at - timedelta(days=10, hours=TARGETS - k)
            set_clock(lambda opened_at=opened_at: opened_at)
            try:
                result = incidents.open_incident(session, Actor.of(customer), line_id, "defective", "Ne s'allume plus.")
            finally:
                set_clock(None)
            session.commit()
            targets.append((result.incident_id, result.reference))
        actor = Actor.of(seller)
    engine.dispose()
    return {"actor": actor, "targets": targets, "db_url": f"sqlite:///{db_path}"}


def query_ms(db_url: str, actor: Actor) -> tuple[float, int]:
    """Median time of the board service call, and how many cards it returns."""
    engine = make_engine(db_url)
    timings, cards = [], 0
    with Session(engine) as session:
        for _ in range(20):
            start = time.perf_counter()
            columns = board.board(session, actor)
            timings.append((time.perf_counter() - start) * 1000)
            cards = sum(len(c.cards) for c in columns if c.state != "closed")
    engine.dispose()
    return statistics.median(timings), cards


# --- browser ------------------------------------------------------------------------------


def _login(browser, base_url: str):
    context = browser.new_context(
        base_url=base_url, locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label(re.compile(r"adresse e-mail", re.I)).fill(SELLER)
    page.get_by_label(re.compile(r"mot de passe", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"se connecter", re.I)).click()
    page.wait_for_url(lambda u: "/login" not in u)
    return page


class WsBytes:
    """Bytes the page received over its websocket."""

    def __init__(self, page) -> None:
        self.total = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._add))

    def _add(self, payload: str | bytes) -> None:
        self.total += len(payload.encode() if isinstance(payload, str) else payload)


def _cards_rendered(page, expected: int) -> None:
    try:
        _wait_cards(page, expected)
    except Exception:
        shown = page.locator('[data-testid="board-card"]').count()
        print(f"only {shown} of {expected} cards on {page.url}", file=sys.stderr)
        raise


def _wait_cards(page, expected: int) -> None:
    page.wait_for_function(
        """(n) => {
            if (document.querySelectorAll('[data-testid="board-card"]').length >= n) {
                window.__rendered = performance.now();
                return true;
            }
            return false;
        }""",
        arg=expected,
        polling="raf",
        timeout=60_000,
    )


def render_runs(page, expected: int) -> tuple[list[float], list[float]]:
    """In-app navigation /account -> /board, RUNS times: render ms and websocket KB."""
    meter = WsBytes(page)
    page.goto("/account")
    page.wait_for_load_state("networkidle")
    render, payload = [], []
    for _ in range(RUNS):
        page.wait_for_timeout(500)
        before = meter.total
        page.evaluate("() => { window.__t0 = performance.now(); }")
        page.locator("header").get_by_role("link", name="Tableau", exact=True).click()
        _cards_rendered(page, expected)
        render.append(page.evaluate("() => window.__rendered - window.__t0"))
        page.wait_for_timeout(700)  # late deltas of the same navigation still count
        payload.append((meter.total - before) / 1024)
        page.locator("header").get_by_role("link", name=re.compile("Vendeur Bench")).click()
        page.wait_for_url(re.compile(r"/account"))
    return render, payload


_WATCH = """(ref) => {
    window.__moved = null;
    const sel = `[data-testid="board-column"][data-state="in_progress"] [data-reference="${ref}"]`;
    const check = () => { if (window.__moved === null && document.querySelector(sel)) window.__moved = Date.now(); };
    new MutationObserver(check).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


def move_runs(boards: list, actor_page, targets: list[tuple[int, str]], expected: int) -> list[float]:
    """A third browser answers each target; the slower of the two boards sets the figure."""
    for page in boards:
        if "/board" not in page.url:
            page.locator("header").get_by_role("link", name="Tableau", exact=True).click()
        _cards_rendered(page, expected)
    moves = []
    for incident_id, reference in targets:
        actor_page.goto(f"/incidents/{incident_id}")
        actor_page.get_by_test_id("case-reference").filter(has_text=reference).wait_for()
        actor_page.locator("#thread_body").fill("Bonjour, nous prenons votre demande en charge.")
        for page in boards:
            page.evaluate(_WATCH, reference)
        sent = actor_page.evaluate(
            "() => { const t = Date.now(); [...document.querySelectorAll('button')].find(b => /Envoyer/.test(b.textContent)).click(); return t; }"
        )
        arrivals = []
        for page in boards:
            page.wait_for_function("() => window.__moved !== null", timeout=30_000)
            arrivals.append(page.evaluate("() => window.__moved"))
        moves.append(max(arrivals) - sent)
    return moves


# --- main ---------------------------------------------------------------------------------


def run() -> dict[str, dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="bench-board-") as tmp:
        server = make_server(Path(tmp), seed=False)
        print(f"filling {server.data_dir / 'pixmania.db'} ...", file=sys.stderr)
        data = fill(server.data_dir / "pixmania.db", rng)
        query, expected = query_ms(data["db_url"], data["actor"])
        print("starting the app (production build) ...", file=sys.stderr)
        server.start()
        try:
            with sync_playwright() as p:
                exe = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
                browser = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS)
                page = _login(browser, server.url)
                render, payload = render_runs(page, expected)
                print(f"render ms {render}, payload KB {payload}", file=sys.stderr)
                try:
                    boards = [page, _login(browser, server.url)]
                    moves = move_runs(boards, _login(browser, server.url), data["targets"], expected)
                except Exception as exc:  # keep the other figures when live updates stall
                    print(f"move measurement failed: {exc!r}"[:300], file=sys.stderr)
                    moves = []
                browser.close()
        finally:
            server.stop()
    results = {
        "board_query_ms_2000": {"value": round(query, 1), "unit": "ms", "goal": GOALS["board_query_ms_2000"]},
        "board_render_ms_2000": {
            "value": round(statistics.median(render)),
            "unit": "ms",
            "goal": GOALS["board_render_ms_2000"],
        },
        # The first visit carries the board; later visits reuse the state the room kept current.
        "board_payload_kb_2000": {
            "value": round(max(payload), 1),
            "unit": "KB",
            "goal": GOALS["board_payload_kb_2000"],
        },
        "board_move_ms_2000": {
            "value": round(statistics.median(moves)) if moves else None,
            "unit": "ms",
            "goal": GOALS["board_move_ms_2000"],
        },
    }
    print(
        f"\n{OPEN_CARDS} open cards ({expected} shown), {CLOSED_HISTORY + CLOSED_RECENT} closed; medians of "
        f"{RUNS} navigations and {len(moves)} moves"
    )
    print(f"{'measure':<24}{'value':>10}  {'unit':<5}{'goal':>8}  ok")
    for name, r in results.items():
        ok = r["value"] is not None and r["value"] <= r["goal"]
        print(f"{name:<24}{str(r['value']):>10}  {r['unit']:<5}{r['goal']:>8}  {'yes' if ok else 'NO'}")
    print(
        f"(render runs ms: {[round(x) for x in render]}; payload KB: {[round(x, 1) for x in payload]}; "
        f"moves ms: {moves})"
    )
    return results


if __name__ == "__main__":
    run()
