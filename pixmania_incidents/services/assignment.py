"""Who works a case. A shop has several sellers: one assigns a case to a colleague of the
same shop (never to anyone else), and the board filters what is assigned to them. A
customer service agent takes a case ("je m'en occupe") so other agents see it is handled.

Neither changes where the case stands: the incident's version stays, so a colleague's
open form on the case is not turned stale by an assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from pixmania_incidents.models import User
from pixmania_incidents.services.common import Actor, Forbidden, authorize, reads
from pixmania_incidents.services.incidents import Result, finish, incident_for, result_of
from pixmania_incidents.vocabulary import Role


@dataclass(frozen=True)
class Colleague:
    id: int
    name: str


@reads
def colleagues(session: Session, actor: Actor) -> list[Colleague]:
    """The active sellers of the actor's own shop, the actor included, by name."""
    authorize(actor, "incident.assign")
    if actor.shop_id is None:
        raise Forbidden()
    rows = session.exec(
        select(col(User.id), col(User.name))
        .where(col(User.role) == Role.seller, col(User.shop_id) == actor.shop_id, col(User.active).is_(True))  # type: ignore[attr-defined]
        .order_by(col(User.name), col(User.id))
    ).all()
    return [Colleague(id, name) for id, name in rows]


def assign(session: Session, actor: Actor, incident_id: int, assignee_id: int | None) -> Result:
    """Give the case to a seller of its shop (None: to nobody). Anyone else is refused, whatever the browser sent."""
    incident = incident_for(session, actor, incident_id, "incident.assign")
    name = ""
    if assignee_id is not None:
        assignee = session.get(User, assignee_id)
        if (
            assignee is None
            or assignee.role != Role.seller
            or assignee.shop_id != incident.shop_id
            or not assignee.active
        ):
            raise Forbidden()
        name = assignee.name
    if incident.assignee_id == assignee_id:
        return result_of(incident)
    before = {"assignee_id": incident.assignee_id}
    incident.assignee_id = assignee_id
    finish(session, incident, actor, "assigned", before, {"assignee_id": assignee_id, "assignee": name})
    return result_of(incident)


def take(session: Session, actor: Actor, incident_id: int) -> Result:
    """This agent handles the case from now on (taking it over from another agent is allowed, and recorded)."""
    return _handle(session, actor, incident_id, actor.id)


def release(session: Session, actor: Actor, incident_id: int) -> Result:
    """No agent handles the case any more."""
    return _handle(session, actor, incident_id, None)


def _handle(session: Session, actor: Actor, incident_id: int, agent_id: int | None) -> Result:
    incident = incident_for(session, actor, incident_id, "incident.take")
    if incident.agent_id == agent_id:
        return result_of(incident)
    before = {"agent_id": incident.agent_id}
    incident.agent_id = agent_id
    finish(
        session,
        incident,
        actor,
        "taken" if agent_id else "released",
        before,
        {"agent_id": agent_id, "agent": actor.name if agent_id else ""},
    )
    return result_of(incident)
