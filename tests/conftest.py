"""Shared fixtures: a migrated database per test and a small marketplace in it."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.config import Config
from sqlmodel import Session

from alembic import command
from pixmania_incidents import settings
from pixmania_incidents.db import make_engine
from pixmania_incidents.models import (
    CustomerOrder,
    Listing,
    OrderLine,
    Role,
    Shipment,
    Shop,
    User,
)
from pixmania_incidents.policy import type_policy
from pixmania_incidents.services.common import Actor, set_clock
from pixmania_incidents.services.evidence import Upload

ROOT = Path(__file__).resolve().parent.parent
# A fixed "now": Tuesday 2026-03-10 10:00 Paris, away from holidays and DST.
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)


def migrate(url: str, revision: str = "head") -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.set_main_option("sqlalchemy.url", url)
    command.upgrade(cfg, revision)


@pytest.fixture
def pg_empty_url():
    """An empty PostgreSQL database of our own, dropped afterwards (skipped only off CI when unreachable)."""
    import sqlalchemy as sa

    from tests.server import PG_ADMIN_URL, pg_database

    try:
        sa.create_engine(PG_ADMIN_URL).connect().close()
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable: {exc.orig}")
    with pg_database("pixmania_test") as url:
        yield url


@pytest.fixture
def pg_url(pg_empty_url):
    """The same, migrated to head."""
    migrate(pg_empty_url)
    return pg_empty_url


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite:///{path}")
    # Fold the WAL into the main file so that copying the file alone copies everything.
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def engine(migrated_template, tmp_path):
    path = tmp_path / "test.db"
    shutil.copy(migrated_template, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


class Clock:
    """A controllable `services.common.now()`."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


@pytest.fixture
def clock():
    c = Clock(NOW)
    set_clock(c)
    yield c
    set_clock(None)


@dataclass
class World:
    """Two shops, two customers, staff, and delivered/shipped/pending order lines."""

    db: Session
    shops: dict[str, Shop] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    lines: dict[str, OrderLine] = field(default_factory=dict)
    listings: dict[str, Listing] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        return Actor.of(self.users[name])


def _user(db: Session, email: str, name: str, role: Role, shop: Shop | None = None) -> User:
    user = User(
        email=email,
        name=name,
        role=role,
        shop_id=shop.id if shop else None,
        password_hash="!",
        address=f"1 rue de {name}, 75001 Paris",
    )
    db.add(user)
    db.flush()
    return user


def photo(name: str = "photo.jpg") -> Upload:
    """A real (tiny) JPEG, as a customer's photo."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, format="JPEG")
    return Upload(name, out.getvalue())


def opening_evidence(type: str) -> list[Upload]:
    """What opening a case of `type` needs (SPEC 8.3): one photo for defective and damaged."""
    return [photo()] if type_policy(type).photos_required else []


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch) -> Path:
    """Evidence files of a test stay in its own folder (a module may name another)."""
    folder = tmp_path / "evidence"
    monkeypatch.setattr(settings, "EVIDENCE_DIR", folder)
    return folder


@pytest.fixture
def world(db, clock) -> World:
    return make_world(db)


def make_world(db: Session) -> World:
    """The marketplace of `world`, in any database (the PostgreSQL tests build it too)."""
    w = World(db)
    for key, name in (("tech", "TechShop"), ("maison", "MaisonPlus")):
        shop = Shop(name=name, address=f"Entrepôt {name}, 69000 Lyon")
        db.add(shop)
        db.flush()
        w.shops[key] = shop
    w.users["camille"] = _user(db, "camille@example.com", "Camille Martin", Role.customer)
    w.users["paul"] = _user(db, "paul@example.com", "Paul Durand", Role.customer)
    w.users["seller_tech"] = _user(db, "tech@example.com", "Vendeur Tech", Role.seller, w.shops["tech"])
    w.users["seller_maison"] = _user(db, "maison@example.com", "Vendeur Maison", Role.seller, w.shops["maison"])
    w.users["support"] = _user(db, "support@example.com", "Sophie Support", Role.support)
    w.users["arbitrator"] = _user(db, "arbitre@example.com", "Arthur Arbitre", Role.arbitrator)
    w.users["arbitrator2"] = _user(db, "arbitre2@example.com", "Alice Arbitre", Role.arbitrator)
    w.users["product"] = _user(db, "produit@example.com", "Pierre Produit", Role.product)
    w.users["admin"] = _user(db, "admin@example.com", "Ada Admin", Role.admin)
    n = 0
    for customer in ("camille", "paul"):
        for shop_key in ("tech", "maison"):
            for ship_state in ("delivered", "shipped", "pending"):
                n += 1
                shop = w.shops[shop_key]
                listing = Listing(shop_id=shop.id, sku=f"SKU-{n:03d}", title=f"Article {n}", price_cents=12_999)
                db.add(listing)
                db.flush()
                order = CustomerOrder(
                    reference=f"CMD-{n:05d}",
                    customer_id=w.users[customer].id,
                    shop_id=shop.id,
                    placed_at=NOW - timedelta(days=10),
                    shipping_address="1 rue A, 75001 Paris",
                )
                db.add(order)
                db.flush()
                line = OrderLine(
                    order_id=order.id, listing_id=listing.id, quantity=1, unit_price_cents=12_999, total_cents=12_999
                )
                db.add(line)
                shipment = Shipment(
                    order_id=order.id,
                    carrier="Colissimo",
                    tracking_number=f"6A{n:09d}",
                    state=ship_state,
                    shipped_at=None if ship_state == "pending" else NOW - timedelta(days=8),
                    delivered_at=NOW - timedelta(days=5) if ship_state == "delivered" else None,
                )
                db.add(shipment)
                db.flush()
                key = f"{customer}_{shop_key}_{ship_state}"
                w.lines[key] = line
                w.listings[key] = listing
    db.commit()
    return w
