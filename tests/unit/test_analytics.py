"""Trend and insight figures against a small data set computed by hand.

T0 = Tuesday 2026-03-10 09:00 UTC (ISO week 11). Hours are counted from T0.

  A  TechShop  defective         opened T0     answered +2 h   proposal +4 h, accepted +5 h   rated 4, lesson packaging
  B  TechShop  not_received      opened T0+1   answered +30 h  (resolution still running)
  C  TechShop  damaged           opened T0+1   never answered  arbitration at +51 h, decided refund_full at +53 h
  E  TechShop  not_as_described  opened T0+7   withdrawn at +8 h, same listing as A, lesson packaging
  D  MaisonPlus wrong_item       opened T0+168 (week 12) answered +1 h, proposal +2 h, accepted +3 h

Figures are read at T0+172. Every test runs on SQLite and on PostgreSQL: the figures are
computed by the database, with `percentile_cont` on one and ranked windows on the other.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlmodel import Session

from pixmania_incidents.db import make_engine
from pixmania_incidents.services import analytics, fulfilment, guidelines
from pixmania_incidents.services import arbitration as arb
from pixmania_incidents.services import incidents as svc
from pixmania_incidents.services.analytics import percentile
from pixmania_incidents.services.common import Forbidden, load_incident
from pixmania_incidents.services.evidence import Upload
from tests.conftest import NOW, opening_evidence

START, END = date(2026, 3, 9), date(2026, 3, 22)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, engine):
    """The `world` of tests/conftest.py, in each database."""
    eng = engine if request.param == "sqlite" else make_engine(request.getfixturevalue("pg_url"))
    with Session(eng, expire_on_commit=False) as session:
        yield session
    if eng is not engine:
        eng.dispose()


def photo() -> Upload:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "JPEG")
    return Upload("photo.jpg", buf.getvalue())


@pytest.fixture
def data(world, clock):
    db, a = world.db, world.actor
    at = lambda hours: setattr(clock, "at", NOW + timedelta(hours=hours))  # noqa: E731

    def open_(who, line, type):
        return svc.open_incident(
            db, a(who), world.lines[line].id, type, "Problème.", opening_evidence(type)
        ).incident_id

    def version(iid):
        return load_incident(db, a("admin"), iid).version

    inc_a = open_("camille", "camille_tech_delivered", "defective")
    at(1)
    inc_b = open_("camille", "camille_tech_shipped", "not_received")
    inc_c = open_("paul", "paul_tech_delivered", "damaged")
    at(2)
    svc.post_message(db, a("seller_tech"), inc_a, "Bonjour, nous regardons.")
    at(4)
    svc.propose(db, a("seller_tech"), inc_a, version(inc_a), "refund_partial", 3_000, "Geste commercial.")
    at(5)
    svc.accept(db, a("camille"), inc_a, version(inc_a))
    at(6)
    fulfilment.record_refund(db, a("seller_tech"), inc_a, 3_000, date(2026, 3, 10))
    svc.confirm_closure(db, a("seller_tech"), inc_a, version(inc_a))
    svc.rate(db, a("camille"), inc_a, 4)
    svc.add_lesson(db, a("seller_tech"), inc_a, "packaging", "Carton renforcé.")
    at(7)
    inc_e = open_("camille", "camille_tech_delivered", "not_as_described")
    at(8)
    svc.withdraw(db, a("camille"), inc_e, version(inc_e))
    svc.add_lesson(db, a("seller_tech"), inc_e, "packaging", "Toujours l'emballage.")
    at(31)
    svc.post_message(db, a("seller_tech"), inc_b, "Enquête en cours.")
    at(51)
    svc.request_arbitration(db, a("paul"), inc_c, version(inc_c), "Aucune réponse.", [photo()])
    at(52)
    arb.take_case(db, a("arbitrator"), inc_c)
    at(53)
    arb.decide(db, a("arbitrator"), inc_c, version(inc_c), "refund_full", None, "Le vendeur n'a jamais répondu.")
    at(168)
    inc_d = open_("camille", "camille_maison_delivered", "wrong_item")
    at(169)
    svc.post_message(db, a("seller_maison"), inc_d, "Désolé pour l'erreur.")
    at(170)
    svc.propose(db, a("seller_maison"), inc_d, version(inc_d), "replacement", None, "Nous envoyons le bon article.")
    at(171)
    svc.accept(db, a("camille"), inc_d, version(inc_d))
    at(172)
    return world


def test_percentile_interpolates_between_ranks():
    assert percentile([30, 1, 2], 0.5) == 2
    assert percentile([1, 2, 30], 0.9) == 24.4
    assert percentile([2, 30], 0.5) == 16
    assert percentile([7], 0.9) == 7
    assert percentile([], 0.5) is None


def test_trend_figures_match_the_hand_computed_set(data):
    t = analytics.trends(data.db, data.actor("support"), START, END)
    o = t["overall"]
    assert o["count"] == 5
    assert (o["response_p50"], o["response_p90"]) == (2, 24.4)  # A 2, B 30, D 1
    assert (o["resolution_p50"], o["resolution_p90"]) == (5, 42.6)  # D 3, A 5, C 52
    assert o["answered_24h"] == 0.5  # A, D of A B C D (E withdrawn after 1 h is not judged)
    assert o["answered_48h"] == 0.75  # A, B, D
    assert o["response_breach_rate"] == 0.2  # C
    assert o["resolution_breach_rate"] == 0
    assert o["resolved_on_time"] == round(2 / 3, 4)  # A, D on time; C escalated
    assert o["arbitration_rate"] == 0.2
    assert (o["average_rating"], o["ratings"]) == (4, 1)
    by_type = {g["key"]: g for g in t["by_type"]}
    assert [g["key"] for g in t["by_type"]] == [
        "not_received",
        "defective",
        "not_as_described",
        "wrong_item",
        "damaged",
    ]
    assert by_type["damaged"]["response_breach_rate"] == 1 and by_type["damaged"]["arbitration_rate"] == 1
    assert by_type["not_received"]["response_p50"] == 30
    assert {g["key"]: g["count"] for g in t["by_shop"]} == {"MaisonPlus": 1, "TechShop": 4}
    assert [(g["key"], g["count"]) for g in t["by_week"]] == [("2026-W11", 4), ("2026-W12", 1)]
    assert [(x["outcome"], x["count"]) for x in t["outcomes"]] == [("refund_full", 1)]
    assert (
        t["top_listings"][0]["count"] == 2
        and t["top_listings"][0]["listing"] == data.listings["camille_tech_delivered"].title
    )
    assert len(t["top_listings"]) == 4
    assert t["root_causes"] == [{"cause": "packaging", "count": 2, "recurring": True}]


def test_period_bounds_are_paris_days(data):
    week_12 = analytics.trends(data.db, data.actor("support"), date(2026, 3, 16), date(2026, 3, 22))
    assert week_12["overall"]["count"] == 1
    empty = analytics.trends(data.db, data.actor("support"), date(2026, 1, 1), date(2026, 1, 31))
    assert empty["overall"]["count"] == 0 and empty["overall"]["response_p50"] is None


def test_csv_export_has_one_line_per_incident(data, monkeypatch):
    monkeypatch.setattr(analytics, "CSV_BATCH", 2)
    chunks = list(analytics.trends_csv(data.db, data.actor("arbitrator"), START, END))
    assert len(chunks) == 3  # header and A, B; C, E; D: read and sent two by two
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert [r["type"] for r in rows] == ["defective", "not_received", "damaged", "not_as_described", "wrong_item"]
    assert len(rows) == 5
    c = next(r for r in rows if r["type"] == "damaged")
    assert c["decision"] == "refund_full" and c["response_hours"] == "" and c["response_breached"] == "True"
    assert c["resolution_hours"] == "52.0" and c["week"] == "2026-W11"
    a = next(r for r in rows if r["type"] == "defective")
    assert (a["rating"], a["root_causes"], a["response_hours"]) == ("4", "packaging", "2.0")


def test_trends_are_staff_only(data):
    for who in ("seller_tech", "camille", "product"):
        with pytest.raises(Forbidden):
            analytics.trends(data.db, data.actor(who), START, END)


def test_seller_insights_cover_only_their_shop(data):
    guidelines.publish(data.db, data.actor("support"), "guideline", "Emballage", "Double carton.", "damaged")
    ins = analytics.seller_insights(data.db, data.actor("seller_tech"), START, END)
    o = ins["overall"]
    assert o["count"] == 4  # A, B, C, E
    assert (o["response_p50"], o["response_p90"]) == (16, 27.2)  # A 2, B 30
    assert o["answered_24h"] == round(1 / 3, 4)  # A of A, B, C
    assert o["answered_48h"] == round(2 / 3, 4)
    assert o["resolved_on_time"] == 0.5  # A yes, C escalated
    assert o["arbitration_rate"] == 0.25
    assert o["average_rating"] == 4
    assert [(x["outcome"], x["count"]) for x in ins["outcomes"]] == [("refund_full", 1)]
    assert ins["root_causes"] == [{"cause": "packaging", "count": 2, "recurring": True}]
    top = ins["by_listing"][0]
    assert top["count"] == 2 and top["sku"] == data.listings["camille_tech_delivered"].sku
    assert top["answered_24h"] == 1 and top["response_p50"] == 2
    assert {g["key"] for g in ins["by_type"]} == {"defective", "not_received", "damaged", "not_as_described"}
    assert [g["title"] for g in ins["guidelines"]] == ["Emballage"]
    other = analytics.seller_insights(data.db, data.actor("seller_maison"), START, END)
    assert other["overall"]["count"] == 1 and other["overall"]["response_p50"] == 1
    assert other["root_causes"] == [] and other["outcomes"] == []
    with pytest.raises(Forbidden):
        analytics.seller_insights(data.db, data.actor("support"), START, END)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_csv_export_is_served_streamed_to_staff_only(data, engine, monkeypatch):
    from starlette.testclient import TestClient

    from pixmania_incidents import settings
    from pixmania_incidents.api import api
    from pixmania_incidents.services import auth

    monkeypatch.setattr(settings, "DB_URL", str(engine.url))
    tokens = {
        who: auth.open_session(data.db, data.users[who].id, "127.0.0.1", "test") for who in ("support", "seller_tech")
    }
    data.db.commit()
    path = analytics.csv_export_path(data.db, data.actor("support"), START, END)
    with TestClient(api, base_url="http://localhost:3000") as client:
        client.cookies.set(settings.SESSION_COOKIE, tokens["support"])
        answer = client.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        assert "attachment" in answer.headers["content-disposition"] and "content-length" not in answer.headers
        assert len(list(csv.DictReader(io.StringIO(answer.text)))) == 5
        client.cookies.set(settings.SESSION_COOKIE, tokens["seller_tech"])
        assert client.get(path).status_code == 404
        client.cookies.clear()
        assert client.get(path).status_code == 404
