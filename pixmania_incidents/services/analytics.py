"""Trends for customer service and insights for sellers (policy step 5).

Why one set of facts for both: the staff trends, the seller's insights and the CSV export
must tell the same story, so each incident becomes one row of `_facts` (its times, breaches,
arbitration, rating), a SQL query, and every figure is computed from it by the database:
counts, shares and averages by `GROUP BY`, percentiles by PostgreSQL's `percentile_cont`
or, on SQLite, by ranking each group's values in a window and reading back only the two
ranks each percentile lies between. No figure loads the period's cases into Python, and
the CSV streams them in bounded batches (README "Performance").

Definitions (shown in the pages' legends):
* period: incidents opened between `start` and `end` (Paris dates, both included);
* response time: opening → the seller's first customer-visible act; resolution time:
  opening → resolution (accepted proposal or decision), in hours rounded to 0.01;
* percentiles interpolate linearly between ranks (p50 of 1, 2, 30 is 2; p90 is 24.4);
* answered within 24 h / 48 h: among incidents answered, or watched for that long
  without an answer (a case withdrawn after 3 hours is not counted);
* resolved on time: among incidents whose resolution clock is judged (met, breached or
  escalated), those met by the due instant;
* breach rates, arbitration rate: shares of all incidents of the period.
Instants are compared to the microsecond on PostgreSQL and to the millisecond on SQLite.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from pixmania_incidents.calendar import PARIS
from pixmania_incidents.models import (
    ArbitrationRequest,
    Deadline,
    Decision,
    Incident,
    Lesson,
    Listing,
    Rating,
    Shop,
    UTCDateTime,
)
from pixmania_incidents.policy import SOLUTION_LABELS, TYPES
from pixmania_incidents.services import clocks, guidelines
from pixmania_incidents.services.common import Actor, InvalidInput, authorize, now, reads
from pixmania_incidents.services.inputs import search_day
from pixmania_incidents.vocabulary import MAX_PERIOD_DAYS as MAX_DAYS

TOP_LISTINGS = 10
#: Incidents per query of the CSV export: its memory does not grow with the period.
CSV_BATCH = 1000
_HOUR = 3600
_PERCENTILES = {"p50": 0.5, "p90": 0.9}
_TIMES = ("response", "resolution")
_SHARES = ("answered_24h", "answered_48h", "response_breached", "resolution_breached", "resolved_on_time", "arbitrated")
_SHARE_NAMES = {
    "response_breached": "response_breach_rate",
    "resolution_breached": "resolution_breach_rate",
    "arbitrated": "arbitration_rate",
}


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    start, end = search_day(start, "support.error.period"), search_day(end, "support.error.period")
    if start > end:
        raise InvalidInput("support.error.period")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("support.error.period_too_long", days=MAX_DAYS)
    return (
        datetime.combine(start, time(0), tzinfo=PARIS),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=PARIS),
    )


# --- the facts of each incident, in SQL ------------------------------------------------------


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _instant(at: datetime) -> Any:
    return sa.literal(at, UTCDateTime())


def _week(opened_at: Any, since: datetime, until: datetime) -> Any:
    """The ISO week (Paris) of an opening instant, from the Monday midnights of the period
    computed here: the same label on every database, no time zone support needed. A binary
    search over those instants, so a row costs a handful of comparisons, not one per week."""
    monday = since.date() - timedelta(days=since.weekday())
    weeks: list[tuple[datetime, str]] = []  # (the next Monday midnight, this week's label)
    while datetime.combine(monday, time(0), tzinfo=PARIS) < until:
        year, week, _ = monday.isocalendar()
        monday += timedelta(days=7)
        weeks.append((datetime.combine(monday, time(0), tzinfo=PARIS), f"{year}-W{week:02d}"))

    def pick(first: int, last: int) -> Any:
        if first == last:
            return sa.literal(weeks[first][1])
        middle = (first + last) // 2
        return sa.case((opened_at < _instant(weeks[middle][0]), pick(first, middle)), else_=pick(middle + 1, last))

    return pick(0, len(weeks) - 1)


class _Facts:
    """The SQL of one period's incidents (of one shop if given), read at `at`.

    Two levels: `_raw` reads each incident once, with its instants turned into seconds once
    (parsing an instant is most of SQLite's cost), and is materialized; `select` derives the
    facts from those numbers."""

    def __init__(self, session: Session, start: date, end: date, shop_id: int | None = None) -> None:
        self.session, self.shop_id, self.at = session, shop_id, now()
        self.since, self.until = _period(start, end)
        self.pg = _is_pg(session)
        if self.pg:
            # These statements are costed high enough for PostgreSQL to compile them to machine code
            # first, which takes longer than running them (seconds against a fraction of one).
            session.execute(sa.text("SET LOCAL jit = off"))

    def epoch(self, instant: Any) -> Any:
        """Seconds since the epoch (exact on PostgreSQL; SQLite keeps the millisecond)."""
        return sa.extract("epoch", instant) if self.pg else sa.func.julianday(instant) * 86_400.0

    def elapsed(self, start: Any, end: Any) -> Any:
        return end - start if self.pg else sa.func.round((end - start) * 1000) / 1000.0

    def hours(self, start: Any, end: Any) -> Any:
        return sa.func.round(self.elapsed(start, end) / (_HOUR if self.pg else float(_HOUR)), 2)

    def where(self) -> list[Any]:
        conds = [col(Incident.opened_at) >= self.since, col(Incident.opened_at) < self.until]
        if self.shop_id is not None:
            conds.append(col(Incident.shop_id) == self.shop_id)
        return conds

    def _raw(self, listings: bool, conds: list[Any], limit: int | None) -> Any:
        inc: Any = Incident  # its columns, read as expressions
        cut = _instant(self.at - timedelta(seconds=1))  # a clock is breached from the second after its due instant

        # Each incident's latest response and resolution clocks, found in one grouped pass over
        # the clocks of the incidents read (a lookup per incident and kind costs far more).
        picked = sa.select(inc.id).where(*self.where(), *conds)
        if limit is not None:
            picked = picked.order_by(inc.opened_at, inc.id).limit(limit)
        kinds = (clocks.RESPONSE, clocks.RESOLUTION)
        latest_ids = (
            sa.select(
                col(Deadline.incident_id),
                *(sa.func.max(sa.case((col(Deadline.kind) == k, col(Deadline.id)))).label(k) for k in kinds),
            )
            .where(col(Deadline.kind).in_(kinds), col(Deadline.incident_id).in_(picked))
            .group_by(col(Deadline.incident_id))
            .subquery("latest")
        )

        def latest(kind: str) -> Any:
            row = aliased(Deadline)
            return row, row.id == latest_ids.c[kind]

        def breached(row: Any) -> Any:
            return sa.or_(
                row.breached_at.isnot(None),
                sa.and_(row.settled.is_(None), row.met_at.is_(None), row.paused.is_(False), row.due_at <= cut),
            )

        def flag(cond: Any) -> Any:
            return sa.case((cond, 1), else_=0)

        response, on_response = latest(clocks.RESPONSE)
        resolution, on_resolution = latest(clocks.RESOLUTION)
        stmt = (
            sa.select(
                inc.id,
                inc.reference,
                inc.opened_at,
                _week(inc.opened_at, self.since, self.until).label("week"),
                inc.type,
                col(Shop.name).label("shop"),
                inc.listing_id,
                inc.state,
                sa.func.coalesce(inc.outcome, "").label("outcome"),
                self.epoch(inc.opened_at).label("e_opened"),
                self.epoch(inc.first_response_at).label("e_response"),
                self.epoch(inc.resolved_at).label("e_resolution"),
                self.epoch(sa.func.coalesce(inc.first_response_at, inc.closed_at, _instant(self.at))).label(
                    "e_watched"
                ),
                flag(sa.and_(response.id.isnot(None), breached(response))).label("response_breached"),
                flag(sa.and_(resolution.id.isnot(None), breached(resolution))).label("resolution_breached"),
                sa.case(
                    (resolution.id.is_(None), None),
                    (
                        resolution.met_at.isnot(None),
                        flag(self.elapsed(self.epoch(resolution.due_at), self.epoch(resolution.met_at)) < 1),
                    ),
                    (sa.or_(breached(resolution), resolution.settled == "escalated"), 0),
                    else_=None,
                ).label("resolved_on_time"),
                flag(sa.exists().where(col(ArbitrationRequest.incident_id) == inc.id)).label("arbitrated"),
                sa.select(col(Decision.outcome))
                .where(col(Decision.incident_id) == inc.id)
                .order_by(col(Decision.id).desc())
                .limit(1)
                .scalar_subquery()
                .label("decision"),
                sa.select(col(Rating.score))
                .where(col(Rating.incident_id) == inc.id)
                .order_by(col(Rating.id).desc())
                .limit(1)
                .scalar_subquery()
                .label("rating"),
                *((col(Listing.title).label("listing"), col(Listing.sku)) if listings else ()),
            )
            .join(Shop, col(Shop.id) == inc.shop_id)
            .outerjoin(latest_ids, latest_ids.c.incident_id == inc.id)
            .outerjoin(response, on_response)
            .outerjoin(resolution, on_resolution)
            .where(*self.where(), *conds)
        )
        if listings:
            stmt = stmt.join(Listing, col(Listing.id) == inc.listing_id)
        if limit is not None:
            stmt = stmt.order_by(inc.opened_at, inc.id).limit(limit)
        return stmt.cte("raw").prefix_with("MATERIALIZED")  # each incident read once, whatever reads it after

    def select(self, *, listings: bool = False, conds: tuple[Any, ...] = (), limit: int | None = None) -> Any:
        """One row per incident: what the CSV shows (with `listings`) and every figure counts;
        `conds` and `limit` (oldest first) pick a batch of them."""
        r = self._raw(listings, list(conds), limit).c

        def answered_within(hours: int) -> Any:
            return sa.case(
                (sa.and_(r.e_response.isnot(None), self.elapsed(r.e_opened, r.e_response) <= hours * _HOUR), 1),
                (self.elapsed(r.e_opened, r.e_watched) >= hours * _HOUR, 0),
                else_=None,
            )

        stmt = sa.select(
            r.id,
            r.reference,
            r.opened_at,
            r.week,
            r.type,
            r.shop,
            r.listing_id,
            r.state,
            r.outcome,
            self.hours(r.e_opened, r.e_response).label("response"),
            self.hours(r.e_opened, r.e_resolution).label("resolution"),
            answered_within(24).label("answered_24h"),
            answered_within(48).label("answered_48h"),
            r.response_breached,
            r.resolution_breached,
            r.resolved_on_time,
            r.arbitrated,
            r.decision,
            r.rating,
            *((r.listing, r.sku) if listings else ()),
        )
        return stmt.order_by(r.opened_at, r.id) if limit is not None else stmt

    def incident_ids(self) -> Any:
        return sa.select(col(Incident.id)).where(*self.where())


# --- figures ---------------------------------------------------------------------------------


def _between(low: float, high: float, fraction: float) -> float:
    return round(low + (high - low) * fraction, 2)


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default, PostgreSQL's `percentile_cont`)."""
    data = sorted(values)
    if not data:
        return None
    pos = (len(data) - 1) * q
    low = int(pos)
    return _between(data[low], data[min(low + 1, len(data) - 1)], pos - low)


def _number(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    """The figures of one group, from its aggregate row, in the order the pages list them."""
    out: dict[str, Any] = {"count": int(row["count"])}
    for measure in _TIMES:
        for name in _PERCENTILES:
            out[f"{measure}_{name}"] = _number(row.get(f"{measure}_{name}"), 2)
    for share in _SHARES:
        out[_SHARE_NAMES.get(share, share)] = _number(row.get(share), 4)
    out["average_rating"] = _number(row.get("average_rating"), 2)
    out["ratings"] = int(row["ratings"] or 0)
    return out


def _groups(facts: _Facts, dims: dict[str, str]) -> dict[str, dict[str, dict[str, Any]]]:
    """Every figure of every group of each dimension (`dims`: name -> column of the facts), in
    one statement over the period's incidents read once; the overall figures as dimension ""."""
    base = facts.select().cte("facts")
    c = base.c
    percentiles = [f"{m}_{name}" for m in _TIMES for name in _PERCENTILES]

    def key_of(dim: str) -> Any:
        return sa.cast(c[dims[dim]] if dim else sa.literal(""), sa.String)

    def branch(dim: str) -> sa.Select[Any]:
        columns = [
            sa.literal(dim).label("dim"),
            key_of(dim).label("key"),
            sa.func.count().label("count"),
            *(sa.func.avg(c[s]).label(s) for s in _SHARES),
            sa.func.avg(c.rating).label("average_rating"),
            sa.func.count(c.rating).label("ratings"),
        ]
        if facts.pg:
            columns += [
                sa.func.percentile_cont(q).within_group(c[m]).label(f"{m}_{name}")
                for m in _TIMES
                for name, q in _PERCENTILES.items()
            ]
        else:
            columns += [sa.null().label(p) for p in percentiles]
        stmt = sa.select(*columns)
        return stmt if dim == "" else stmt.where(c[dims[dim]].isnot(None)).group_by(c[dims[dim]])

    branches = [branch(d) for d in ("", *dims)]
    if not facts.pg:  # outcomes are only counted: no times to rank there
        branches += _sqlite_percentiles(c, [d for d in dims if d != "outcome"], key_of, len(_SHARES) + 3, percentiles)
    found: dict[str, dict[str, dict[str, Any]]] = {"": {}, **{d: {} for d in dims}}
    for row in facts.session.execute(sa.union_all(*branches)).mappings():
        group = found[row["dim"]].setdefault(row["key"], {})
        group.update({k: v for k, v in row.items() if v is not None or k not in group})
    return found


def _sqlite_percentiles(
    c: Any, dims: list[str], key_of: Callable[[str], Any], padding: int, percentiles: list[str]
) -> list[sa.Select[Any]]:
    """SQLite has no `percentile_cont`: each group's values are ranked in a window, and each
    percentile is read off the rank it falls on and the next one (`lead`), interpolated in SQL.
    One row per group and percentile, with the aggregate columns left empty (`padding`)."""
    values = sa.union_all(
        *(
            sa.select(
                sa.literal(dim).label("dim"),
                key_of(dim).label("key"),
                sa.literal(m).label("measure"),
                c[m].label("value"),
            ).where(c[m].isnot(None), *([key_of(dim).isnot(None)] if dim else []))
            for dim in ("", *dims)
            for m in _TIMES
        )
    ).subquery()
    part = (values.c.dim, values.c.key, values.c.measure)
    r = (
        sa.select(
            *part,
            values.c.value,
            (sa.func.row_number().over(partition_by=part, order_by=values.c.value) - 1).label("rank"),
            sa.func.count().over(partition_by=part).label("n"),
            sa.func.lead(values.c.value).over(partition_by=part, order_by=values.c.value).label("next"),
        )
        .cte("ranked")
        .prefix_with("MATERIALIZED")
        .c
    )
    out = []
    for m in _TIMES:
        for name, q in _PERCENTILES.items():
            pos, low = (r.n - 1) * q, sa.cast((r.n - 1) * q, sa.Integer)
            value = r.value + (sa.func.coalesce(r.next, r.value) - r.value) * (pos - low)
            out.append(
                sa.select(
                    r.dim,
                    r.key,
                    *(sa.null() for _ in range(padding)),
                    *(value.label(p) if p == f"{m}_{name}" else sa.null().label(p) for p in percentiles),
                ).where(r.measure == m, r.rank == low)
            )
    return out


def _by_type(groups: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"key": k, **_summary(groups[k]), "label_fr": t.label_fr, "label_en": t.label_en}
        for k, t in TYPES.items()
        if k in groups
    ]


def _sorted(groups: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": k, **_summary(groups[k])} for k in sorted(groups)]


def _outcomes(groups: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    counts = sorted(((k, int(g["count"])) for k, g in groups.items()), key=lambda kv: (-kv[1], kv[0]))
    return [
        {"outcome": o, "label_fr": SOLUTION_LABELS[o][0], "label_en": SOLUTION_LABELS[o][1], "count": n}
        for o, n in counts
    ]


def _root_causes(facts: _Facts) -> list[dict[str, Any]]:
    n = sa.func.count().label("n")
    rows = facts.session.execute(
        sa.select(col(Lesson.root_cause), n)
        .where(col(Lesson.incident_id).in_(facts.incident_ids()))
        .group_by(col(Lesson.root_cause))
        .order_by(n.desc(), col(Lesson.root_cause))
    ).all()
    return [{"cause": c, "count": int(k), "recurring": k >= 2} for c, k in rows]


def _top_listings(facts: _Facts) -> list[dict[str, Any]]:
    """The listings with most incidents (ties: by title, then the one whose first incident came
    first), counted on the incidents alone before the ten are named."""
    counted = (
        sa.select(
            col(Incident.listing_id),
            sa.func.count().label("n"),
            sa.func.min(col(Incident.opened_at)).label("first"),
            sa.func.min(col(Incident.id)).label("first_id"),
        )
        .where(*facts.where())
        .group_by(col(Incident.listing_id))
        .subquery()
    )
    rows = facts.session.execute(
        sa.select(counted.c.listing_id, col(Listing.title), col(Listing.sku), col(Shop.name), counted.c.n)
        .join(Listing, col(Listing.id) == counted.c.listing_id)
        .join(Shop, col(Shop.id) == col(Listing.shop_id))
        .order_by(counted.c.n.desc(), col(Listing.title), counted.c.first, counted.c.first_id)
        .limit(TOP_LISTINGS)
    ).all()
    return [
        {"listing_id": lid, "listing": title, "sku": sku, "shop": shop, "count": int(k)}
        for lid, title, sku, shop, k in rows
    ]


@reads
def trends(session: Session, actor: Actor, start: date, end: date) -> dict[str, Any]:
    """Customer service's view of a period: overall, by type, shop and ISO week."""
    authorize(actor, "trends.view")
    facts = _Facts(session, start, end)
    groups = _groups(facts, {"type": "type", "shop": "shop", "week": "week", "outcome": "decision"})
    return {
        "overall": _summary(groups[""][""]),
        "by_type": _by_type(groups["type"]),
        "by_shop": _sorted(groups["shop"]),
        "by_week": _sorted(groups["week"]),
        "outcomes": _outcomes(groups["outcome"]),
        "top_listings": _top_listings(facts),
        "root_causes": _root_causes(facts),
    }


CSV_COLUMNS = [
    "reference",
    "opened_at",
    "week",
    "type",
    "shop",
    "listing",
    "sku",
    "state",
    "outcome",
    "response_hours",
    "resolution_hours",
    "answered_24h",
    "answered_48h",
    "response_breached",
    "resolution_breached",
    "resolved_on_time",
    "arbitrated",
    "decision",
    "rating",
    "root_causes",
]


def _csv_line(row: Any, causes: list[str]) -> list[Any]:
    def flag(value: Any) -> Any:
        return "" if value is None else bool(value)

    def hours(value: Any) -> Any:
        return "" if value is None else float(value)

    return [
        row.reference,
        row.opened_at.isoformat(),
        row.week,
        row.type,
        row.shop,
        row.listing,
        row.sku,
        row.state,
        row.outcome,
        hours(row.response),
        hours(row.resolution),
        flag(row.answered_24h),
        flag(row.answered_48h),
        flag(row.response_breached),
        flag(row.resolution_breached),
        flag(row.resolved_on_time),
        flag(row.arbitrated),
        row.decision or "",
        "" if row.rating is None else row.rating,
        ";".join(causes),
    ]


@reads
def trends_csv(session: Session, actor: Actor, start: date, end: date) -> Iterator[str]:
    """The rows behind the trends, one incident per line (spreadsheet-friendly), oldest first.

    A generator of text chunks, one per `CSV_BATCH` incidents read by keyset: an export's memory
    stays that of one batch whatever the period. Authorized and checked at the call, before
    the first chunk is asked for."""
    authorize(actor, "trends.view")
    facts = _Facts(session, start, end)
    return _csv_chunks(facts)


#: Where the browser fetches the export (`api_files.trends_csv_route`, with the session cookie).
CSV_PATH = "/api/trends.csv"


@reads
def csv_export_path(session: Session, actor: Actor, start: date, end: date) -> str:
    """The export's address for this period, once the actor and the period are known good:
    the page asks here first so that a refusal is shown on the page, not downloaded."""
    authorize(actor, "trends.view")
    _period(start, end)
    return f"{CSV_PATH}?start={start.isoformat()}&end={end.isoformat()}"


def _csv_chunks(facts: _Facts) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    after: tuple[datetime, int] | None = None
    while True:
        keyset = (
            ()
            if after is None
            else (sa.tuple_(col(Incident.opened_at), col(Incident.id)) > sa.tuple_(_instant(after[0]), after[1]),)
        )
        rows = facts.session.execute(facts.select(listings=True, conds=keyset, limit=CSV_BATCH)).all()
        causes: dict[int, list[str]] = {}
        if rows:
            for incident_id, cause in facts.session.execute(
                sa.select(col(Lesson.incident_id), col(Lesson.root_cause))
                .where(col(Lesson.incident_id).in_([r.id for r in rows]))
                .order_by(col(Lesson.id))
            ):
                causes.setdefault(incident_id, []).append(cause)
        for row in rows:
            writer.writerow(_csv_line(row, causes.get(row.id, [])))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(rows) < CSV_BATCH:
            return
        after = (rows[-1].opened_at, rows[-1].id)


@reads
def seller_insights(session: Session, actor: Actor, start: date, end: date) -> dict[str, Any]:
    """The seller's own shop only: by type and by listing, response times and shares,
    resolution on time, arbitration, ratings, recurring root causes, guidelines."""
    authorize(actor, "insights.view")
    facts = _Facts(session, start, end, shop_id=actor.shop_id)
    groups = _groups(facts, {"type": "type", "listing": "listing_id", "outcome": "decision"})
    listings = {
        lid: (title, sku)
        for lid, title, sku in session.execute(
            sa.select(col(Listing.id), col(Listing.title), col(Listing.sku)).where(
                col(Listing.id).in_([int(k) for k in groups["listing"]])
            )
        )
    }
    by_listing = [
        {"key": int(k), **_summary(g), "listing": listings[int(k)][0], "sku": listings[int(k)][1]}
        for k, g in groups["listing"].items()
    ]
    return {
        "overall": _summary(groups[""][""]),
        "by_type": _by_type(groups["type"]),
        "by_listing": sorted(by_listing, key=lambda g: (-g["count"], g["listing"], g["key"])),
        "outcomes": _outcomes(groups["outcome"]),
        "root_causes": _root_causes(facts),
        "guidelines": guidelines.guidelines_for(session, actor),
    }
