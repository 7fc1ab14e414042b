"""When something fails that no service refused: say so once, in the user's language, with a
reference the server log also holds, and free whatever was waiting.

Why one place: an exception escaping an event handler (the database gone, a bug) used to end
in Reflex's English "An error occurred. Contact the website administrator." while the busy
flag the handler had set stayed on for good, and a page whose loading failed spun forever.
`on_backend_error` is the app's `backend_exception_handler`: it logs the traceback under a
short reference and sends the tab `FailureState.report`, which writes what failed and whether
anything was saved, clears every busy flag the states declared with `busy_flags`, and marks a
page still loading as failed: `loading()` then says so and loads it again by itself.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from reflex.state import BaseState, OnLoadInternalState
from reflex_base.event.context import EventContext

from pixmania_incidents.i18n import CATALOGUE, tr
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.text import t

log = logging.getLogger("pixmania.failure")

_PACKAGE = str(Path(__file__).resolve().parent.parent)
#: (state class, its busy flags): cleared by `FailureState.report` whatever the handler did.
_BUSY: list[tuple[type[BaseState], tuple[str, ...]]] = []
#: Per event (transaction id): the last service called, and whether a service committed a write.
_CALLS: OrderedDict[str, tuple[str, bool]] = OrderedDict()
_CALLS_KEPT = 10_000
#: Handlers that load a page: a failure there is "loading the page".
_LOADERS = frozenset({"load", "guard", "page_opened", "retry_load"})
RETRY_MS = 5000
#: A page still loading after this long says so and tries again (an error may not have reached it).
PATIENCE_MS = 10_000


def busy_flags(*names: str):
    """Class decorator: these booleans of the state (spinners, disabled buttons) are cleared
    after any unexpected error in the tab, so no form stays busy for good."""

    def register(cls: type[BaseState]) -> type[BaseState]:
        _BUSY.append((cls, names))
        return cls

    return register


def note_call(service: Callable[..., Any], saved: bool = False) -> None:
    """The event being handled calls `service` (`saved`: and it committed a write): an
    unexpected error later in the event then says what failed, and whether anything was saved."""
    try:
        txid = EventContext.get().txid
    except LookupError:
        return
    before = _CALLS.pop(txid, ("", False))
    _CALLS[txid] = (service.__name__, saved or before[1])
    while len(_CALLS) > _CALLS_KEPT:
        _CALLS.popitem(last=False)


def log_failure(exception: BaseException, where: str = "") -> str:
    """Log an unexpected error with its traceback under a new short reference; the reference."""
    reference = secrets.token_hex(3).upper()
    log.error("unexpected error %s in %s", reference, where or "?", exc_info=exception)
    return reference


def _handler_of(exception: BaseException) -> tuple[type[BaseState] | None, str]:
    """The state and the event handler (or computed var) the error failed in: the handler Reflex
    was running, else the first method of a state of this app the error went through."""
    found: tuple[type[BaseState] | None, str] = (None, "")
    tb = exception.__traceback__
    while tb is not None:
        frame, tb = tb.tb_frame, tb.tb_next
        registered = frame.f_locals.get("registered_handler")
        if registered is not None and getattr(registered, "states", None):
            return registered.states[0], registered.handler.fn.__name__
        owner = frame.f_locals.get("self")
        if not found[1] and isinstance(owner, BaseState) and frame.f_code.co_filename.startswith(_PACKAGE):
            found = (type(owner), frame.f_code.co_name)
    return found


def what_failed(owner: type[BaseState] | None, name: str, service: str) -> str:
    """The catalogue's words for what failed (`reliability.what.<key>`): the key."""
    if name in _LOADERS:
        return "load"
    if service and f"reliability.what.{service}" in CATALOGUE:
        return service
    if owner is not None and name in owner.computed_vars:
        return "view"
    return "action"


def on_backend_error(exception: Exception) -> EventSpec | None:
    """The app's `backend_exception_handler`: log with a reference, tell the tab."""
    owner, name = _handler_of(exception)
    reference = log_failure(exception, f"{owner.__name__}.{name}" if owner is not None else name)
    if owner is FailureState:
        return None  # telling the tab failed too: logged, never looped
    try:
        service, saved = _CALLS.get(EventContext.get().txid, ("", False))
    except LookupError:
        service, saved = "", False
    what = what_failed(owner, name, service)
    return FailureState.report(reference, what, saved and what != "load")


class FailureState(rx.State):
    """The tab's last unexpected error, and whether the page it happened on is still loading."""

    notice: str = ""
    reference: str = ""
    load_failed: bool = False

    @rx.event
    async def report(self, reference: str, what: str, saved: bool):
        """Only ever shows words of the catalogue to this tab, whatever the arguments."""
        locale = (await self.get_state(LocaleState)).locale
        what = str(what) if f"reliability.what.{what}" in CATALOGUE else "action"
        key = "reliability.failed_after_saving" if saved is True else "reliability.failed_nothing_saved"
        self.notice = tr(key, locale, what=tr(f"reliability.what.{what}", locale))
        self.reference = re.sub(r"[^0-9A-F]", "", str(reference).upper())[:8]
        self.load_failed = True
        for cls, names in _BUSY:
            state = await self.get_state(cls)
            for flag in names:
                setattr(state, flag, False)

    @rx.event
    def dismiss(self):
        self.notice = ""

    @rx.event
    def page_opened(self):
        """First of every page's loading events: what failed on another page is not this one's
        (the notice of an error met there goes too: the user has moved on)."""
        self.load_failed, self.notice = False, ""

    @rx.event
    def page_slow(self):
        """The page is still loading after a while: say so and try again (see `loading`)."""
        self.load_failed = True

    @rx.event
    def retry_load(self):
        """Run the page's loading events again (its on_load), as a navigation would; the page
        says so again if it fails again."""
        self.load_failed, self.notice = False, ""
        return OnLoadInternalState.on_load_internal


class _After(rx.Component):
    """Calls `on_time` once, `delay` ms after it appears (unless it is gone by then)."""

    library = "$/public/reliability.jsx"
    tag = "After"

    delay: rx.Var[int]
    on_time: rx.EventHandler[rx.event.no_args_event_spec]


def loaded(ready: rx.Var) -> rx.Var:
    """The page's own data is there (`ready`) and its loading events have all run. Until then
    a page shows `loading()`, never the previous page's form: a text typed into a case or an
    order line still on screen from before the navigation would be kept for the wrong one."""
    return ready.to(bool) & rx.State.is_hydrated


def loading() -> rx.Component:
    """In place of a page that is still loading: a spinner; once an error stopped the loading,
    or after `PATIENCE_MS` without it (a read that found the database gone reads as nothing),
    what happened, a button, and a new try every few seconds by itself."""
    return rx.center(
        rx.cond(
            FailureState.load_failed,
            rx.vstack(
                rx.callout(t("reliability.page_failed"), icon="cloud-off", color_scheme="orange", role="alert"),
                rx.cond(
                    FailureState.reference != "",
                    rx.text(
                        t("reliability.reference_label"), " ", FailureState.reference, size="1", color_scheme="gray"
                    ),
                ),
                rx.button(t("reliability.retry_now"), variant="soft", on_click=FailureState.retry_load),
                _After.create(delay=RETRY_MS, on_time=FailureState.retry_load),
                spacing="2",
                align="center",
            ),
            rx.fragment(rx.spinner(size="3"), _After.create(delay=PATIENCE_MS, on_time=FailureState.page_slow)),
        ),
        padding="3em",
        width="100%",
        data_testid="page-loading",
    )
