"""Customer service's read API and the order system's intake, both for the operator's key.

The read routes call the services customer service's pages call (every case, the trends);
intake upserts the order system's records (`services/intake`), one by one or up to 1,000 per
call as NDJSON, each with its own result.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel

from pixmania_incidents.api import schemas
from pixmania_incidents.api.seller import Filters, Id, Limit, PageToken, case_record
from pixmania_incidents.api.v1 import READS, WRITES, call, locale_of, operator_key, problems
from pixmania_incidents.services import analytics, case_feed, intake
from pixmania_incidents.services.api_keys import Holder
from pixmania_incidents.services.common import InvalidInput

router = APIRouter(tags=["Operator"])
Key = Annotated[Holder, Depends(operator_key)]


@router.get("/operator/incidents", response_model=schemas.CasePage, responses=READS, summary="List every case")
async def list_all(
    key: Key,
    filters: Filters,
    page_token: PageToken = None,
    limit: Limit = 50,
    shop_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Any:
    page = await call(
        key, case_feed.case_feed, case_feed.FeedFilters(**{**filters.__dict__, "shop_id": shop_id}), page_token, limit
    )
    return {"cases": page.cases, "next_page_token": page.next_page_token}


@router.get("/operator/incidents/{incident_id}", response_model=schemas.Case, responses=READS, summary="Read any case")
async def read_any(key: Key, incident_id: Id) -> Any:
    return await call(key, case_record, incident_id)


@router.get("/operator/trends", responses=READS, summary="The trends' figures over a period")
async def trends(key: Key, start: date, end: date) -> dict[str, Any]:
    """As customer service's Trends page: overall, by type, shop and ISO week, outcomes, listings."""
    found = await call(key, analytics.trends, start, end)
    return json.loads(json.dumps(found, default=str))


# --- intake --------------------------------------------------------------------------------------


class RecordResult(BaseModel):
    index: int
    type: str
    id: str
    result: Literal["created", "updated", "unchanged", "refused"]
    code: str | None = None
    reason: str | None = None


class IntakeReport(BaseModel):
    results: list[RecordResult]
    counts: dict[str, int]


def _report(outcomes: list[intake.Outcome], locale: str) -> dict[str, Any]:
    counts = {kind: 0 for kind in ("created", "updated", "unchanged", "refused")}
    for outcome in outcomes:
        counts[outcome.result] += 1
    return {
        "counts": counts,
        "results": [
            {
                "index": o.index,
                "type": o.type,
                "id": o.id,
                "result": o.result,
                "code": o.code,
                "reason": o.reason(locale) or None,
            }
            for o in outcomes
        ],
    }


Record = Annotated[
    dict[str, Any],
    Body(
        description="`type`: shop, listing, customer, order, order_line, shipment "
        "or shipment_event, `id`: the order system's own id"
    ),
]


@router.post("/intake/records", response_model=IntakeReport, responses=WRITES, summary="Upsert one record")
async def upsert_one(key: Key, request: Request, record: Record) -> Any:
    return _report(await call(key, intake.ingest, [record]), locale_of(request))


@router.post(
    "/intake/bulk",
    response_model=IntakeReport,
    responses=problems(400, 401, 403, 413, 422, 429, 503),
    summary="Upsert up to 1,000 records (NDJSON)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string", "description": "One JSON record per line"}}
            },
        }
    },
)
async def upsert_bulk(key: Key, request: Request) -> Any:
    """One JSON record per line; a line that is not JSON is refused alone, with its index."""
    lines = [line for line in (await request.body()).decode("utf-8", "replace").splitlines() if line.strip()]
    if len(lines) > intake.MAX_RECORDS:
        raise InvalidInput("intake.error.too_many", max=intake.MAX_RECORDS)
    records: list[Any] = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            records.append(None)
    return _report(await call(key, intake.ingest, records), locale_of(request))
