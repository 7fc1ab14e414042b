"""Trends for customer service and insights for sellers (policy step 5).

Why one set of rows for both: the staff trends, the seller's insights and the CSV export
must tell the same story, so each incident becomes one `CaseRow` (its times, breaches,
arbitration, rating and root causes) and every figure is computed from those rows.

Definitions (shown in the pages' legends):
* period: incidents opened between `start` and `end` (Paris dates, both included);
* response time: opening → the seller's first customer-visible act; resolution time:
  opening → resolution (accepted proposal or decision);
* percentiles interpolate linearly between ranks (p50 of 1, 2, 30 is 2; p90 is 24.4);
* answered within 24 h / 48 h: among incidents answered, or watched for that long
  without an answer (a case withdrawn after 3 hours is not counted);
* resolved on time: among incidents whose resolution clock is judged (met, breached or
  escalated), those met by the due instant;
* breach rates, arbitration rate: shares of all incidents of the period.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, select, col

from pixmania_incidents import deadlines as dl
from pixmania_incidents.calendar import PARIS, paris_date
from pixmania_incidents.models import (
    ArbitrationRequest,
    Deadline,
    Decision,
    Incident,
    Lesson,
    Listing,
    Rating,
    Shop,
)
from pixmania_incidents.policy import SOLUTION_LABELS, TYPES
from pixmania_incidents.services import clocks, guidelines
from pixmania_incidents.services.common import Actor, InvalidInput, authorize, now, reads
from pixmania_incidents.services.inputs import search_day
from pixmania_incidents.vocabulary import MAX_PERIOD_DAYS as MAX_DAYS

TOP_LISTINGS = 10
_HOUR = 3600.0


@dataclass
class CaseRow:
    """One incident as the figures see it (also one line of the CSV export)."""

    reference: str
    opened_at: str
    week: str
    type: str
    shop: str
    listing_id: int
    listing: str
    sku: str
    state: str
    outcome: str
    response_hours: float | None
    resolution_hours: float | None
    answered_24h: bool | None  # None: not watched for 24 h yet
    answered_48h: bool | None
    response_breached: bool
    resolution_breached: bool
    resolved_on_time: bool | None  # None: resolution not judged yet
    arbitrated: bool
    decision: str
    rating: int | None
    root_causes: list[str] = field(default_factory=list)


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else round((end - start).total_seconds() / _HOUR, 2)


def _answered_within(inc: Incident, hours: int, at: datetime) -> bool | None:
    if inc.first_response_at is not None and inc.first_response_at - inc.opened_at <= timedelta(hours=hours):
        return True
    watched_until = inc.first_response_at or inc.closed_at or at
    return False if watched_until - inc.opened_at >= timedelta(hours=hours) else None


def _on_time(row: Deadline | None, at: datetime) -> bool | None:
    if row is None:
        return None
    if row.met_at is not None:
        return not dl.is_overdue(row.due_at, row.met_at)
    if clocks.was_breached(row, at) or row.settled == "escalated":
        return False
    return None


def _iso_week(instant: datetime) -> str:
    year, week, _ = paris_date(instant).isocalendar()
    return f"{year}-W{week:02d}"


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    start, end = search_day(start, "support.error.period"), search_day(end, "support.error.period")
    if start > end:
        raise InvalidInput("support.error.period")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("support.error.period_too_long", days=MAX_DAYS)
    return (datetime.combine(start, time(0), tzinfo=PARIS), datetime.combine(end + timedelta(days=1), time(0), tzinfo=PARIS))


def case_rows(session: Session, start: date, end: date, shop_id: int | None = None) -> list[CaseRow]:
    """Every incident of the period (of one shop if given), oldest first. Not authorized:
    callers are `trends`, `trend_rows` and `seller_insights`, which authorize."""
    since, until = _period(start, end)
    stmt = (
        select(Incident, col(Shop.name), col(Listing.title), col(Listing.sku))
        .join(Shop, col(Shop.id) == col(Incident.shop_id))
        .join(Listing, col(Listing.id) == col(Incident.listing_id))
        .where(col(Incident.opened_at) >= since, col(Incident.opened_at) < until)
        .order_by(col(Incident.opened_at), col(Incident.id))
    )
    if shop_id is not None:
        stmt = stmt.where(col(Incident.shop_id) == shop_id)
    found = session.exec(stmt).all()
    ids = [inc.id for inc, *_ in found]
    if not ids:
        return []

    def by_incident(model: Any, *conds: Any) -> Iterable[Any]:
        return session.exec(select(model).where(model.incident_id.in_(ids), *conds).order_by(model.id)).all()

    latest_clock: dict[tuple[int, str], Deadline] = {}
    for row in by_incident(Deadline, col(Deadline.kind).in_((clocks.RESPONSE, clocks.RESOLUTION))):
        latest_clock[(row.incident_id, row.kind)] = row
    arbitrated = {r.incident_id for r in by_incident(ArbitrationRequest)}
    decisions = {d.incident_id: d.outcome for d in by_incident(Decision)}
    ratings = {r.incident_id: r.score for r in by_incident(Rating)}
    causes: dict[int, list[str]] = {}
    for lesson in by_incident(Lesson):
        causes.setdefault(lesson.incident_id, []).append(lesson.root_cause)
    at = now()
    rows = []
    for inc, shop, title, sku in found:
        response = latest_clock.get((inc.id, clocks.RESPONSE))
        resolution = latest_clock.get((inc.id, clocks.RESOLUTION))
        rows.append(CaseRow(
            reference=inc.reference,
            opened_at=inc.opened_at.isoformat(),
            week=_iso_week(inc.opened_at),
            type=inc.type,
            shop=shop,
            listing_id=inc.listing_id,
            listing=title,
            sku=sku,
            state=inc.state,
            outcome=inc.outcome or "",
            response_hours=_hours(inc.opened_at, inc.first_response_at),
            resolution_hours=_hours(inc.opened_at, inc.resolved_at),
            answered_24h=_answered_within(inc, 24, at),
            answered_48h=_answered_within(inc, 48, at),
            response_breached=clocks.was_breached(response, at),
            resolution_breached=clocks.was_breached(resolution, at),
            resolved_on_time=_on_time(resolution, at),
            arbitrated=inc.id in arbitrated,
            decision=decisions.get(inc.id, ""),
            rating=ratings.get(inc.id),
            root_causes=causes.get(inc.id, []),
        ))
    return rows


# --- figures ---------------------------------------------------------------------------------


def percentile(values: Iterable[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    data = sorted(values)
    if not data:
        return None
    pos = (len(data) - 1) * q
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return round(data[low] + (data[high] - data[low]) * (pos - low), 2)


def _share(flags: Iterable[bool | None]) -> float | None:
    judged = [f for f in flags if f is not None]
    return round(sum(judged) / len(judged), 4) if judged else None


def summary(rows: list[CaseRow]) -> dict[str, Any]:
    """The figures of one group of incidents."""
    responses = [r.response_hours for r in rows if r.response_hours is not None]
    resolutions = [r.resolution_hours for r in rows if r.resolution_hours is not None]
    scores = [r.rating for r in rows if r.rating is not None]
    return {
        "count": len(rows),
        "response_p50": percentile(responses, 0.5),
        "response_p90": percentile(responses, 0.9),
        "resolution_p50": percentile(resolutions, 0.5),
        "resolution_p90": percentile(resolutions, 0.9),
        "answered_24h": _share(r.answered_24h for r in rows),
        "answered_48h": _share(r.answered_48h for r in rows),
        "response_breach_rate": _share(r.response_breached for r in rows),
        "resolution_breach_rate": _share(r.resolution_breached for r in rows),
        "resolved_on_time": _share(r.resolved_on_time for r in rows),
        "arbitration_rate": _share(r.arbitrated for r in rows),
        "average_rating": round(sum(scores) / len(scores), 2) if scores else None,
        "ratings": len(scores),
    }


def _grouped(rows: list[CaseRow], key: Callable[[CaseRow], Any], order: list[Any] | None = None) -> list[dict[str, Any]]:
    groups: dict[Any, list[CaseRow]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    keys = [k for k in order if k in groups] if order is not None else sorted(groups)
    return [{"key": k, **summary(groups[k])} for k in keys]


def _by_type(rows: list[CaseRow]) -> list[dict[str, Any]]:
    groups = _grouped(rows, lambda r: r.type, list(TYPES))
    return [g | {"label_fr": TYPES[g["key"]].label_fr, "label_en": TYPES[g["key"]].label_en} for g in groups]


def _outcomes(rows: list[CaseRow]) -> list[dict[str, Any]]:
    counts = Counter(r.decision for r in rows if r.decision)
    return [{"outcome": o, "label_fr": SOLUTION_LABELS[o][0], "label_en": SOLUTION_LABELS[o][1], "count": n}
            for o, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _root_causes(rows: list[CaseRow]) -> list[dict[str, Any]]:
    counts = Counter(c for r in rows for c in r.root_causes)
    return [{"cause": c, "count": n, "recurring": n >= 2} for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _top_listings(rows: list[CaseRow]) -> list[dict[str, Any]]:
    counts = Counter(r.listing_id for r in rows)
    first = {r.listing_id: r for r in reversed(rows)}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], first[kv[0]].listing))[:TOP_LISTINGS]
    return [{"listing_id": lid, "listing": first[lid].listing, "sku": first[lid].sku, "shop": first[lid].shop, "count": n}
            for lid, n in ranked]


@reads
def trends(session: Session, actor: Actor, start: date, end: date) -> dict[str, Any]:
    """Customer service's view of a period: overall, by type, shop and ISO week."""
    authorize(actor, "trends.view")
    rows = case_rows(session, start, end)
    return {
        "overall": summary(rows),
        "by_type": _by_type(rows),
        "by_shop": _grouped(rows, lambda r: r.shop),
        "by_week": _grouped(rows, lambda r: r.week),
        "outcomes": _outcomes(rows),
        "top_listings": _top_listings(rows),
        "root_causes": _root_causes(rows),
    }


CSV_COLUMNS = [f for f in CaseRow.__dataclass_fields__ if f != "listing_id"]


@reads
def trends_csv(session: Session, actor: Actor, start: date, end: date) -> str:
    """The rows behind the trends, one incident per line (spreadsheet-friendly)."""
    authorize(actor, "trends.view")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in case_rows(session, start, end):
        data = asdict(row)
        data["root_causes"] = ";".join(row.root_causes)
        writer.writerow({k: "" if v is None else v for k, v in data.items()})
    return out.getvalue()


@reads
def seller_insights(session: Session, actor: Actor, start: date, end: date) -> dict[str, Any]:
    """The seller's own shop only: by type and by listing, response times and shares,
    resolution on time, arbitration, ratings, recurring root causes, guidelines."""
    authorize(actor, "insights.view")
    rows = case_rows(session, start, end, shop_id=actor.shop_id)
    by_listing = _grouped(rows, lambda r: r.listing_id)
    titles = {r.listing_id: (r.listing, r.sku) for r in rows}
    return {
        "overall": summary(rows),
        "by_type": _by_type(rows),
        "by_listing": sorted(
            (g | {"listing": titles[g["key"]][0], "sku": titles[g["key"]][1]} for g in by_listing),
            key=lambda g: (-g["count"], g["listing"]),
        ),
        "outcomes": _outcomes(rows),
        "root_causes": _root_causes(rows),
        "guidelines": guidelines.guidelines_for(session, actor),
    }
