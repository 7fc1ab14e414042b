"""What an operator's Prometheus reads at `/metrics` (served to `settings.METRICS_ALLOW` only).

Why these: they are the figures the capacity plan is made of (README "Performance"), read
in production the way the benchmarks read them: how long a browser event holds its tab
(`pixmania_event_seconds`), how long a change takes to reach the open pages
(`pixmania_push_seconds`), how many tabs this worker holds, how long a deadline sweep
takes, how many connections of the database pool are in use, and what waits in the
outboxes (mail and webhooks) and since when.

Each worker answers for itself (Prometheus' multiprocess mode would need a shared folder
and loses the gauges computed at scrape time): behind one port a scrape lands on one worker,
named by the `pixmania_worker_info` pid (README "Performance").
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Gauge, Histogram, Info, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import (
    CONTENT_TYPE_PLAIN_0_0_4 as CONTENT_TYPE,  # the text format every Prometheus reads
)
from prometheus_client.registry import Collector

from pixmania_incidents.db import get_engine
from pixmania_incidents.models import MailOutbox, WebhookDelivery
from pixmania_incidents.services.common import now

__all__ = ["CONTENT_TYPE", "EVENT_SECONDS", "PUSH_SECONDS", "SWEEP_SECONDS", "instrument", "render", "timed"]

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # the worker's memory and CPU (process_resident_memory_bytes, …)
Info("pixmania_worker", "The worker answering this scrape.", registry=REGISTRY).info({"pid": str(os.getpid())})

#: From a few milliseconds (a click) to the seconds a slow page load takes.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

EVENT_SECONDS = Histogram(
    "pixmania_event_seconds",
    "Time one browser event holds its tab's state, handler included.",
    buckets=_BUCKETS,
    registry=REGISTRY,
)
PUSH_SECONDS = Histogram(
    "pixmania_push_seconds",
    "Time to move the rooms of one change's audience (live updates).",
    buckets=_BUCKETS,
    registry=REGISTRY,
)
SWEEP_SECONDS = Histogram(
    "pixmania_sweep_seconds", "Time of one deadline sweep pass.", buckets=_BUCKETS, registry=REGISTRY
)
OPEN_TABS = Gauge("pixmania_open_tabs", "Browser tabs connected to this worker.", registry=REGISTRY)
DB_POOL_IN_USE = Gauge(
    "pixmania_db_pool_in_use", "Database connections checked out of this worker's pool.", registry=REGISTRY
)

_OUTBOXES = {"mail": MailOutbox, "webhook": WebhookDelivery}


def _pool_in_use() -> float:
    checkedout = getattr(get_engine().pool, "checkedout", None)
    return float(checkedout()) if callable(checkedout) else 0.0


DB_POOL_IN_USE.set_function(_pool_in_use)


class _Outboxes(Collector):
    """Rows waiting to be sent, and the age of the oldest, read at each scrape (through the
    outboxes' `status, next_attempt_at` indexes: the backlog is small unless something is wrong)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        backlog = GaugeMetricFamily("pixmania_outbox_backlog", "Rows waiting to be sent.", labels=["outbox"])
        oldest = GaugeMetricFamily(
            "pixmania_outbox_oldest_age_seconds", "Age of the oldest row waiting to be sent.", labels=["outbox"]
        )
        at = now()
        with get_engine().connect() as conn:
            for name, model in _OUTBOXES.items():
                count, first = conn.execute(
                    sa.select(sa.func.count(), sa.func.min(model.created_at)).where(model.status == "pending")
                ).one()
                backlog.add_metric([name], count)
                oldest.add_metric([name], 0.0 if first is None else max(0.0, (at - first).total_seconds()))
        yield backlog
        yield oldest


REGISTRY.register(_Outboxes())

T = TypeVar("T")


def timed(histogram: Histogram, fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """`fn` (a coroutine function), its every run observed in `histogram`, failures included."""

    @functools.wraps(fn)
    async def run(*args: Any, **kwargs: Any) -> T:
        started = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            histogram.observe(time.perf_counter() - started)

    return run


def instrument(app: Any, processor: Any, live: Any) -> None:
    """Once, from the app module: time every event (Reflex's processor runs each under its tab's
    lock in `_execute_event`; Reflex is pinned to the exact release this names), every push
    (`live.push_now`), and count this worker's tabs (its socket namespace)."""
    processor._execute_event = timed(EVENT_SECONDS, processor._execute_event)
    live.push_now = timed(PUSH_SECONDS, live.push_now)
    OPEN_TABS.set_function(lambda: float(len(getattr(app.event_namespace, "sid_to_token", None) or {})))


def render() -> bytes:
    """The text format Prometheus reads."""
    return generate_latest(REGISTRY)
