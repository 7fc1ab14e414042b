"""Reply templates: canned replies a seller shares with the sellers of their shop, and
customer service with its agents (the desk's, no shop). Placeholders are filled for the
case at hand when one is picked: {client}, {reference}, {echeance}.

Filled on the server, from the case the actor may see, so a template never carries
another case's details; what is filled is only a draft the user edits and sends.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from pixmania_incidents.formats import when
from pixmania_incidents.models import Incident, ReplyTemplate, User
from pixmania_incidents.services.common import Actor, NotFound, authorize, existing, load_incident, reads
from pixmania_incidents.services.inputs import clean_text
from pixmania_incidents.vocabulary import Role

PLACEHOLDERS: tuple[str, ...] = ("{client}", "{reference}", "{echeance}")
MAX_TITLE = 80


@dataclass(frozen=True)
class Template:
    id: int
    title: str
    body: str


def _scope(actor: Actor) -> int | None:
    """A seller's templates are their shop's; customer service's are the desk's (no shop)."""
    return actor.shop_id if actor.role == Role.seller else None


def _mine(actor: Actor):  # noqa: ANN202 - a SQL condition
    shop_id = _scope(actor)
    return col(ReplyTemplate.shop_id) == shop_id if shop_id is not None else col(ReplyTemplate.shop_id).is_(None)  # type: ignore[union-attr]


@reads
def templates(session: Session, actor: Actor) -> list[Template]:
    authorize(actor, "template.use")
    rows = session.exec(
        select(ReplyTemplate).where(_mine(actor)).order_by(col(ReplyTemplate.title), col(ReplyTemplate.id))
    ).all()
    return [Template(t.id, t.title, t.body) for t in rows]


def save_template(session: Session, actor: Actor, title: str, body: str) -> Template:
    authorize(actor, "template.use")
    row = ReplyTemplate(
        shop_id=_scope(actor),
        title=clean_text(title, "title", limit=MAX_TITLE),
        body=clean_text(body, "body"),
        created_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    return Template(row.id, row.title, row.body)


def delete_template(session: Session, actor: Actor, template_id: int) -> None:
    authorize(actor, "template.use")
    row = session.exec(select(ReplyTemplate).where(col(ReplyTemplate.id) == template_id, _mine(actor))).first()
    if row is None:
        raise NotFound()
    session.delete(row)


@reads
def filled(session: Session, actor: Actor, incident_id: int, template_id: int, locale: str = "fr") -> str:
    """The template's text for this case: the customer's name, the reference, the next deadline."""
    authorize(actor, "template.use")
    incident: Incident = load_incident(session, actor, incident_id)
    row = session.exec(select(ReplyTemplate).where(col(ReplyTemplate.id) == template_id, _mine(actor))).first()
    if row is None:
        raise NotFound()
    customer = existing(session, User, incident.customer_id)
    values = {
        "{client}": customer.name if customer is not None else "",
        "{reference}": incident.reference,
        "{echeance}": when(incident.next_due_at, locale),
    }
    text = row.body
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text
