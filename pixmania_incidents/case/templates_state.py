"""Reply templates on the incident page: pick one and it lands in the message composer,
filled for this case by the server; the shop's (or the desk's) templates are kept here too."""

from __future__ import annotations

import json

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.services import templates
from pixmania_incidents.shell.forms import reset_form

#: Who keeps templates: the shop's sellers, customer service and the arbitrators.
USERS = ("seller", "support", "arbitrator")

# Puts text into the composer as typing would (so its draft is kept), after what is already there.
_INSERT = """(() => {{
  const field = document.getElementById("thread_body");
  if (!field) return;
  const text = {text};
  const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
  set.call(field, field.value.trim() ? field.value + "\\n\\n" + text : text);
  field.dispatchEvent(new Event("input", {{ bubbles: true }}));
  field.focus();
}})()"""


class TemplatesState(IncidentPageState):
    template_error: str = ""
    #: Moved when a template is saved or deleted, so the list is read again.
    template_revision: int = 0

    @rx.var
    async def reply_templates(self) -> list[templates.Template]:
        room = await self.get_state(live.LiveRoom)
        _ = (room.tick, self.template_revision)
        if self.user_role not in USERS:
            return []
        found, _error = await self._read(templates.templates)
        return found or []

    @rx.event
    async def use_template(self, template_id: str):
        """The server fills the placeholders from the case this tab shows."""
        self.template_error = ""
        if not str(template_id).isdigit() or not self.case_id:
            return None
        text, error = await self._run(templates.filled, self.case_id, int(template_id), await self._locale())
        if text is None:
            self.template_error = error
            return None
        return rx.call_script(_INSERT.format(text=json.dumps(text)))

    @rx.event
    async def save_template(self, form: dict):
        form = form if isinstance(form, dict) else {}
        saved, error = await self._run(
            templates.save_template, str(form.get("title") or ""), str(form.get("body") or "")
        )
        self.template_error = error
        if saved is None:
            return None
        self.template_revision += 1
        return reset_form("form-template")

    @rx.event
    async def delete_template(self, template_id: int):
        _done, self.template_error = await self._run(templates.delete_template, int(template_id))
        self.template_revision += 1
