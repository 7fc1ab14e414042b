"""The one incident page, for every role: the case as this viewer may see it, kept live.

Why this shape: the page links the incident's shared room (`incident-<id>`) only after the
service agreed the viewer may see the case. The room carries the latest public messages,
so the thread moves the moment someone writes, without a query per viewer; the rest of
the case is re-read through `views.case_view` whenever the room's tick moves, so a
change made by any party, or by the deadline sweep, reaches every open page without a
reload, while what differs per viewer (internal notes, contact details, buttons,
language) never travels through the room. Role panels subclass `IncidentPageState` and
change the case through `_act`, which pushes the change to the rooms and turns a stale
version into "here is the new state".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import flags, incidents, views
from pixmania_incidents.services.common import StaleVersion
from pixmania_incidents.services.evidence import visibilities
from pixmania_incidents.shell.drafts import draft_sent
from pixmania_incidents.shell.failure import busy_flags
from pixmania_incidents.shell.forms import clear_files, read_uploads
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.registry import route_text
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import Role, case_path

ROUTE = "/incidents/[incident_id]"
#: Messages shown at first (the room's window); "earlier messages" widens it by as many.
MESSAGE_PAGE = live.MESSAGE_WINDOW


@busy_flags("is_sending")
class IncidentPageState(SessionState):
    """`/incidents/[incident_id]` for every role; panels subclass it for their actions."""

    case_id: int = 0
    missing: bool = False
    #: "This incident changed meanwhile: here is its new state" (shown above the case).
    notice: str = ""
    #: The last refusal, shown next to the form that caused it.
    error: str = ""
    thread_error: str = ""
    is_sending: bool = False
    revision: int = 0
    message_limit: int = MESSAGE_PAGE
    _case_reference: str = ""
    #: The version shown when a confirmation opened: the action is judged against it.
    _seen_version: int | None = None

    def _route_key(self) -> str:
        """The case the address names: its reference, or its number in older links."""
        return route_text(self.router.url.path or "", ROUTE)

    def _on_this_case(self) -> bool:
        """The address still names the case this tab holds."""
        key = self._route_key()
        return bool(self.case_id) and key.upper() in (str(self.case_id), self._case_reference)

    @rx.event
    async def load(self):
        """Link the room only once the service agreed this viewer may see the case."""
        self.case_id, self.missing, self.notice, self.error, self.thread_error = 0, False, "", "", ""
        self._case_reference = ""
        self.message_limit = MESSAGE_PAGE
        key = self._route_key()
        case_id, _ = await self._run(incidents.find_case, key) if key else (None, "")
        result, _ = await self._run(incidents.mark_viewed, case_id) if case_id else (None, "")
        if result is None:
            self.missing = True
            return
        self.case_id, self._case_reference = result.incident_id, result.reference
        await self._join_live()  # the user's room first: see live.py on lock order
        room = await (await self.get_state(live.IncidentRoom))._link_to(live.incident_token(case_id))
        if room.incident_id != case_id:  # the first page of this case since the room was made
            await live.share_window(room, case_id)
        if self.user_role == Role.seller:
            live.push_result(result)
        if key != result.reference:  # an old numeric link: the address becomes the reference
            return rx.redirect(case_path(result.reference), replace=True)
        return None

    @rx.var
    async def view(self) -> views.CaseView | None:
        """The case for this viewer (its thread aside), re-read whenever the room's tick moves."""
        room = await self.get_state(live.IncidentRoom)
        locale = (await self.get_state(LocaleState)).locale
        _ = (room.tick, self.revision)
        if not self.case_id:
            return None
        found, _error = await self._read(views.case_view, self.case_id, locale)
        return found

    @rx.var(backend=True)
    async def _own_messages(self) -> list[dict[str, Any]]:
        """What the room does not carry for this viewer, from the database: shop and internal
        messages (sellers, staff) and earlier ones (after "earlier messages")."""
        room = await self.get_state(live.IncidentRoom)
        _ = (room.tick, self.revision)
        if not self.case_id:
            return []
        room_covers = (
            room.incident_id == self.case_id
            and self.message_limit <= live.MESSAGE_WINDOW
            and visibilities(self.user_role) == ("public",)
        )
        if room_covers:
            return []
        data, _error = await self._read(views.thread_messages, self.case_id, self.message_limit)
        return data or []

    @rx.var
    async def thread(self) -> list[views.ThreadMessage]:
        """The messages shown, live from the room's window as soon as anyone writes."""
        room = await self.get_state(live.IncidentRoom)
        locale = (await self.get_state(LocaleState)).locale
        window = room.messages if room.incident_id == self.case_id else []
        return views.thread_of(window, await self._own_messages, self.message_limit, locale)

    @rx.event
    def show_earlier(self):
        """Older messages load on demand, straight from the database."""
        self.message_limit = min(self.message_limit + MESSAGE_PAGE, 1000)

    @rx.event
    def dismiss(self):
        self.notice, self.error = "", ""

    def _remember_version(self, version: Any) -> None:
        """The version the user had on screen (the service refuses it if it is stale)."""
        try:
            self._seen_version = int(version)
        except (TypeError, ValueError):
            self._seen_version = None
        self.error = ""

    async def _act(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any | None:
        """Run a service on this case; push the change; a stale version shows the new state.

        Refused while the tab still holds another case: right after a navigation the form
        is on screen before the page's load has run, and what was typed must not land on
        the case the user left."""
        if not self._on_this_case():
            self.notice, self.error = "", tr("case.error.still_loading", await self._locale())
            return None
        # A changed case is pushed below to all it shows to, the notified users among them.
        result, refusal = await self._call(fn, *args, push_notified=False, **kwargs)
        error = "" if refusal is None else tr(refusal.code, await self._locale(), **refusal.params)
        stale = refusal is not None and refusal.code == StaleVersion.code
        self.notice, self.error = (error, "") if stale else ("", error)
        if isinstance(result, incidents.Result):
            # This tab holds the room during its event: new messages leave with it, before
            # anything else is re-read; the room's tick then refreshes every page, this one too.
            await live.share_window(await self.get_state(live.IncidentRoom), self.case_id)
            live.push_result(result, messages=False)
        elif isinstance(result, flags.FlagChange):
            live.push_flag(result)
        else:
            self.revision += 1  # refused or not pushed: re-read this page now
        return result

    @rx.event
    async def add_statement(self, files: list[rx.UploadFile], statement: str):
        """The party who did not ask for arbitration gives its side, once (customer or seller)."""
        text = str(statement or "")
        result = await self._act(incidents.add_statement, self.case_id, text, await read_uploads(files))
        if result is not None:
            return [draft_sent("statement_body", text), clear_files("statement_files")]
        return None

    @rx.event
    async def send_message(self, files: list[rx.UploadFile], body: str, visibility: str = "public"):
        """The thread's composer (every role that may write). Only the text sent leaves the
        field, and only once stored: what was typed meanwhile, or refused, stays."""
        self.is_sending = True
        yield
        text = str(body or "")
        uploads = await read_uploads(files)
        result = await self._act(
            incidents.post_message,
            self.case_id,
            text,
            uploads,
            "internal" if visibility == "internal" else "public",
        )
        self.thread_error, self.error, self.is_sending = self.error, "", False
        if result is not None:
            yield [draft_sent("thread_body", text), clear_files("thread_files")]
