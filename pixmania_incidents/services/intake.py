"""Order intake: the marketplace's order system tells the desk its shops, listings, customers,
orders (with lines and prices), shipments and shipment events, keyed by its own ids.

Why idempotent upserts: the order system resends (a retry, a nightly full export, a file
imported twice), so each record is found by its `id` (the `external_id` of its row): sent again
it changes nothing ("unchanged"), a newer version (`updated_at` later than the one kept, or
none given) changes what the order system owns, and a record older than the one kept is
ignored. What the desk owns is never touched: incidents, and a line's price once a case is
open on it. Each record runs in its own savepoint, so one bad record is refused with its
reason and never drops the others.

A customer who arrives this way gets an account without a password and an invitation to
choose one (a single-use link, the password-reset machinery); an existing customer account
with the same address is linked, never duplicated.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, overload

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pixmania_incidents.i18n import norm_locale, tr
from pixmania_incidents.models import (
    CustomerOrder,
    Incident,
    Listing,
    OrderLine,
    Role,
    Shipment,
    ShipmentEvent,
    Shop,
    User,
)
from pixmania_incidents.services import admin, mail, password_reset
from pixmania_incidents.services.addresses import check_address
from pixmania_incidents.services.common import Actor, InvalidInput, ServiceError, authorize

#: Records of one bulk call (NDJSON): more is refused before any is read.
MAX_RECORDS = 1000
#: How long an invitation's link stays valid.
INVITATION = timedelta(days=14)
KINDS = ("shop", "listing", "customer", "order", "order_line", "shipment", "shipment_event")
#: A parcel only moves forward; "returned" (to the sender) ends it.
_SHIPMENT_RANK = {"pending": 0, "shipped": 1, "delivered": 2, "returned": 3}


@dataclass(frozen=True)
class Outcome:
    """What became of one record: created, updated, unchanged or refused (with the reason)."""

    index: int
    type: str
    id: str
    result: str
    code: str | None = None
    params: dict[str, Any] | None = None

    def reason(self, locale: str = "fr") -> str:
        return tr(self.code, locale, **(self.params or {})) if self.code else ""


class Refused(InvalidInput):
    pass


# --- reading a record's fields -------------------------------------------------------------------


def _text(record: Mapping[str, Any], name: str, limit: int, required: bool = True) -> str:
    value = record.get(name)
    if value is None or value == "":
        if required:
            raise Refused("intake.error.field", field=name)
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) > limit:
        raise Refused("intake.error.field", field=name)
    return str(value).strip()


def _int(record: Mapping[str, Any], name: str, low: int = 0, high: int = 10**9, default: int | None = None) -> int:
    value = record.get(name, default)
    try:
        number = int(value) if not isinstance(value, bool | float) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise Refused("intake.error.field", field=name)
    return number


@overload
def _instant(record: Mapping[str, Any], name: str, required: Literal[True]) -> datetime: ...
@overload
def _instant(record: Mapping[str, Any], name: str, required: bool = False) -> datetime | None: ...
def _instant(record: Mapping[str, Any], name: str, required: bool = False) -> datetime | None:
    value = record.get(name)
    if value in (None, ""):
        if required:
            raise Refused("intake.error.field", field=name)
        return None
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise Refused("intake.error.field", field=name) from None
    if at.tzinfo is None or not 2000 <= at.year <= 2100:
        raise Refused("intake.error.field", field=name)
    return at


def _row(session: Session, model: Any, external_id: str) -> Any:
    return session.exec(select(model).where(model.external_id == external_id)).first()


def _ref(session: Session, model: type, record: Mapping[str, Any], field: str, kind: str) -> Any:
    external_id = _text(record, field, 64)
    row = _row(session, model, external_id)
    if row is None:
        raise Refused("intake.error.unknown_ref", kind=kind, id=external_id)
    return row


def _link(session: Session, model: type, column: Any, value: str, external_id: str, field: str) -> bool:
    """A row the desk already has under the same natural key (a shop's name, a SKU, an order's
    reference, a customer's address) becomes this record's row, never a twin; one that belongs
    to another record of the order system refuses this one. Whether it was linked now."""
    row = session.exec(select(model).where(column == value)).first()
    if row is None or row.external_id == external_id:
        return False
    if row.external_id is not None or (model is User and row.role != Role.customer):
        raise (
            Refused("intake.error.email_taken", email=value)
            if model is User
            else Refused("intake.error.field", field=field)
        )
    row.external_id = external_id
    session.add(row)
    session.flush()
    return True


# --- one record ----------------------------------------------------------------------------------


def _upsert(
    session: Session,
    model: type,
    external_id: str,
    record: Mapping[str, Any],
    values: dict[str, Any],
    create: Callable[[], Any] | None = None,
) -> tuple[str, Any]:
    """Create the row, or update what differs unless the record is older than the one kept."""
    version = _instant(record, "updated_at")
    row = _row(session, model, external_id)
    if row is None:
        row = create() if create is not None else model(**values)
        row.external_id, row.external_updated_at = external_id, version
        session.add(row)
        session.flush()
        return "created", row
    if version is not None and row.external_updated_at is not None and version <= row.external_updated_at:
        return "unchanged", row
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for key, value in changed.items():
        setattr(row, key, value)
    if version is not None:
        row.external_updated_at = version
    session.add(row)
    session.flush()
    return ("updated" if changed else "unchanged"), row


def _shop(session: Session, record: Mapping[str, Any]) -> tuple[str, Any]:
    external_id = _text(record, "id", 64)
    name = _text(record, "name", 120)
    _link(session, Shop, col(Shop.name), name, external_id, "name")
    closed = record.get("closed_days") or []
    calendar = admin.calendar_fields(
        str(record.get("calendar_kind") or "ouvrables"),
        str(record.get("subdiv") or "") or None,
        [str(d) for d in closed] if isinstance(closed, list) else str(closed),
        str(record.get("work_start") or "08:00"),
        str(record.get("work_end") or "19:00"),
    )
    return _upsert(
        session,
        Shop,
        external_id,
        record,
        {"name": name, "address": _text(record, "address", 400, required=False), **calendar},
    )


def _listing(session: Session, record: Mapping[str, Any]) -> tuple[str, Any]:
    external_id = _text(record, "id", 64)
    shop = _ref(session, Shop, record, "shop_id", "shop")
    sku = _text(record, "sku", 40)
    _link(session, Listing, col(Listing.sku), sku, external_id, "sku")
    return _upsert(
        session,
        Listing,
        external_id,
        record,
        {
            "shop_id": shop.id,
            "sku": sku,
            "title": _text(record, "title", 200),
            "description": _text(record, "description", 4000, required=False),
            "price_cents": _int(record, "price_cents"),
        },
    )


def _customer(session: Session, record: Mapping[str, Any]) -> tuple[str, Any]:
    """A new customer is invited to choose a password; an existing customer account with the
    same address is linked (its owner keeps their password)."""
    external_id = _text(record, "id", 64)
    try:
        email = check_address(_text(record, "email", 254))
    except InvalidInput as exc:
        raise Refused(exc.code, **exc.params) from None
    values: dict[str, Any] = {
        "name": _text(record, "name", 120),
        "locale": norm_locale(str(record.get("locale") or "fr")[:2]),
        "phone": _text(record, "phone", 40, required=False),
        "address": _text(record, "address", 400, required=False),
    }
    linked = _link(session, User, col(User.email), email, external_id, "email")
    invited: list[User] = []

    def create() -> User:
        user = User(email=email, role=Role.customer, password_hash="!", **values)
        invited.append(user)
        return user

    result, user = _upsert(session, User, external_id, record, values, create)
    for new in invited:
        url = password_reset.new_link(session, new, INVITATION)
        mail.enqueue(
            session,
            new.email,
            tr("intake.invite_subject", new.locale),
            tr("intake.invite_body", new.locale, name=new.name, url=url, days=INVITATION.days),
        )
    return ("updated" if linked and result == "unchanged" else result), user


def _line_values(session: Session, record: Mapping[str, Any], order: CustomerOrder) -> dict[str, Any]:
    listing = _ref(session, Listing, record, "listing_id", "listing")
    quantity = _int(record, "quantity", 1, 10_000, default=1)
    unit = _int(record, "unit_price_cents")
    total = _int(record, "total_cents", default=unit * quantity)
    return {
        "order_id": order.id,
        "listing_id": listing.id,
        "quantity": quantity,
        "unit_price_cents": unit,
        "total_cents": total,
    }


def _order_line(session: Session, record: Mapping[str, Any], order: CustomerOrder | None = None) -> tuple[str, Any]:
    external_id = _text(record, "id", 64)
    order = order or _ref(session, CustomerOrder, record, "order_id", "order")
    values = _line_values(session, record, order)
    line = _row(session, OrderLine, external_id)
    if line is not None and (line.total_cents, line.unit_price_cents, line.quantity) != (
        values["total_cents"],
        values["unit_price_cents"],
        values["quantity"],
    ):
        if session.exec(select(col(Incident.id)).where(col(Incident.order_line_id) == line.id)).first() is not None:
            raise Refused("intake.error.desk_owned")
    return _upsert(session, OrderLine, external_id, record, values)


def _order(session: Session, record: Mapping[str, Any]) -> tuple[str, Any]:
    external_id = _text(record, "id", 64)
    shop = _ref(session, Shop, record, "shop_id", "shop")
    customer = _ref(session, User, record, "customer_id", "customer")
    reference = _text(record, "reference", 32)
    _link(session, CustomerOrder, col(CustomerOrder.reference), reference, external_id, "reference")
    result, order = _upsert(
        session,
        CustomerOrder,
        external_id,
        record,
        {
            "reference": reference,
            "shop_id": shop.id,
            "customer_id": customer.id,
            "placed_at": _instant(record, "placed_at", required=True),
            "shipping_address": _text(record, "shipping_address", 400, required=False),
        },
    )
    lines = record.get("lines") or []
    if not isinstance(lines, list):
        raise Refused("intake.error.field", field="lines")
    for line in lines:
        if not isinstance(line, dict):
            raise Refused("intake.error.field", field="lines")
        line_result, _ = _order_line(session, {"updated_at": record.get("updated_at"), **line}, order)
        if line_result != "unchanged" and result == "unchanged":
            result = "updated"
    return result, order


def _forward(shipment: Shipment, state: str, at: datetime | None) -> dict[str, Any]:
    """The parcel's new state and dates, never moving back (a late "shipped" after "delivered")."""
    if state not in _SHIPMENT_RANK:
        raise Refused("intake.error.field", field="state")
    if _SHIPMENT_RANK[state] < _SHIPMENT_RANK.get(shipment.state, 0):
        return {}
    values: dict[str, Any] = {"state": state}
    if state in ("shipped", "delivered") and shipment.shipped_at is None:
        values["shipped_at"] = at
    if state == "delivered":
        values["delivered_at"] = at
    return values


def _shipment(session: Session, record: Mapping[str, Any]) -> tuple[str, Any]:
    external_id = _text(record, "id", 64)
    order = _ref(session, CustomerOrder, record, "order_id", "order")
    values: dict[str, Any] = {
        "order_id": order.id,
        "carrier": _text(record, "carrier", 60, required=False),
        "tracking_number": _text(record, "tracking_number", 60, required=False),
    }
    shipped_at, delivered_at = _instant(record, "shipped_at"), _instant(record, "delivered_at")
    state = str(record.get("state") or ("delivered" if delivered_at else "shipped" if shipped_at else "pending"))
    current = _row(session, Shipment, external_id) or Shipment(order_id=order.id, state="pending")
    values |= _forward(current, state, delivered_at or shipped_at)
    values.update({k: v for k, v in (("shipped_at", shipped_at), ("delivered_at", delivered_at)) if v is not None})
    return _upsert(session, Shipment, external_id, record, values)


def _shipment_event(session: Session, record: Mapping[str, Any]) -> tuple[str, Any]:
    shipment = _ref(session, Shipment, record, "shipment_id", "shipment")
    event = _text(record, "event", 20)
    at = _instant(record, "at", required=True)
    values = _forward(shipment, event, at)
    changed = {k: v for k, v in values.items() if getattr(shipment, k) != v}
    for key, value in changed.items():
        setattr(shipment, key, value)
    session.add(shipment)
    # The case page lists the events received (a late one included), each once however often it is sent.
    known = session.exec(
        select(col(ShipmentEvent.id)).where(
            col(ShipmentEvent.shipment_id) == shipment.id,
            col(ShipmentEvent.event) == event,
            col(ShipmentEvent.at) == at,
        )
    ).first()
    if known is None:
        session.add(ShipmentEvent(shipment_id=shipment.id, event=event, at=at))
    return ("updated" if changed else "unchanged"), shipment


_HANDLERS: dict[str, Callable[[Session, Mapping[str, Any]], tuple[str, Any]]] = {
    "shop": _shop,
    "listing": _listing,
    "customer": _customer,
    "order": _order,
    "order_line": _order_line,
    "shipment": _shipment,
    "shipment_event": _shipment_event,
}


def _one(session: Session, index: int, record: Any) -> Outcome:
    if not isinstance(record, dict):
        return Outcome(index, "", "", "refused", "intake.error.json")
    kind = str(record.get("type") or "")
    record_id = str(record.get("id") or record.get("shipment_id") or "")[:64]
    if kind not in _HANDLERS:
        return Outcome(index, kind[:20], record_id, "refused", "intake.error.kind")
    try:
        with session.begin_nested():
            result, _ = _HANDLERS[kind](session, record)
    except ServiceError as exc:
        return Outcome(index, kind, record_id, "refused", exc.code, exc.params)
    except sa.exc.IntegrityError:  # another row took the same natural key meanwhile
        return Outcome(index, kind, record_id, "refused", "intake.error.field", {"field": "id"})
    return Outcome(index, kind, record_id, result)


def ingest(session: Session, actor: Actor, records: Iterable[Any]) -> list[Outcome]:
    """Each record upserted on its own (a savepoint each), in order: a record may name another
    sent earlier in the same call. At most `MAX_RECORDS`."""
    authorize(actor, "intake.write")
    records = list(records)
    if len(records) > MAX_RECORDS:
        raise InvalidInput("intake.error.too_many", max=MAX_RECORDS)
    return [_one(session, index, record) for index, record in enumerate(records)]


# --- files (the command line) ---------------------------------------------------------------------


def operator(session: Session, email: str | None = None) -> Actor:
    """Who a file import acts as: the active admin named, or the only one there is."""
    admins = session.exec(select(User).where(col(User.role) == Role.admin, col(User.active) == True)).all()  # noqa: E712
    chosen = [a for a in admins if email is None or a.email == email.strip().lower()]
    if len(chosen) != 1:
        raise InvalidInput("intake.error.operator")
    return Actor.of(chosen[0])


def read_records(path: Path, skip: int = 0) -> Iterator[tuple[int, Any]]:
    """(line number, record) of an NDJSON or CSV file (one record a row, with a `type` column),
    from the `skip`+1-th record on; a line that is not JSON comes as None (refused alone)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        if path.suffix.lower() == ".csv":
            rows: Iterable[tuple[int, Any]] = (
                (n, {k: v for k, v in row.items() if k and v not in (None, "")})
                for n, row in enumerate(csv.DictReader(handle), start=2)
            )
        else:
            rows = ((n, _json_or_none(line)) for n, line in enumerate(handle, start=1) if line.strip())
        for index, (number, record) in enumerate(rows):
            if index >= skip:
                yield number, record


def _json_or_none(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None
