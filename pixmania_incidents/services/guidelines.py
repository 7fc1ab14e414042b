"""Guidelines and training notes written by customer service (policy step 5).

Why two layers of safety: the Markdown parser runs with raw HTML disabled (so `<script>`
is text, not a tag) and its link validator drops `javascript:`/`data:` URLs; then nh3
(an allow-list sanitiser) keeps only harmless tags and attributes, in case a future
parser option lets something through. The stored text stays Markdown; only the rendered
HTML reaches the page.
"""

from __future__ import annotations

from typing import Any

import nh3
from markdown_it import MarkdownIt
from sqlmodel import Session, col, select

from pixmania_incidents.models import Guideline, User
from pixmania_incidents.policy import TYPES, type_policy
from pixmania_incidents.services.common import Actor, InvalidInput, NotFound, authorize, existing, now
from pixmania_incidents.services.inputs import clean_text
from pixmania_incidents.vocabulary import (
    GUIDELINE_BODY_MAX as BODY_MAX,
)
from pixmania_incidents.vocabulary import (
    GUIDELINE_KINDS as KINDS,
)
from pixmania_incidents.vocabulary import (
    GUIDELINE_TITLE_MAX as TITLE_MAX,
)

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}


def render_markdown(text: str) -> str:
    """Safe HTML for `text`: no script, no raw HTML, no event handlers, only http(s)/mailto links."""
    html = _MD.render(text or "")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


def _view(g: Guideline, author: str) -> dict[str, Any]:
    policy = type_policy(g.incident_type) if g.incident_type else None
    return {
        "id": g.id,
        "kind": g.kind,
        "title": g.title,
        "body_md": g.body_md,
        "html": render_markdown(g.body_md),
        "incident_type": g.incident_type or "",
        "type_fr": policy.label_fr if policy else "",
        "type_en": policy.label_en if policy else "",
        "author": author,
        "created_at": g.created_at,
    }


def _checked(kind: str, title: str, body_md: str, incident_type: str | None) -> tuple[str, str, str, str | None]:
    if kind not in KINDS:
        raise InvalidInput("support.error.guideline_kind")
    if incident_type and incident_type not in TYPES:
        raise InvalidInput("incidents.error.unknown_type")
    return (
        kind,
        clean_text(title, "title", limit=TITLE_MAX),
        clean_text(body_md, "body", limit=BODY_MAX),
        incident_type or None,
    )


def publish(
    session: Session, actor: Actor, kind: str, title: str, body_md: str, incident_type: str | None = None
) -> dict[str, Any]:
    authorize(actor, "guideline.write")
    kind, title, body_md, incident_type = _checked(kind, title, body_md, incident_type)
    row = Guideline(
        kind=kind, title=title, body_md=body_md, incident_type=incident_type, author_id=actor.user_id, created_at=now()
    )
    session.add(row)
    session.flush()
    return _view(row, actor.name)


def update(
    session: Session,
    actor: Actor,
    guideline_id: int,
    kind: str,
    title: str,
    body_md: str,
    incident_type: str | None = None,
) -> dict[str, Any]:
    """Guidelines improve over time (policy step 5): support rewrites them in place."""
    authorize(actor, "guideline.write")
    row = session.get(Guideline, int(guideline_id))
    if row is None:
        raise NotFound()
    row.kind, row.title, row.body_md, row.incident_type = _checked(kind, title, body_md, incident_type)
    session.add(row)
    session.flush()
    return _view(row, existing(session, User, row.author_id).name)


def guidelines_for(session: Session, actor: Actor, incident_type: str | None = None) -> list[dict[str, Any]]:
    """Newest first. With `incident_type`, those for that type plus the general ones
    (what the seller's case workspace shows); without, all of them."""
    authorize(actor, "guideline.read")
    stmt = select(Guideline, col(User.name)).join(User, col(User.id) == col(Guideline.author_id))
    if incident_type:
        stmt = stmt.where((col(Guideline.incident_type) == incident_type) | (col(Guideline.incident_type) == None))  # noqa: E711
    rows = session.exec(stmt.order_by(col(Guideline.created_at).desc(), col(Guideline.id).desc())).all()
    return [_view(g, name) for g, name in rows]
