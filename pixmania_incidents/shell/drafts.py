"""Long texts kept in the browser until the server confirms it stored them (issue #12).

A field with a `draft_keeper` beside it is saved in the browser's local storage as it is
typed, per user, per case (or order line) and per field; its send button reads it through
`draft_value`, which remembers it as not sent; the handler confirms with `draft_sent` once
the service took it. Until then a crash, a lost connection or a reload puts it back in the
field, marked "non envoyé — réessayer", and files that went with it are named, to be
attached again (files cannot be kept in the browser). The code is `assets/reliability.jsx`.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.vars import Var
from reflex_base.utils.imports import ImportVar
from reflex_base.vars.base import VarData
from reflex_components_core.core.upload import get_upload_files_context_var_data

from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.shell.text import t

_LIBRARY = "$/public/reliability.jsx"


class _DraftKeeper(rx.Component):
    library = _LIBRARY
    tag = "DraftKeeper"

    field: rx.Var[str]
    owner: rx.Var[str]
    scope: rx.Var[str]
    attached: rx.Var[bool]
    not_sent: rx.Var[str]
    files_lost: rx.Var[str]


def draft_scope(kind: str, key: rx.Var) -> rx.Var:
    """What a draft belongs to besides its user: e.g. `case-12`; "" (keep nothing) until known."""
    return rx.cond(key.to(int) > 0, f"{kind}-" + key.to_string(), "")


def draft_keeper(field_id: str, scope: rx.Var, upload_id: str | None = None) -> rx.Component:
    """Keeps the text of the field `field_id` until sent; shows "not sent" and files to attach again."""
    return _DraftKeeper.create(
        field=field_id,
        owner=SessionState.user_email,
        scope=scope,
        attached=rx.selected_files(upload_id).length() > 0 if upload_id else False,
        not_sent=t("reliability.not_sent"),
        files_lost=t("reliability.files_lost"),
    )


def draft_value(field_id: str, upload_id: str | None = None) -> Var:
    """What a send button sends from the field: its text, remembered as not sent (with the
    names of the files of `upload_id`) until `draft_sent` confirms it."""
    var_data = VarData(imports={_LIBRARY: [ImportVar(tag="drafts")]})
    files = "[]"
    if upload_id:
        files = f"(filesById[{json.dumps(upload_id)}] ?? [])"
        var_data = VarData.merge(var_data, get_upload_files_context_var_data())
    return Var(_js_expr=f"drafts.attempt({json.dumps(field_id)}, {files})", _var_data=var_data).to(str)


def draft_sent(field_id: str, text: str) -> rx.event.EventSpec:
    """The service stored `text`: forget the draft, and empty the field if it still holds it."""
    return rx.call_script(f"window.pixmaniaDrafts?.sent({json.dumps(field_id)}, {json.dumps(str(text))})")
