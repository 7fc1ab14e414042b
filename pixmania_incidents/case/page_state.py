"""The one incident page, for every role: the case as this viewer may see it, kept live.

Why this shape: the page links the incident's shared room (`incident-<id>`) only after the
service agreed the viewer may see the case. The room carries the latest public messages,
so the thread moves the moment someone writes, without a query per viewer; the rest of
the case is re-read through `views.incident_view` whenever the room's tick moves, so a
change made by any party, or by the deadline sweep, reaches every open page without a
reload, while what differs per viewer (internal notes, contact details, buttons,
language) never travels through the room. Role panels subclass `IncidentPageState` and
change the case through `_act`, which pushes the change to the rooms and turns a stale
version into "here is the new state".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.formats import money, short_when, when
from pixmania_incidents.i18n import CATALOGUE, norm_locale, tr
from pixmania_incidents.models import Role
from pixmania_incidents.policy import OBLIGATION_LABELS, SOLUTION_LABELS
from pixmania_incidents.services import flags, incidents, views
from pixmania_incidents.services.common import StaleVersion
from pixmania_incidents.services.evidence import MAX_BYTES, Upload, visibilities
from pixmania_incidents.state.locale import LocaleState
from pixmania_incidents.state.session import SessionState

#: Messages shown at first (the room's window); "earlier messages" widens it by as many.
MESSAGE_PAGE = live.MESSAGE_WINDOW
_ROUTE = re.compile(r"/incidents/(\d+)/?$")


def evidence_url(evidence_id: int) -> str:
    return f"/api/evidence/{evidence_id}"


def label_url(label_id: int) -> str:
    return f"/api/labels/{label_id}.pdf"


def when_iso(iso: str | None, locale: str) -> str:
    return when(datetime.fromisoformat(iso) if iso else None, locale)


def short_iso(iso: str | None, locale: str) -> str:
    return short_when(datetime.fromisoformat(iso) if iso else None, locale)


def _size_label(size: int, locale: str) -> str:
    kb = max(1, round(size / 1024))
    text = f"{kb} Ko" if kb < 1024 else f"{kb / 1024:.1f} Mo"
    return text.replace("Ko", "KB").replace("Mo", "MB") if locale == "en" else text.replace(".", ",")


def _file(ev: dict[str, Any], locale: str) -> dict[str, Any]:
    return {**ev, "url": evidence_url(ev["id"]), "is_image": str(ev["content_type"]).startswith("image/"),
            "size_label": _size_label(int(ev["size"]), locale)}


def _pair(fr: str, en: str, locale: str) -> str:
    return en if locale == "en" else fr


def _label(key: str, locale: str, fallback: str) -> str:
    return tr(key, locale) if key in CATALOGUE else fallback


def _clock_label(kind: str, locale: str) -> str:
    if kind in OBLIGATION_LABELS:
        return _pair(*OBLIGATION_LABELS[kind], locale)
    return _label(f"clock.{kind}", locale, kind)


def event_detail(event: dict[str, Any], locale: str) -> str:
    """What changed, in words: the state move, the solution, the reason."""
    before, after = event.get("before") or {}, event.get("after") or {}
    parts = []
    # A deadline's own events move the deadline's state, not the incident's.
    states = "deadline." if after.get("deadline") else "state."
    if after.get("deadline"):
        parts.append(_clock_label(after["deadline"], locale))
    if before.get("state") and after.get("state") and before["state"] != after["state"]:
        parts.append(f"{tr(states + before['state'], locale)} → {tr(states + after['state'], locale)}")
    if after.get("solution"):
        parts.append(_pair(*SOLUTION_LABELS.get(after["solution"], (after["solution"],) * 2), locale))
    if after.get("amount_cents"):
        parts.append(money(int(after["amount_cents"]), locale))
    if after.get("reason"):
        parts.append(f"« {after['reason']} »" if locale == "fr" else f"“{after['reason']}”")
    if after.get("tracking_number"):
        parts.append(str(after["tracking_number"]))
    if after.get("score"):
        parts.append(f"{after['score']}/5")
    return " · ".join(parts)


def decorate(view: dict[str, Any], locale: str) -> dict[str, Any]:
    """The service's view plus what the page prints as is: labels, dates, file links."""
    locale = norm_locale(locale)
    pending = view.get("pending_proposal")
    arbitration = view.get("arbitration")
    decision = arbitration.get("decision") if arbitration else None
    open_clocks = [d for d in view["deadlines"] if d["met_at"] is None and d["state"] in ("on_track", "at_risk", "breached")]
    ball = view["ball"]
    return {
        **view,
        "type_label": _pair(view["type_label_fr"], view["type_label_en"], locale),
        "opened_when": when_iso(view["opened_at"], locale),
        "line_total_label": money(view["line_total_cents"], locale),
        "ball": {**ball, "when": when_iso(ball.get("due_at"), locale)},
        "clocks": [
            {**d, "label": _clock_label(d["kind"], locale), "when": when_iso(d["due_at"], locale)}
            for d in sorted(open_clocks, key=lambda d: d["due_at"])
        ],
        "pending_proposal": None if pending is None else {
            **pending,
            "label": _pair(pending["label_fr"], pending["label_en"], locale),
            "amount_label": money(pending["amount_cents"], locale) if pending["amount_cents"] else "",
            "when": when_iso(pending["created_at"], locale),
        },
        "arbitration": None if arbitration is None else {
            **arbitration,
            "decision": None if decision is None else {
                **decision,
                "label": _pair(decision["label_fr"], decision["label_en"], locale),
                "amount_label": money(decision["amount_cents"], locale) if decision["amount_cents"] else "",
                "when": when_iso(decision["created_at"], locale),
            },
        },
        "opening_files": [_file(f, locale) for f in view["opening_evidence"]],
        "timeline": [
            {**e, "label": _label(f"incidents.event.{e['kind']}", locale, e["kind"]),
             "who": _label(f"role.{e['actor_role']}", locale, e["actor_role"]),
             "when": short_iso(e["at"], locale), "detail": event_detail(e, locale)}
            for e in reversed(view["timeline"])
        ],
        "return_labels": [
            {**lb, "url": label_url(lb["id"]), "when": short_iso(lb["created_at"], locale),
             "sent_back_when": short_iso(lb["sent_back_at"], locale)}
            for lb in view["return_labels"]
        ],
        "obligations": [
            {**o, "label": _pair(o["label_fr"], o["label_en"], locale), "when": when_iso(o["due_at"], locale),
             "amount_label": money(o["amount_cents"], locale) if o["amount_cents"] else ""}
            for o in view["obligations"]
        ],
    }


def thread_of(window: list[dict[str, Any]], own: list[dict[str, Any]], limit: int, locale: str) -> list[dict[str, Any]]:
    """The room's public window and what the viewer read for themself, as one thread:
    the last `limit` messages by id, labelled for the page."""
    merged = sorted({m["id"]: m for m in (*window, *own)}.values(), key=lambda m: m["id"])[-limit:]
    return [{**m, "when": short_iso(m["created_at"], locale), "files": [_file(f, locale) for f in m["evidence"]]}
            for m in merged]


async def read_uploads(files: list[rx.UploadFile] | None) -> list[Upload]:
    """The browser's files as bytes for the services, which judge them; never stored here.

    Reads one byte past the limit so an oversized file is refused by the service by its
    size without holding more of it in memory."""
    uploads = []
    for f in files or []:
        data = f.file.read(MAX_BYTES + 1)
        uploads.append(Upload(f.filename or "fichier", data))
    return uploads


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
    #: The version shown when a confirmation opened: the action is judged against it.
    _seen_version: int | None = None

    def _route_case(self) -> int:
        match = _ROUTE.search(self.router.url.path or "")
        return int(match.group(1)) if match else 0

    @rx.event
    async def load(self):
        """Link the room only once the service agreed this viewer may see the case."""
        self.case_id, self.missing, self.notice, self.error, self.thread_error = 0, False, "", "", ""
        self.message_limit = MESSAGE_PAGE
        case_id = self._route_case()
        result, _ = await self._run(incidents.mark_viewed, case_id) if case_id else (None, "")
        if result is None:
            self.missing = True
            return
        self.case_id = case_id
        await self._join_live()  # the user's room first: see live.py on lock order
        room = await (await self.get_state(live.IncidentRoom))._link_to(live.incident_token(case_id))
        if room.incident_id != case_id:  # the first page of this case since the room was made
            await live.share_window(room, case_id)
        if self.user_role == Role.seller:
            live.push_result(result)

    @rx.var
    async def view(self) -> dict[str, Any]:
        """The case for this viewer (its thread aside), re-read whenever the room's tick moves."""
        room = await self.get_state(live.IncidentRoom)
        locale = (await self.get_state(LocaleState)).locale
        _ = (room.tick, self.revision)
        if not self.case_id:
            return {}
        data, _error = await self._run(views.incident_view, self.case_id)
        return {} if data is None else decorate(data, locale)

    @rx.var(backend=True)
    async def _own_messages(self) -> list[dict[str, Any]]:
        """What the room does not carry for this viewer, from the database: shop and internal
        messages (sellers, staff) and earlier ones (after "earlier messages")."""
        room = await self.get_state(live.IncidentRoom)
        _ = (room.tick, self.revision)
        if not self.case_id:
            return []
        room_covers = (room.incident_id == self.case_id and self.message_limit <= live.MESSAGE_WINDOW
                       and visibilities(self.user_role) == ("public",))
        if room_covers:
            return []
        data, _error = await self._run(views.thread_messages, self.case_id, self.message_limit)
        return data or []

    @rx.var
    async def thread(self) -> list[dict[str, Any]]:
        """The messages shown, live from the room's window as soon as anyone writes."""
        room = await self.get_state(live.IncidentRoom)
        locale = (await self.get_state(LocaleState)).locale
        window = room.messages if room.incident_id == self.case_id else []
        return thread_of(window, await self._own_messages, self.message_limit, locale)

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
        if self._route_case() != self.case_id:
            self.notice, self.error = "", tr("case.error.still_loading", await self._locale())
            return None
        stale = False

        def call(session, actor, *a, **kw):
            nonlocal stale
            try:
                return fn(session, actor, *a, **kw)
            except StaleVersion:
                stale = True
                raise

        # A changed case is pushed below to all it shows to, the notified users among them.
        result, error = await self._run(call, *args, push_notified=False, **kwargs)
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
        result = await self._act(incidents.add_statement, self.case_id, str(statement or ""), await read_uploads(files))
        if result is not None:
            return [rx.set_value("statement_body", ""), rx.clear_selected_files("statement_files")]
        return None

    @rx.event
    async def send_message(self, files: list[rx.UploadFile], body: str, visibility: str = "public"):
        """The thread's composer (every role that may write); the text stays on refusal."""
        self.is_sending = True
        yield
        uploads = await read_uploads(files)
        result = await self._act(incidents.post_message, self.case_id, str(body or ""), uploads,
                                 "internal" if visibility == "internal" else "public")
        self.thread_error, self.error, self.is_sending = self.error, "", False
        if result is not None:
            yield [rx.set_value("thread_body", ""), rx.clear_selected_files("thread_files")]
