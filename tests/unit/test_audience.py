"""Who sees a change (`services.audience`) and how often a desk page re-reads (`live.Coalesced`):
a change reaches exactly its customer, its shop's sellers, the staff with a desk page open and,
when a listing flag points at the case, the product team; never anyone else, never an inactive
account, and without reading the accounts table through."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa

from pixmania_incidents import live
from pixmania_incidents.models import ListingFlag, Role, User
from pixmania_incidents.services import audience
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.audience import DeskPresence, desk_presence, reach
from tests.conftest import opening_evidence


def open_case(world, line="camille_tech_delivered"):
    result = svc.open_incident(
        world.db,
        world.actor(line.split("_")[0]),
        world.lines[line].id,
        "not_as_described",
        "Pas la bonne taille.",
        opening_evidence("not_as_described"),
    )
    return result.incident_id, result.shop_id


def add_user(world, key: str, role: Role, shop: str | None = None, active: bool = True) -> int:
    user = User(
        email=f"{key}@example.com",
        name=key,
        role=role,
        password_hash="!",
        active=active,
        shop_id=world.shops[shop].id if shop else None,
    )
    world.db.add(user)
    world.db.commit()
    world.users[key] = user
    return user.id


def ids(world, *keys: str) -> frozenset[int]:
    return frozenset(world.users[k].id for k in keys)


@pytest.fixture
def crowd(world):
    """Besides `world`: a second seller of TechShop, and inactive accounts of every kind."""
    add_user(world, "seller_tech2", Role.seller, "tech")
    add_user(world, "seller_tech_gone", Role.seller, "tech", active=False)
    add_user(world, "support_gone", Role.support, active=False)
    add_user(world, "product_gone", Role.product, active=False)
    return world


def test_a_case_change_reaches_its_customer_its_shops_sellers_and_the_staff_at_their_desk(crowd):
    w = crowd
    incident_id, shop_id = open_case(w)
    desk_open = ids(w, "support", "admin", "support_gone")
    found = reach(w.db, [live.incident_room(incident_id, shop_id)], desk_open)
    assert found.now == ids(w, "camille", "seller_tech", "seller_tech2")
    assert found.desk == ids(w, "support", "admin")
    # Never: the other customer, the other shop's seller, staff without a desk page open (the
    # arbitrators), the product team (no flag), inactive accounts.
    nobody = ids(
        w,
        "paul",
        "seller_maison",
        "arbitrator",
        "arbitrator2",
        "product",
        "seller_tech_gone",
        "support_gone",
        "product_gone",
    )
    assert not (found.now | found.desk) & nobody


def test_the_product_team_sees_a_case_once_a_listing_flag_points_at_it(crowd):
    w = crowd
    incident_id, shop_id = open_case(w)
    other_id, other_shop = open_case(w, "paul_maison_delivered")
    w.db.add(
        ListingFlag(
            listing_id=w.listings["camille_tech_delivered"].id,
            incident_id=incident_id,
            raised_by_id=w.users["seller_tech"].id,
            reason="description",
            details="42 cm, pas 30.",
        )
    )
    w.db.commit()
    flagged = reach(w.db, [live.incident_room(incident_id, shop_id)], set())
    assert flagged.now == ids(w, "camille", "seller_tech", "seller_tech2", "product")
    plain = reach(w.db, [live.incident_room(other_id, other_shop)], set())
    assert plain.now == ids(w, "paul", "seller_maison")


def test_the_product_inbox_reaches_the_product_team_only_and_named_users_are_reached_as_named(crowd):
    w = crowd
    desk_open = ids(w, "support")
    assert reach(w.db, [live.FLAGS], desk_open) == audience.Reach(ids(w, "product"), frozenset())
    assert reach(w.db, [live.user_room(w.users["paul"].id)], desk_open) == audience.Reach(ids(w, "paul"), frozenset())


def test_staff_named_by_the_change_are_reached_at_once_not_with_the_desk(crowd):
    w = crowd
    incident_id, shop_id = open_case(w)
    found = reach(
        w.db, live.rooms_for_incident(incident_id, shop_id, [w.users["support"].id]), ids(w, "support", "admin")
    )
    assert w.users["support"].id in found.now
    assert found.desk == ids(w, "admin")


def test_finding_the_audience_never_reads_the_accounts_table_through(crowd, engine):
    """Every query on accounts goes through an index (id, shop, role): the cost does not grow with customers."""
    w = crowd
    incident_id, shop_id = open_case(w)
    w.db.add(
        ListingFlag(
            listing_id=w.listings["camille_tech_delivered"].id,
            incident_id=incident_id,
            raised_by_id=w.users["seller_tech"].id,
            reason="description",
            details="42 cm, pas 30.",
        )
    )
    w.db.commit()
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001 - SQLAlchemy's hook
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        reach(w.db, [live.incident_room(incident_id, shop_id), live.FLAGS], ids(w, "support"))
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    on_accounts = [(s, p) for s, p in statements if "account" in s]
    assert on_accounts
    with engine.connect() as conn:
        for statement, parameters in on_accounts:
            plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()]
            assert not [step for step in plan if step.startswith("SCAN account")], (statement, plan)


@pytest.fixture(params=["memory", "redis"])
def presence(request) -> DeskPresence:
    if request.param == "memory":
        yield desk_presence(None)
        return
    redis = pytest.importorskip("redis")
    key = f"pixmania:test-desk:{uuid.uuid4().hex}"
    store = audience._Redis("redis://127.0.0.1:6379/0", key)
    try:
        store.all()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable: {exc}")
    yield DeskPresence(store)
    store._client.delete(key)


def test_a_desk_page_joins_the_desk_and_leaves_it_with_the_next_page(presence):
    presence.open("tab-a", 5)
    presence.open("tab-b", 5)
    presence.open("tab-c", 6)
    assert presence.users() == {5, 6}
    presence.leave("tab-c")
    assert presence.users() == {5}
    assert set(presence.tabs()[5]) == {"tab-a", "tab-b"}


def test_pruning_a_dead_tab_never_drops_the_page_it_loaded_again(presence):
    presence.open("tab-a", 5)
    seen = presence.tabs()[5]["tab-a"]
    presence.open("tab-a", 5)  # the tab reloaded while its old socket was found gone
    presence.leave("tab-a", seen)
    assert presence.users() == {5}
    presence.leave("tab-a", presence.tabs()[5]["tab-a"])
    assert presence.users() == set()


def test_many_rapid_changes_cost_a_desk_page_one_re_read_a_second():
    delivered: list[tuple[int, float]] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()

        async def deliver(user_id: int) -> None:
            delivered.append((user_id, loop.time()))

        desk = live.Coalesced(deliver, interval=0.3)
        start = loop.time()
        desk.add([1])  # a quiet desk: the first change shows at once
        await asyncio.sleep(0.01)
        assert [u for u, _ in delivered] == [1]
        for _ in range(50):  # fifty more within the interval: one re-read at its end
            desk.add([1, 2])
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.5)
        assert sorted(u for u, _ in delivered) == [1, 1, 2, 2]  # each: at once, then one for the rest
        second = [at for u, at in delivered if u == 1][1]
        assert second - start >= 0.3 - 0.01

    asyncio.run(scenario())
