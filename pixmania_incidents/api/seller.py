"""The seller API: everything a seller does on the board and the case page, for a back office.

Each route translates and calls the same service as the seller's page does (the services
authorize the key's owner for the shop's cases only: another shop's case is "not found");
writes carry the case's version and push the change to the open pages.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session

from pixmania_incidents import live
from pixmania_incidents.api import schemas
from pixmania_incidents.api.v1 import READS, WRITES, act, call, shop_key
from pixmania_incidents.api_files import file_response
from pixmania_incidents.services import case_feed, evidence, flags, fulfilment, incidents, views
from pixmania_incidents.services.api_keys import Holder
from pixmania_incidents.services.common import Actor, InvalidInput, NotFound, at_version, load_incident, reads
from pixmania_incidents.services.evidence import Upload
from pixmania_incidents.vocabulary import MARKETPLACE_STATUS, MAX_BYTES, MAX_FILES

router = APIRouter(tags=["Seller"])
Key = Annotated[Holder, Depends(shop_key)]
#: Row ids are database integers: anything larger is simply not found.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
#: The same, as a list filter or cursor's bound.
MAX_ID = 2**31 - 1


@reads
def case_record(session: Session, actor: Actor, incident_id: int) -> dict[str, Any]:
    """The case page as data: `views.incident_view` and the viewer's thread, in one snapshot."""
    view = views.incident_view(session, actor, incident_id)
    closed = view["state"] == "closed"
    return {
        **view,
        "status": MARKETPLACE_STATUS[view["state"]],
        "shop_id": view["shop"]["id"],
        "ball": view["ball"]["holder"] or None,
        "ball_detail": view["ball"],
        "deadline_state": None if closed else view["deadline_state"],
        "opening_attachments": view["opening_evidence"],
        "messages": views.thread_messages(session, actor, incident_id, 1000),
    }


def done(result: incidents.Result) -> schemas.Done:
    return schemas.Done(
        incident_id=result.incident_id,
        reference=result.reference,
        state=result.state,
        status=MARKETPLACE_STATUS[result.state],
        version=result.version,
        id=result.id,
    )


def feed_filters(
    state: Annotated[list[str] | None, Query(description="The desk's states (repeat for several)")] = None,
    status: Annotated[list[schemas.Status] | None, Query(description="Marketplace statuses (repeat)")] = None,
    type: Annotated[list[str] | None, Query(description="Incident types (repeat)")] = None,
    deadline_state: Annotated[list[str] | None, Query(description="on_track, at_risk, breached")] = None,
    due_before: Annotated[datetime | None, Query(description="Next deadline at or before (ISO-8601)")] = None,
    updated_since: Annotated[datetime | None, Query(description="Changed at or after (ISO-8601)")] = None,
) -> case_feed.FeedFilters:
    return case_feed.FeedFilters(
        tuple(state or ()),
        tuple(status or ()),
        tuple(type or ()),
        tuple(deadline_state or ()),
        due_before,
        updated_since,
    )


Filters = Annotated[case_feed.FeedFilters, Depends(feed_filters)]
PageToken = Annotated[str | None, Query(max_length=200, description="`next_page_token` of the previous page")]
Limit = Annotated[int, Query(ge=1, le=case_feed.MAX_LIMIT)]


@router.get("/incidents", response_model=schemas.CasePage, responses=READS, summary="List the shop's cases")
async def list_cases(key: Key, filters: Filters, page_token: PageToken = None, limit: Limit = 50) -> Any:
    """Least recently changed first; keep the last `updated_at` for `updated_since`, or page with the token."""
    page = await call(key, case_feed.case_feed, filters, page_token, limit)
    return {"cases": page.cases, "next_page_token": page.next_page_token}


@router.get("/incidents/{incident_id}", response_model=schemas.Case, responses=READS, summary="Read a case")
async def read_case(key: Key, incident_id: Id, response: Response) -> Any:
    record = await call(key, case_record, incident_id)
    response.headers["ETag"] = f'"{record["version"]}"'
    return record


_FILES = {
    t: {"schema": {"type": "string", "format": "binary"}}
    for t in ("image/jpeg", "image/png", "image/webp", "application/pdf")
}


@router.get(
    "/evidence/{evidence_id}",
    response_class=Response,
    responses={200: {"content": _FILES, "description": "The file"}, **READS},
    summary="Download a file of a case",
)
async def download_evidence(key: Key, evidence_id: Id) -> Response:
    path, content_type, filename = await call(key, evidence.open_evidence, evidence_id)
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise NotFound() from None
    return file_response(data, content_type, filename)


@router.get(
    "/return-labels/{label_id}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": _FILES["application/pdf"]}, "description": "The printable label"},
        **READS,
    },
    summary="Get a return label's PDF",
)
async def label_pdf(key: Key, label_id: Id) -> Response:
    data = await call(key, fulfilment.return_label_pdf, label_id)
    return file_response(data, "application/pdf", f"bordereau-retour-{label_id}.pdf")


async def _uploads(files: list[UploadFile] | None) -> list[Upload]:
    """The files as the services judge them, one byte past the limit read at most (as the pages)."""
    if files and len(files) > MAX_FILES:
        raise InvalidInput("evidence.error.too_many", max=MAX_FILES)
    return [Upload(f.filename or "fichier", await f.read(MAX_BYTES + 1)) for f in files or []]


@router.post(
    "/incidents/{incident_id}/messages",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Post a message (with attachments)",
)
async def post_message(
    key: Key,
    request: Request,
    incident_id: Id,
    body: Annotated[str, Form(max_length=4000, description="The text (may be empty with files)")] = "",
    version: Annotated[int | None, Form(ge=0, le=MAX_ID, description="Optional for a message")] = None,
    files: Annotated[list[UploadFile] | None, File(description="Photos or PDFs")] = None,
) -> Any:
    """A message needs no version (it does not move the case); when one is given, it is checked."""
    uploads = await _uploads(files)
    if version is None and not request.headers.get("if-match"):
        return done(await call(key, incidents.post_message, incident_id, body, uploads))
    return done(
        await act(key, request, incident_id, version, incidents.post_message, body, uploads, current=case_record)
    )


@router.post(
    "/incidents/{incident_id}/checklist/{item_id}/tick",
    response_model=schemas.Done,
    responses=WRITES,
    summary="Tick a step of the playbook",
)
async def tick(key: Key, request: Request, incident_id: Id, item_id: Id, form: schemas.Tick) -> Any:
    return done(
        await act(
            key, request, incident_id, form.version, fulfilment.tick_checklist, item_id, form.note, current=case_record
        )
    )


@router.post(
    "/incidents/{incident_id}/proposals",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Propose a solution the type offers",
)
async def propose(key: Key, request: Request, incident_id: Id, form: schemas.ProposalIn) -> Any:
    return done(
        await act(
            key,
            request,
            incident_id,
            form.version,
            incidents.propose,
            form.solution,
            form.amount_cents,
            form.message,
            takes_version=True,
            current=case_record,
        )
    )


@router.post(
    "/incidents/{incident_id}/return-labels",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Issue the prepaid return label (then GET its PDF)",
)
async def issue_label(key: Key, request: Request, incident_id: Id, form: schemas.LabelIn) -> Any:
    return done(
        await act(
            key, request, incident_id, form.version, fulfilment.issue_return_label, form.carrier, current=case_record
        )
    )


@router.post(
    "/incidents/{incident_id}/return-labels/{label_id}/receive",
    response_model=schemas.Done,
    responses=WRITES,
    summary="Mark the return received",
)
async def receive(key: Key, request: Request, incident_id: Id, label_id: Id, form: schemas.Versioned) -> Any:
    return done(
        await act(
            key, request, incident_id, form.version, fulfilment.mark_return_received, label_id, current=case_record
        )
    )


@router.post(
    "/incidents/{incident_id}/refunds",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Record a refund paid",
)
async def refund(key: Key, request: Request, incident_id: Id, form: schemas.RefundIn) -> Any:
    try:
        day = date.fromisoformat(form.refunded_on)
    except ValueError:
        raise InvalidInput("fulfilment.error.refund_date") from None
    return done(
        await act(
            key,
            request,
            incident_id,
            form.version,
            fulfilment.record_refund,
            form.amount_cents,
            day,
            current=case_record,
        )
    )


@router.post(
    "/incidents/{incident_id}/shipments",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Record a replacement or a reship sent",
)
async def ship(key: Key, request: Request, incident_id: Id, form: schemas.ShipmentIn) -> Any:
    return done(
        await act(
            key,
            request,
            incident_id,
            form.version,
            fulfilment.ship_replacement,
            form.carrier,
            form.tracking_number,
            form.kind,
            current=case_record,
        )
    )


@router.post(
    "/incidents/{incident_id}/carrier-inquiries",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Open a carrier inquiry",
)
async def open_inquiry(key: Key, request: Request, incident_id: Id, form: schemas.InquiryIn) -> Any:
    return done(
        await act(
            key,
            request,
            incident_id,
            form.version,
            fulfilment.open_carrier_inquiry,
            form.carrier,
            form.reference,
            current=case_record,
        )
    )


@router.post(
    "/incidents/{incident_id}/carrier-inquiries/{inquiry_id}/outcome",
    response_model=schemas.Done,
    responses=WRITES,
    summary="Record the carrier's answer",
)
async def inquiry_outcome(key: Key, request: Request, incident_id: Id, inquiry_id: Id, form: schemas.OutcomeIn) -> Any:
    return done(
        await act(
            key,
            request,
            incident_id,
            form.version,
            fulfilment.record_inquiry_outcome,
            inquiry_id,
            form.outcome,
            current=case_record,
        )
    )


@router.post(
    "/incidents/{incident_id}/arbitration",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Request arbitration (after a refused proposal)",
)
async def request_arbitration(
    key: Key,
    request: Request,
    incident_id: Id,
    reason: Annotated[str, Form(max_length=4000)],
    version: Annotated[int | None, Form(ge=0, le=MAX_ID)] = None,
    files: Annotated[list[UploadFile] | None, File(description="Evidence, unless the shop already sent some")] = None,
) -> Any:
    uploads = await _uploads(files)
    return done(
        await act(
            key,
            request,
            incident_id,
            version,
            incidents.request_arbitration,
            reason,
            uploads,
            takes_version=True,
            current=case_record,
        )
    )


@router.post(
    "/incidents/{incident_id}/help",
    response_model=schemas.Done,
    responses=WRITES,
    summary="Ask customer service for help",
)
async def ask_help(key: Key, request: Request, incident_id: Id, form: schemas.HelpIn) -> Any:
    return done(
        await act(key, request, incident_id, form.version, incidents.request_help, form.message, current=case_record)
    )


@router.post(
    "/incidents/{incident_id}/outside-exchanges",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Record a call or an e-mail held outside the desk",
)
async def outside_exchange(key: Key, request: Request, incident_id: Id, form: schemas.OutsideIn) -> Any:
    try:
        occurred = datetime.fromisoformat(form.occurred_at.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("incidents.error.occurred_at") from None
    if occurred.tzinfo is None or not 2000 <= occurred.year <= 2100:
        raise InvalidInput("incidents.error.occurred_at")
    return done(
        await act(
            key,
            request,
            incident_id,
            form.version,
            incidents.record_outside_exchange,
            form.channel,
            occurred,
            form.counterpart,
            form.summary,
            current=case_record,
        )
    )


@router.post(
    "/incidents/{incident_id}/close",
    response_model=schemas.Done,
    responses=WRITES,
    summary="Close the case once nothing is left open",
)
async def close(key: Key, request: Request, incident_id: Id, form: schemas.Versioned) -> Any:
    return done(
        await act(
            key, request, incident_id, form.version, incidents.confirm_closure, takes_version=True, current=case_record
        )
    )


@router.post(
    "/incidents/{incident_id}/lessons",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Record a lesson learned (closed cases)",
)
async def lesson(key: Key, request: Request, incident_id: Id, form: schemas.LessonIn) -> Any:
    return done(
        await act(
            key,
            request,
            incident_id,
            form.version,
            incidents.add_lesson,
            form.root_cause,
            form.change,
            current=case_record,
        )
    )


def _flag(session: Session, actor: Actor, incident_id: int, version: int, reason: str, details: str) -> Any:
    """The listing flag, raised only while the case is at `version`, and the case after it."""
    change = at_version(session, actor, incident_id, version, flags.raise_flag, reason, details)
    return change, incidents.result_of(load_incident(session, actor, incident_id), change.flag.id)


@router.post(
    "/incidents/{incident_id}/flags",
    response_model=schemas.Done,
    status_code=201,
    responses=WRITES,
    summary="Flag the listing to the product team",
)
async def raise_flag(key: Key, request: Request, incident_id: Id, form: schemas.FlagIn) -> Any:
    change, result = await act(
        key,
        request,
        incident_id,
        form.version,
        _flag,
        form.reason,
        form.details,
        takes_version=True,
        current=case_record,
    )
    live.push_flag(change)
    return done(result)
