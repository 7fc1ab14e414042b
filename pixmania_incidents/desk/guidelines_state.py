"""/guidelines: customer service writes guidelines and training notes in Markdown."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents.formats import short_when
from pixmania_incidents.i18n import norm_locale, tr
from pixmania_incidents.services import guidelines
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import GUIDELINE_BODY_MAX, GUIDELINE_KINDS, GUIDELINE_TITLE_MAX


class GuidelinesState(SessionState):
    revision: int = 0
    error: str = ""
    notice: str = ""
    # the form, kept as typed
    editing_id: int = 0
    kind: str = "guideline"
    title: str = ""
    body: str = ""
    incident_type: str = ""

    @rx.event
    def load(self):
        self.error, self.notice = "", ""

    @rx.var
    async def items(self) -> list[dict[str, Any]]:
        locale = norm_locale((await self.get_state(LocaleState)).locale)
        _ = self.revision
        found, _error = await self._read(guidelines.guidelines_for)
        return [g | {"created_at": short_when(g["created_at"], locale)} for g in found or []]

    @rx.var
    def preview(self) -> str:
        """Rendered by the same sanitiser as the published text."""
        return guidelines.render_markdown(self.body)

    @rx.event
    def set_kind(self, value: str):
        self.kind = value if value in GUIDELINE_KINDS else "guideline"

    @rx.event
    def set_title(self, value: str):
        self.title = str(value)[:GUIDELINE_TITLE_MAX]

    @rx.event
    def set_body(self, value: str):
        self.body = str(value)[:GUIDELINE_BODY_MAX]

    @rx.event
    def set_incident_type(self, value: str):
        self.incident_type = str(value)[:24]

    @rx.event
    async def start_edit(self, item: dict):
        """Fill the form from a listed item; saving goes through the service, which authorizes."""
        if not isinstance(item, dict):
            return
        self.editing_id = int(item.get("id") or 0)
        self.kind = str(item.get("kind") or "guideline")
        self.title = str(item.get("title") or "")
        self.body = str(item.get("body_md") or "")
        self.incident_type = str(item.get("incident_type") or "")
        self.error, self.notice = "", ""

    @rx.event
    def new(self):
        self.editing_id, self.kind, self.title, self.body, self.incident_type = 0, "guideline", "", "", ""
        self.error, self.notice = "", ""

    @rx.event
    async def save(self):
        args = (self.kind, self.title, self.body, self.incident_type or None)
        if self.editing_id:
            result, self.error = await self._run(guidelines.update, self.editing_id, *args)
        else:
            result, self.error = await self._run(guidelines.publish, *args)
        if result is not None:
            self.notice = tr("support.guidelines.saved", await self._locale())
            self.editing_id, self.title, self.body, self.incident_type = 0, "", "", ""
            self.revision += 1
