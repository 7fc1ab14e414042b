"""The app's background loops: the deadline sweep, the e-mail outbox sender, the webhook
sender, the evidence cleanup and the end of login sessions that run out.

Why in the app: a sweep that finds a breach must move the open pages at once
(`live.push_now`), which only the running app can do. Every worker runs every loop;
the sweep's lock, the outbox's leases and the cleanup's idempotent moves make that safe.
Blocking database, SMTP and file work runs in threads so the event loop keeps serving pages.
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime

from pixmania_incidents import live, metrics
from pixmania_incidents.db import get_engine, session_scope
from pixmania_incidents.services import auth, evidence, mail, sweep, webhooks
from pixmania_incidents.services.common import now

log = logging.getLogger("pixmania.tasks")

SWEEP_SECONDS = float(os.environ.get("PIXMANIA_SWEEP_SECONDS", "15"))
MAIL_SECONDS = float(os.environ.get("PIXMANIA_MAIL_SECONDS", "5"))
CLEANUP_SECONDS = 15 * 60


def rooms_of(report: sweep.SweepReport) -> list[tuple]:
    """Every room a pass changed, once each: incident pages, boards, supervision, bells."""
    rooms = {}
    for affected in report.affected:
        for room in live.rooms_for_incident(affected.incident_id, affected.shop_id, affected.notified):
            rooms[room] = None
    return list(rooms)


async def sweep_loop() -> None:
    while True:
        more = False
        try:
            with metrics.SWEEP_SECONDS.time():
                report = await asyncio.to_thread(sweep.run)
            more = report.more
            if report.affected:
                await live.push_now(rooms_of(report))
        except Exception:  # noqa: BLE001 - the loop must survive a bad pass (logged, retried)
            log.exception("deadline sweep failed")
        await asyncio.sleep(0 if more else SWEEP_SECONDS)


def pause_after(report: mail.SendReport) -> float:
    """Straight on while mail flows; a few seconds when idle or when the relay is down
    (each row then waits for its own short retry, see `mail.relay_backoff`)."""
    return 0.2 if report.claimed and not report.relay_down else MAIL_SECONDS


async def mail_loop() -> None:
    transport = mail.transport_from_env()
    while True:
        pause = MAIL_SECONDS
        try:
            pause = pause_after(await asyncio.to_thread(mail.send_due, get_engine(), transport))
        except Exception:  # noqa: BLE001 - e.g. the database restarting: try again later
            log.exception("mail outbox sender failed")
        await asyncio.sleep(pause)


WEBHOOK_SECONDS = float(os.environ.get("PIXMANIA_WEBHOOK_SECONDS", "2"))


async def webhook_loop() -> None:
    """Deliveries as they are written (straight on while there are some), each under its lease."""
    while True:
        pause = WEBHOOK_SECONDS
        try:
            report = await asyncio.to_thread(webhooks.deliver_due, get_engine())
            pause = 0.1 if report.claimed else WEBHOOK_SECONDS
        except Exception:  # noqa: BLE001 - e.g. the database restarting: try again later
            log.exception("webhook sender failed")
        await asyncio.sleep(pause)


def clean_evidence() -> evidence.CleanupReport:
    with session_scope() as session:
        return evidence.clean_staging(session)


async def cleanup_loop() -> None:
    """Staged evidence a crash left behind; every worker may run it (moves and deletes are idempotent)."""
    while True:
        try:
            report = await asyncio.to_thread(clean_evidence)
            if report.promoted or report.removed:
                log.info("evidence cleanup: %s", report)
        except Exception:  # noqa: BLE001 - retried at the next pass
            log.exception("evidence cleanup failed")
        await asyncio.sleep(CLEANUP_SECONDS)


def sessions_running_out(since: datetime, until: datetime) -> tuple[set[int], datetime | None]:
    with session_scope(write=False) as session:
        return auth.sessions_running_out(session, since, until)


async def session_expiry_loop() -> None:
    """A login session that runs out ends its open tabs at that instant, not at their next event:
    the loop wakes at the next expiry it knows of, and at least every sweep period (a session
    opened meanwhile). Every worker runs it; a tab told twice checks its session twice."""
    since = now()
    while True:
        upcoming = None
        try:
            until = now()
            ended, upcoming = await asyncio.to_thread(sessions_running_out, since, until)
            since = until
            if ended:
                await live.end_sessions_now(ended)
        except Exception:  # noqa: BLE001 - retried at the next pass; tabs still end at their next event
            log.exception("session expiry pass failed")
        wait = SWEEP_SECONDS if upcoming is None else (upcoming - now()).total_seconds()
        await asyncio.sleep(min(SWEEP_SECONDS, max(wait, 0.2)))


def register(app) -> None:  # noqa: ANN001 - rx.App
    """Called once from `pixmania_incidents.py`; `PIXMANIA_BACKGROUND=0` turns them all off."""
    if os.environ.get("PIXMANIA_BACKGROUND", "1") == "0":
        return
    app.register_lifespan_task(sweep_loop)
    app.register_lifespan_task(mail_loop)
    app.register_lifespan_task(webhook_loop)
    app.register_lifespan_task(cleanup_loop)
    app.register_lifespan_task(session_expiry_loop)
