"""The seller's board: most urgent first, limited columns with counts, filters, own shop only."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from pixmania_incidents.models import CustomerOrder, Incident
from pixmania_incidents.models import IncidentState as S
from pixmania_incidents.services import board as svc
from pixmania_incidents.services import incidents
from pixmania_incidents.services.board import BoardFilters
from pixmania_incidents.services.common import Forbidden, now
from tests.conftest import opening_evidence


@pytest.fixture(autouse=True, scope="module")
def _template_checkpointed(migrated_template):
    """The shared template is migrated in WAL mode: fold the log into the file that gets copied."""
    with sqlite3.connect(migrated_template) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def open_case(world, line="camille_tech_delivered", type="defective", who="camille"):
    result = incidents.open_incident(
        world.db, world.actor(who), world.lines[line].id, type, "Ne fonctionne pas.", opening_evidence(type)
    )
    world.db.commit()
    return result


def insert(
    world,
    n,
    state=S.open,
    due_in_hours=None,
    line="camille_tech_delivered",
    closed_days_ago=None,
    deadline_state="on_track",
    type="defective",
):
    """Board rows without their history, for volume: the board reads only these columns."""
    order_line = world.lines[line]
    order = world.db.get(CustomerOrder, order_line.order_id)
    rows = []
    for i in range(n):
        inc = Incident(
            reference=f"INC-T-{state}-{len(world.db.identity_map)}-{i:04d}",
            type=type,
            state=state,
            order_line_id=order_line.id,
            order_id=order.id,
            shop_id=order.shop_id,
            listing_id=order_line.listing_id,
            customer_id=order.customer_id,
            description="x",
            opened_at=now(),
            next_due_at=None if due_in_hours is None else now() + timedelta(hours=due_in_hours + i),
            deadline_state=deadline_state,
            closed_at=None if closed_days_ago is None else now() - timedelta(days=closed_days_ago),
        )
        world.db.add(inc)
        rows.append(inc)
    world.db.commit()
    return rows


def column(world, state, who="seller_tech", **kw):
    return next(c for c in svc.board(world.db, world.actor(who), **kw) if c.state == state)


def refs(col):
    return [c.reference for c in col.cards]


def test_one_column_per_state_in_lifecycle_order(world):
    assert [c.state for c in svc.board(world.db, world.actor("seller_tech"))] == [
        "open",
        "in_progress",
        "awaiting_customer",
        "in_arbitration",
        "resolved",
        "closed",
    ]


def test_cards_ordered_by_nearest_deadline_and_undated_last(world, clock):
    first = open_case(world, "camille_tech_delivered")
    clock.advance(hours=1)
    second = open_case(world, "paul_tech_delivered", who="paul")
    clock.advance(hours=1)
    third = open_case(world, "camille_tech_shipped")
    undated = insert(world, 1, due_in_hours=None)[0]
    # A later opening has a later response deadline, so the oldest case comes first.
    assert refs(column(world, "open")) == [first.reference, second.reference, third.reference, undated.reference]


def test_card_shows_what_the_seller_needs_and_moves_when_answered(world):
    opened = open_case(world, type="damaged")
    card = column(world, "open").cards[0]
    inc = world.db.get(Incident, opened.incident_id)
    assert (card.reference, card.type, card.customer_name, card.ball) == (
        opened.reference,
        "damaged",
        "Camille Martin",
        "seller",
    )
    assert card.listing_title == world.listings["camille_tech_delivered"].title
    assert card.next_due_at == inc.next_due_at.isoformat() and card.deadline_state == "on_track"

    incidents.post_message(world.db, world.actor("seller_tech"), opened.incident_id, "Bonjour, nous regardons.")
    world.db.commit()
    assert refs(column(world, "open")) == []
    assert refs(column(world, "in_progress")) == [opened.reference]


def test_accepted_proposal_shows_its_obligations_on_the_card(world):
    opened = open_case(world, type="defective")
    incidents.propose(
        world.db, world.actor("seller_tech"), opened.incident_id, 1, "replacement", None, "Je vous en renvoie un."
    )
    world.db.commit()
    inc = world.db.get(Incident, opened.incident_id)
    incidents.accept(world.db, world.actor("camille"), inc.id, inc.version)
    world.db.commit()
    card = column(world, "resolved").cards[0]
    kinds = [o.kind for o in card.obligations]
    assert kinds[:2] == ["return_label", "replacement_shipment"] and "customer_return" in kinds
    assert card.obligations[0].due_at  # the label's 24 h run now


def test_columns_are_limited_with_counts_and_show_more(world):
    insert(world, 30, due_in_hours=5)
    col = column(world, "open")
    assert (col.count, len(col.cards), col.has_more) == (30, svc.PAGE, True)
    more = column(world, "open", limits={"open": svc.PAGE * 2})
    assert (len(more.cards), more.has_more) == (30, False)
    assert refs(more)[: svc.PAGE] == refs(col)
    # Limits from the browser are clamped, never trusted.
    assert len(column(world, "open", limits={"open": -5}).cards) == svc.PAGE
    assert len(column(world, "open", limits={"open": "many"}).cards) == svc.PAGE
    assert column(world, "open", limits={"open": 10**9}).limit == svc.MAX_LIMIT


def test_filters_by_type_deadline_state_and_text(world):
    defective = open_case(world, "camille_tech_delivered", "defective")
    damaged = open_case(world, "paul_tech_delivered", "damaged", who="paul")
    late = insert(world, 1, due_in_hours=-2, deadline_state="breached", type="wrong_item", line="paul_tech_shipped")[0]

    assert refs(column(world, "open", filters=BoardFilters(type="damaged"))) == [damaged.reference]
    assert refs(column(world, "open", filters=BoardFilters(deadline_state="breached"))) == [late.reference]
    assert refs(column(world, "open", filters=BoardFilters(text=defective.reference.lower()))) == [defective.reference]
    by_customer = refs(column(world, "open", filters=BoardFilters(text="DURAND")))
    assert sorted(by_customer) == sorted([damaged.reference, late.reference])
    title = world.listings["camille_tech_delivered"].title
    assert refs(column(world, "open", filters=BoardFilters(text=title))) == [defective.reference]
    # Counts follow the filters; a wildcard typed by the user is a literal character.
    assert column(world, "open", filters=BoardFilters(type="damaged")).count == 1
    assert column(world, "open", filters=BoardFilters(text="%")).count == 0


def test_unknown_filter_values_from_the_browser_are_ignored():
    assert BoardFilters.of({"type": "'; drop", "deadline_state": "met", "text": "  x" * 100}) == BoardFilters(
        "", "", ("  x" * 100).strip()[:100]
    )


def test_a_seller_sees_only_their_own_shop(world):
    mine = open_case(world, "camille_tech_delivered")
    theirs = open_case(world, "camille_maison_delivered")
    assert refs(column(world, "open")) == [mine.reference]
    assert refs(column(world, "open", who="seller_maison")) == [theirs.reference]
    assert all(
        c.count == 0 for c in svc.board(world.db, world.actor("seller_maison"), BoardFilters(text=mine.reference))
    )
    for who in ("camille", "support", "product", "admin"):
        with pytest.raises(Forbidden):
            svc.board(world.db, world.actor(who))


def test_closed_column_keeps_only_recent_cases_latest_first(world):
    old = insert(world, 1, state=S.closed, closed_days_ago=40)[0]
    recent = insert(world, 1, state=S.closed, closed_days_ago=2)[0]
    newest = insert(world, 1, state=S.closed, closed_days_ago=0)[0]
    col = column(world, "closed")
    assert refs(col) == [newest.reference, recent.reference]
    assert col.count == 2 and old.reference not in refs(col)


def test_seller_sorts_columns_by_deadline_opening_or_amount(world, clock):
    lines = ("camille_tech_delivered", "paul_tech_delivered", "camille_tech_shipped")
    opened = []
    for line, total in zip(lines, (5_000, 2_000, 90_000), strict=True):
        world.lines[line].total_cents = world.lines[line].unit_price_cents = total
    for line, due in zip(lines, (30, 5, 60), strict=True):
        opened.append(insert(world, 1, due_in_hours=due, line=line)[0])
        clock.advance(hours=1)
    totals = {inc.reference: world.lines[line].total_cents for inc, line in zip(opened, lines, strict=True)}
    assert refs(column(world, "open")) == [opened[1].reference, opened[0].reference, opened[2].reference]
    assert refs(column(world, "open", filters=BoardFilters(sort="opened"))) == [i.reference for i in opened]
    by_amount = refs(column(world, "open", filters=BoardFilters(sort="amount")))
    assert by_amount == sorted(totals, key=lambda ref: -totals[ref])
    card = column(world, "open", locale="en").cards[0]
    assert card.amount.startswith("€")
    assert BoardFilters.of({"sort": "price; drop"}).sort == "deadline"


def test_export_follows_the_filters_and_sort_and_defuses_formulas(world):
    import csv
    import io

    defective = open_case(world, "camille_tech_delivered", "defective")
    damaged = open_case(world, "paul_tech_delivered", "damaged", who="paul")
    open_case(world, "camille_maison_delivered")  # another shop's: never exported
    world.users["paul"].name = '=HYPERLINK("http://x")'
    world.db.commit()
    rows = list(csv.reader(io.StringIO(svc.board_csv(world.db, world.actor("seller_tech")))))
    assert rows[0][:3] == ["reference", "state", "type"]
    assert sorted(r[0] for r in rows[1:]) == sorted([defective.reference, damaged.reference])
    by_ref = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_ref[damaged.reference]["customer_name"].startswith("'=")
    assert by_ref[defective.reference]["amount"] == "129,99\xa0€"
    only = list(
        csv.reader(io.StringIO(svc.board_csv(world.db, world.actor("seller_tech"), BoardFilters(type="damaged"))))
    )
    assert [r[0] for r in only[1:]] == [damaged.reference]
    with pytest.raises(Forbidden):
        svc.board_csv(world.db, world.actor("support"))
