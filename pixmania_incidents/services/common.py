"""What every service shares: the acting user, errors, the one authorization
function, the event log and the clock.

Services take a DB session and an `Actor`, authorize through `authorize()`, change
data, append `IncidentEvent`s and return plain data. They never import reflex.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from pixmania_incidents.models import Incident, IncidentEvent, ListingFlag, Role, User
from pixmania_incidents.vocabulary import STAFF

# --- clock -------------------------------------------------------------------------------

_now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)  # noqa: E731


def now() -> datetime:
    """The current UTC instant; tests and the seed move it with `set_clock`."""
    return _now()


def set_clock(fn: Callable[[], datetime] | None) -> None:
    global _now
    _now = fn or (lambda: datetime.now(timezone.utc))


# --- units of work ---------------------------------------------------------------------


F = TypeVar("F", bound=Callable[..., Any])


def reads(fn: F) -> F:
    """Marks a service that never writes: its unit of work is a plain snapshot that does not
    queue behind writers (every other service runs in a transaction that may write)."""
    fn.read_only = True  # type: ignore[attr-defined]
    return fn


def is_read_only(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, "read_only", False))


# --- errors ------------------------------------------------------------------------------


class ServiceError(Exception):
    """A refusal the interface shows as is: `code` is a catalogue key, `params` fill it."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.params!r})"


class NotFound(ServiceError):
    """Also what a user gets for something that exists but is not theirs."""

    def __init__(self, code: str = "error.not_found", **params: Any) -> None:
        super().__init__(code, **params)


class Forbidden(ServiceError):
    def __init__(self, code: str = "error.forbidden", **params: Any) -> None:
        super().__init__(code, **params)


class InvalidInput(ServiceError):
    pass


class StaleVersion(ServiceError):
    """The incident changed since the page showed it; the caller reloads and shows it.

    Also what a write that lost the database's version compare-and-set becomes."""

    code = "error.stale_version"

    def __init__(self, current_version: int | None = None) -> None:
        super().__init__(self.code, current_version=current_version)


class Busy(ServiceError):
    """No database connection or lock could be had in time: nothing was written."""

    def __init__(self) -> None:
        super().__init__("error.busy")


# --- the acting user --------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    id: int | None
    role: str
    shop_id: int | None = None
    name: str = ""
    email: str = ""
    locale: str = "fr"

    @property
    def user_id(self) -> int:
        """The acting person's account, for rows a person must sign (the system signs none)."""
        if self.id is None:
            raise Forbidden()
        return self.id

    @classmethod
    def of(cls, user: User) -> "Actor":
        return cls(user.id, user.role, user.shop_id, user.name, user.email, user.locale)


SYSTEM = Actor(id=None, role="system", name="Pixmania")


# --- authorization -----------------------------------------------------------------------


def _owns_incident(actor: Actor, incident: Incident) -> bool:
    if actor.role == Role.customer:
        return incident.customer_id == actor.id
    if actor.role == Role.seller:
        return actor.shop_id is not None and incident.shop_id == actor.shop_id
    return actor.role in STAFF


# action -> (roles that may ever do it, ownership check on the resource or None)
_RULES: dict[str, tuple[frozenset[str], Callable[[Actor, Any], bool] | None]] = {
    "incident.view": (frozenset(Role), _owns_incident),  # product: only flagged ones, see `load_incident`
    "incident.open": (frozenset({Role.customer}), None),
    "incident.customer_act": (frozenset({Role.customer}), _owns_incident),
    "incident.seller_act": (frozenset({Role.seller}), _owns_incident),
    "incident.party_act": (frozenset({Role.customer, Role.seller}), _owns_incident),
    "incident.message": (frozenset({Role.customer, Role.seller, Role.support, Role.arbitrator}), _owns_incident),
    "incident.assist": (frozenset({Role.support, Role.arbitrator}), None),
    "incident.internal_note": (frozenset(STAFF), None),
    "incident.view_internal": (frozenset(STAFF), None),
    "incident.arbitrate": (frozenset({Role.arbitrator}), None),
    "incident.supervise": (frozenset(STAFF), None),
    "incident.assign": (frozenset({Role.seller}), _owns_incident),
    "incident.take": (frozenset({Role.support}), None),
    "template.use": (frozenset({Role.seller, Role.support, Role.arbitrator}), None),
    "flag.raise": (frozenset({Role.seller, Role.support, Role.arbitrator}), _owns_incident),
    "flag.handle": (frozenset({Role.product}), None),
    "flag.view": (frozenset({Role.product, Role.support, Role.arbitrator, Role.admin}), None),
    "order.view": (frozenset({Role.customer}), lambda a, o: o.customer_id == a.id),
    "board.view": (frozenset({Role.seller}), None),
    "insights.view": (frozenset({Role.seller}), None),
    "trends.view": (frozenset(STAFF), None),
    "guideline.write": (frozenset({Role.support, Role.arbitrator}), None),
    "guideline.read": (frozenset({Role.seller, Role.support, Role.arbitrator, Role.admin}), None),
    "listing.view": (frozenset({Role.product, Role.support, Role.arbitrator, Role.admin, Role.seller}), None),
    "admin.manage": (frozenset({Role.admin}), None),
    "api.manage": (frozenset({Role.seller, Role.admin}), None),
    "webhooks.manage": (frozenset({Role.seller, Role.admin}), None),
    "intake.write": (frozenset({Role.admin}), None),
}


def can(actor: Actor, action: str, resource: Any = None) -> bool:
    roles, owns = _RULES[action]
    if actor.role not in roles:
        return False
    return owns is None or resource is None or owns(actor, resource)


def authorize(actor: Actor, action: str, resource: Any = None) -> None:
    """The one gate. Someone who may not even see an incident gets `NotFound`,
    exactly as for one that does not exist, so references cannot be probed."""
    if can(actor, action, resource):
        return
    if isinstance(resource, Incident) and not can(actor, "incident.view", resource):
        raise NotFound()
    raise Forbidden()


T = TypeVar("T")


def existing(session: Session, model: type[T], key: int | None) -> T:
    """A row a foreign key or a checked id points at: its absence is a broken invariant, said
    as `NotFound` rather than an AttributeError on None further down."""
    found = session.get(model, key) if key is not None else None
    if found is None:
        raise NotFound()
    return found


def has_flag(session: Session, incident_id: int) -> bool:
    return (
        session.exec(select(col(ListingFlag.id)).where(col(ListingFlag.incident_id) == incident_id)).first() is not None
    )


def load_incident(session: Session, actor: Actor, incident_id: int, *, for_update: bool = False) -> Incident:
    """The incident if this actor may see it, else `NotFound`.

    The product team sees only incidents a listing flag points at (read-only)."""
    stmt = select(Incident).where(col(Incident.id) == incident_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    incident = session.exec(stmt).first()
    if incident is None:
        raise NotFound()
    if actor.role == Role.product:
        if not has_flag(session, incident.id):
            raise NotFound()
    elif not can(actor, "incident.view", incident):
        raise NotFound()
    return incident


def check_version(incident: Incident, version: int | None) -> None:
    """State-changing actions carry the version the user saw; a stale one is refused."""
    if version is None or int(version) != incident.version:
        raise StaleVersion(incident.version)


def at_version(
    session: Session,
    actor: Actor,
    incident_id: int,
    version: int | None,
    fn: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> Any:
    """`fn(session, actor, incident_id, ...)` only while the case is still at `version` (the API
    asks the version of every write, also of those whose service takes none), in one unit of work."""
    check_version(load_incident(session, actor, incident_id, for_update=True), version)
    return fn(session, actor, incident_id, *args, **kwargs)


# --- events ------------------------------------------------------------------------------


def record_event(
    session: Session,
    incident: Incident,
    actor: Actor,
    kind: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> IncidentEvent:
    event = IncidentEvent(
        incident_id=incident.id,
        actor_id=actor.id,
        actor_role=actor.role,
        kind=kind,
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
        at=now(),
    )
    session.add(event)
    return event


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}
