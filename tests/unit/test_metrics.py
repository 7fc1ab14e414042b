"""/metrics: Prometheus' text for the configured addresses only, with the figures the capacity
plan reads (event and push latency, open tabs, outbox backlog and age, sweep, pool), moving
when something happens."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from pixmania_incidents import metrics, settings
from pixmania_incidents.api import api
from pixmania_incidents.services import incidents
from tests.conftest import opening_evidence

NAMES = (
    "pixmania_event_seconds",
    "pixmania_push_seconds",
    "pixmania_open_tabs",
    "pixmania_outbox_backlog",
    "pixmania_outbox_oldest_age_seconds",
    "pixmania_sweep_seconds",
    "pixmania_db_pool_in_use",
)


@pytest.fixture
def scrape(world, engine, monkeypatch):
    monkeypatch.setattr(settings, "DB_URL", str(engine.url))

    def get(peer: str = "127.0.0.1", **headers: str):
        with TestClient(api, base_url="http://localhost:3000", client=(peer, 50000)) as client:
            return client.get("/metrics", headers=headers)

    return get


def samples(answer) -> dict[tuple[str, tuple], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def test_an_allowed_address_reads_every_figure(scrape):
    answer = scrape()
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    for name in NAMES:
        assert f"# TYPE {name} " in answer.text, name
    assert samples(answer)[("pixmania_outbox_backlog", (("outbox", "mail"),))] == 0
    assert scrape("::1").status_code == 200


def test_anyone_else_is_told_there_is_nothing_there(scrape, monkeypatch):
    assert scrape("203.0.113.7").status_code == 404
    monkeypatch.setattr(settings, "TRUSTED_PROXIES", settings._networks("127.0.0.1"))
    behind_the_proxy = scrape("127.0.0.1", **{"X-Forwarded-For": "203.0.113.7"})
    assert behind_the_proxy.status_code == 404 and "pixmania" not in behind_the_proxy.text
    monkeypatch.setattr(settings, "METRICS_ALLOW", settings._networks("10.0.0.0/8"))
    assert scrape("127.0.0.1").status_code == 404 and scrape("10.1.2.3").status_code == 200


def test_the_outbox_backlog_grows_with_the_mail_a_new_case_sends(world, scrape, clock):
    before = samples(scrape())
    incidents.open_incident(
        world.db,
        world.actor("camille"),
        world.lines["camille_tech_delivered"].id,
        "defective",
        "Ne s'allume plus.",
        opening_evidence("defective"),
    )
    world.db.commit()
    clock.advance(minutes=5)
    after = samples(scrape())
    mail = ("outbox", "mail")
    assert after[("pixmania_outbox_backlog", (mail,))] > before[("pixmania_outbox_backlog", (mail,))]
    assert after[("pixmania_outbox_oldest_age_seconds", (mail,))] == 300


def test_events_pushes_and_tabs_are_counted_once_instrumented(scrape):
    async def handle(self, *, entry, registered_handler):
        return None

    async def push_now(audiences, messages=True):
        return None

    processor = type("Processor", (), {"_execute_event": handle})
    live = SimpleNamespace(push_now=push_now)
    app = SimpleNamespace(event_namespace=SimpleNamespace(sid_to_token={"sid-1": "tab-1", "sid-2": "tab-2"}))
    before = samples(scrape())
    metrics.instrument(app, processor, live)
    asyncio.run(processor()._execute_event(entry=None, registered_handler=None))
    asyncio.run(live.push_now([]))
    after = samples(scrape())
    for name in ("pixmania_event_seconds_count", "pixmania_push_seconds_count"):
        assert after[(name, ())] == before[(name, ())] + 1, name
    assert after[("pixmania_open_tabs", ())] == 2
