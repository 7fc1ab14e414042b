"""Bad input is refused, clearly, before the database (issue #12): one input module, used by every service."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from pixmania_incidents.db import make_engine
from pixmania_incidents.models import Decision, Incident, IncidentEvent, Message, Refund, Shop
from pixmania_incidents.services import (
    admin,
    analytics,
    board,
    flags,
    guidelines,
    supervision,
)
from pixmania_incidents.services import (
    arbitration as arb,
)
from pixmania_incidents.services import (
    fulfilment as ff,
)
from pixmania_incidents.services import (
    incidents as svc,
)
from pixmania_incidents.services.common import InvalidInput
from pixmania_incidents.services.inputs import MAX_TEXT, amount_cents, clean_text, day, instant
from tests.conftest import NOW, make_world, opening_evidence, photo

PARIS_WINTER = timezone(timedelta(hours=1))
YEAR_ONE = datetime(1, 1, 1, 0, 0, tzinfo=PARIS_WINTER)  # overflows once converted to UTC
YEAR_9999 = datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc)


def refusal(fn, *args, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        fn(*args, **kwargs)
    return err.value


# --- text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["\x00", "Bonjour\x00", "bip\x07", "\x1b[31mrouge", "suppr\x7f", "c1\x85", "moitié \ud83d"]
)
def test_control_characters_and_lone_surrogates_are_refused(text):
    assert refusal(clean_text, text, "body").code == "inputs.error.control_character"
    assert refusal(clean_text, text, "body", required=False).code == "inputs.error.control_character"


def test_newlines_and_tabs_stay_and_line_endings_become_newlines():
    assert clean_text("  Ligne 1\r\nLigne 2\rLigne\t3  ", "body") == "Ligne 1\nLigne 2\nLigne\t3"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "\n\t",
        "\u200b\u200b\u200b",
        "\u200b \u2060\ufeff\u200d",
        "\u3164",
        "\u2800\u2800",
        "\u0301\u0301",
    ],
)
def test_text_with_nothing_visible_is_empty(text):
    assert refusal(clean_text, text, "body").code == "inputs.error.required"
    assert clean_text(text, "body", required=False) == ""


@pytest.mark.parametrize("text", ["ok", "👍🏽", "a\u200bb", "Ça va ?", "١٢٣", "漢字"])
def test_visible_text_is_kept_as_written(text):
    assert clean_text(f" {text} ", "body") == text


def test_length_is_counted_once_trimmed():
    assert clean_text(" " * 50 + "a" * MAX_TEXT, "body") == "a" * MAX_TEXT
    err = refusal(clean_text, "a" * 61, "carrier", limit=60)
    assert (err.code, err.params) == ("inputs.error.too_long", {"field": "carrier", "max": 60})


@pytest.mark.parametrize("value", [42, b"bytes", ["liste"]])
def test_text_must_be_text(value):
    assert refusal(clean_text, value, "body").code == "inputs.error.text"


# --- amounts, instants, days ----------------------------------------------------------------


@pytest.mark.parametrize("value", [True, 12.0, 1e30, 1e309, float("nan"), "1200", "abc", None, Decimal("12")])
def test_an_amount_is_a_python_int(value):
    assert refusal(amount_cents, value, at_most=12_999).code == "inputs.error.amount"


def test_an_amount_is_positive_and_at_most_what_is_left():
    assert refusal(amount_cents, 0, at_most=12_999).code == "inputs.error.amount_positive"
    assert refusal(amount_cents, -5, at_most=12_999).code == "inputs.error.amount_positive"
    err = refusal(amount_cents, 10**30, at_most=12_999)
    assert (err.code, err.params) == ("inputs.error.amount_above_refundable", {"refundable_cents": 12_999})
    assert amount_cents(12_999, at_most=12_999) == 12_999


@pytest.mark.parametrize(
    "value",
    [
        YEAR_ONE,
        YEAR_9999,
        datetime(2026, 3, 10, 9),
        "2026-03-10T09:00:00Z",
        date(2026, 3, 10),
        NOW - timedelta(days=2),
        NOW + timedelta(seconds=1),
    ],
)
def test_an_instant_is_aware_and_within_its_window(value):
    assert refusal(instant, value, "x.error", earliest=NOW - timedelta(days=1), latest=NOW).code == "x.error"


def test_an_instant_in_its_window_comes_back_in_utc():
    at = instant(datetime(2026, 3, 10, 9, 30, tzinfo=PARIS_WINTER), "x", earliest=NOW - timedelta(days=1), latest=NOW)
    assert at == datetime(2026, 3, 10, 8, 30, tzinfo=timezone.utc) and at.tzinfo is timezone.utc


@pytest.mark.parametrize(
    "value", [date(1, 1, 1), date(9999, 12, 31), datetime(2026, 3, 10, 9, tzinfo=timezone.utc), "2026-03-10"]
)
def test_a_day_is_a_date_within_its_window(value):
    assert refusal(day, value, "x.error", earliest=date(2026, 3, 1), latest=date(2026, 3, 10)).code == "x.error"
    assert day(date(2026, 3, 10), "x.error", earliest=date(2026, 3, 1), latest=date(2026, 3, 10)) == date(2026, 3, 10)


# --- the services: crashes measured in issue #12 ------------------------------------------------


def open_case(world, type="defective"):
    result = svc.open_incident(
        world.db,
        world.actor("camille"),
        world.lines["camille_tech_delivered"].id,
        type,
        "Ne fonctionne pas.",
        opening_evidence(type),
    )
    return world.db.get(Incident, result.incident_id)


def taken_case(world):
    inc = open_case(world)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_partial", 2_000, "Un geste.")
    svc.refuse(world.db, world.actor("camille"), inc.id, inc.version, "Trop peu.")
    svc.request_arbitration(world.db, world.actor("camille"), inc.id, inc.version, "Je conteste.", [photo()])
    arb.take_case(world.db, world.actor("arbitrator"), inc.id)
    return inc


@pytest.mark.parametrize(
    "when",
    [YEAR_ONE, YEAR_9999, NOW - timedelta(days=11), NOW + timedelta(minutes=5), datetime(2026, 3, 10, 8), "hier"],
)
def test_an_exchange_outside_the_desk_happened_between_the_order_and_now(world, when):
    inc = open_case(world)
    seller = world.actor("seller_tech")
    err = refusal(svc.record_outside_exchange, world.db, seller, inc.id, "phone", when, "Camille", "Appel.")
    assert err.code == "incidents.error.occurred_at"
    assert world.db.exec(select(Message)).all() == []
    svc.record_outside_exchange(world.db, seller, inc.id, "phone", NOW - timedelta(days=9), "Camille", "Appel.")


@pytest.mark.parametrize("amount", [1e30, 1e309, float("inf"), "abc", 10**30])
def test_arbitrator_amounts_that_would_overflow_are_refused(world, amount):
    inc = taken_case(world)
    me = world.actor("arbitrator")
    err = refusal(arb.decide, world.db, me, inc.id, inc.version, "refund_partial", amount, "Geste.")
    assert err.code in ("inputs.error.amount", "inputs.error.amount_above_refundable")
    assert world.db.exec(select(func.count(Decision.id))).one() == 0


@pytest.mark.parametrize("amount", [float("inf"), "abc", 12.5, True, None])
def test_proposed_amounts_are_whole_cents(world, amount):
    inc = open_case(world)
    seller = world.actor("seller_tech")
    err = refusal(svc.propose, world.db, seller, inc.id, inc.version, "refund_partial", amount, "Geste.")
    assert err.code == "inputs.error.amount"
    assert (inc.state, inc.version) == ("open", 1)


def test_a_message_of_zero_width_spaces_is_refused_as_empty(world):
    inc = open_case(world)
    err = refusal(svc.post_message, world.db, world.actor("camille"), inc.id, "\u200b\u200b\u200b")
    assert err.code == "inputs.error.required"
    assert world.db.exec(select(Message)).all() == []


@pytest.mark.parametrize(
    "when",
    [
        date(1, 1, 1),
        date(2026, 2, 27),
        date(2026, 3, 11),
        date(9999, 12, 31),
        datetime(2026, 3, 10, 9, tzinfo=timezone.utc),
    ],
)
def test_a_refund_is_dated_between_the_order_and_today(world, when):
    inc = open_case(world)
    svc.propose(world.db, world.actor("seller_tech"), inc.id, inc.version, "refund_full", None, "Je rembourse.")
    svc.accept(world.db, world.actor("camille"), inc.id, inc.version)
    err = refusal(ff.record_refund, world.db, world.actor("seller_tech"), inc.id, 12_999, when)
    assert err.code == "fulfilment.error.refund_date"
    assert world.db.exec(select(Refund)).all() == []
    ff.record_refund(world.db, world.actor("seller_tech"), inc.id, 12_999, date(2026, 2, 28))  # the order's day


@pytest.mark.parametrize(
    "due", [YEAR_9999, NOW + timedelta(days=366), NOW, YEAR_ONE, datetime(2026, 4, 1, 12), "demain"]
)
def test_a_decisions_deadline_is_ahead_and_within_a_year(world, due):
    inc = taken_case(world)
    me = world.actor("arbitrator")
    err = refusal(arb.decide, world.db, me, inc.id, inc.version, "refund_full", None, "Rembourser.", {"refund": due})
    assert err.code == "support.error.obligation_due"
    in_a_year = NOW + timedelta(days=365)
    arb.decide(world.db, me, inc.id, inc.version, "refund_full", None, "Rembourser.", {"refund": in_a_year})


@pytest.mark.parametrize(
    "start,end",
    [
        (date(1, 1, 1), date(1, 1, 2)),
        (date(9999, 12, 30), date(9999, 12, 31)),
        (date(2026, 3, 1), date(9999, 12, 31)),
        ("2026-03-01", date(2026, 3, 10)),
    ],
)
def test_reports_and_searches_name_days_the_calendar_knows(world, start, end):
    support, seller = world.actor("support"), world.actor("seller_tech")
    assert refusal(analytics.trends, world.db, support, start, end).code == "support.error.period"
    assert refusal(analytics.seller_insights, world.db, seller, start, end).code == "support.error.period"
    filters = supervision.Filters(opened_from=start, opened_to=end)
    assert refusal(supervision.supervise, world.db, support, filters).code == "support.error.period"
    analytics.trends(world.db, world.actor("support"), date(2026, 3, 1), date(2026, 3, 10))


# --- NUL bytes, on SQLite and PostgreSQL ------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def any_world(request, clock):
    """The `world` marketplace on each database: a NUL byte crashed PostgreSQL only."""
    if request.param == "sqlite":
        yield request.getfixturevalue("world")
        return
    engine = make_engine(request.getfixturevalue("pg_url"))
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield make_world(session)
    finally:
        engine.dispose()


NUL = "Bonjour\x00"


def _with_case(world, type, act):
    inc = open_case(world, type)
    return lambda: act(world, inc)


SERVICES = {
    "opening": lambda w: (
        lambda: svc.open_incident(w.db, w.actor("camille"), w.lines["camille_tech_delivered"].id, "not_received", NUL)
    ),
    "message": lambda w: _with_case(
        w, "not_received", lambda w, i: svc.post_message(w.db, w.actor("camille"), i.id, NUL)
    ),
    "outside exchange": lambda w: _with_case(
        w,
        "not_received",
        lambda w, i: svc.record_outside_exchange(w.db, w.actor("seller_tech"), i.id, "phone", NOW, NUL, "Appel."),
    ),
    "proposal": lambda w: _with_case(
        w,
        "not_received",
        lambda w, i: svc.propose(w.db, w.actor("seller_tech"), i.id, i.version, "refund_full", None, NUL),
    ),
    "help": lambda w: _with_case(w, "not_received", lambda w, i: svc.request_help(w.db, w.actor("camille"), i.id, NUL)),
    "carrier inquiry": lambda w: _with_case(
        w, "not_received", lambda w, i: ff.open_carrier_inquiry(w.db, w.actor("seller_tech"), i.id, "Colissimo", NUL)
    ),
    "flag": lambda w: _with_case(
        w, "not_as_described", lambda w, i: flags.raise_flag(w.db, w.actor("seller_tech"), i.id, "description", NUL)
    ),
    "guideline": lambda w: lambda: guidelines.publish(w.db, w.actor("support"), "guideline", NUL, "Texte."),
    "shop": lambda w: lambda: admin.create_shop(w.db, w.actor("admin"), NUL),
    "account": lambda w: (
        lambda: admin.create_account(w.db, w.actor("admin"), "Nina", "nina\x00@example.com", "support")
    ),
    "board search": lambda w: lambda: board.board(w.db, w.actor("seller_tech"), board.BoardFilters(text=NUL)),
    "supervision search": lambda w: (
        lambda: supervision.supervise(w.db, w.actor("support"), supervision.Filters(text=NUL))
    ),
}


@pytest.mark.parametrize("service", list(SERVICES))
def test_a_nul_byte_is_refused_by_every_service_on_every_database(any_world, service):
    act = SERVICES[service](any_world)
    events = any_world.db.exec(select(func.count(IncidentEvent.id))).one()
    assert refusal(act).code == "inputs.error.control_character"
    assert any_world.db.exec(select(func.count(IncidentEvent.id))).one() == events  # nothing written
    any_world.db.commit()  # the transaction is still good: nothing reached the database
    assert any_world.db.exec(select(func.count(Shop.id))).one() == 2
