"""Two fixes for Reflex 0.10.1's shared states (rooms), each a copy of one Reflex function
that differs from it where marked FIX.

1. A cancelled event must not leave a shared room locked.

`SharedStateBaseInternal._modify_linked_states` takes the lock of each room a tab is
linked to and patches the room into the tab's state tree *before* it enters the exit
stack that releases them. Reflex cancels a tab's hydrate and on_load events when its
socket disconnects (a reload, a URL typed in the same tab); a cancellation landing
while the patch resolves computed vars left the room locked for good, and every later
page of that user waited forever, showing an empty page. The copy below differs from
Reflex's in one place: a failure while patching closes the stack, which restores the
tab's tree and releases the locks.

2. An event must not recompute everything that reads a room. Every event of a linked tab
patches its rooms into the tree and swaps them out at the end, and the swap-out marked
every computed var reading the room dirty "to recompute them from the private copy"; so
the next event of that tab, whatever it was, recomputed (and re-queried, and re-sent)
every page var that reads a room. While the tab stays linked the swap-out changes nothing
the page shows (the room is swapped in again before anything is read, and changes made
by others arrive with their dirty vars), so the copy of `_patch_state` only marks them
when the room has been unlinked.

Each is applied only over the exact code it was written against (checked by hash): an
upgrade that changes Reflex's function is never silently replaced by a copy, and the app
refuses to start (`ReflexChanged`, raised when `live` is imported) rather than run without
the fix.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
from collections.abc import AsyncIterator
from importlib.metadata import version

from reflex.istate import shared
from reflex.istate.delta import _suppress_delta_recording
from reflex.istate.shared import SharedState, SharedStateBaseInternal, _do_update_other_tokens
from reflex.state import BaseState
from reflex_base.constants import ROUTER_DATA, ROUTER_VARS

_MODIFY_LINKED_STATES_SHA256 = "bdbdeccf3b8afa3ce791c0bec7f73e2ab7bf7d9a13af15833b4c040b7aa1833f"
_PATCH_STATE_SHA256 = "9c4918579a38d33fa4b9018d8d4e441111aeff83d879bf0b2821812e3fe58be3"


@contextlib.asynccontextmanager
async def _patch_state(original_state: BaseState, linked_state: BaseState, full_delta: bool = False):
    if (original_parent_state := original_state.parent_state) is None:
        msg = "Cannot patch root state as linked state."
        raise shared.ReflexRuntimeError(msg)

    state_name = original_state.get_name()
    original_parent_state.substates[state_name] = linked_state
    linked_parent_state = linked_state.parent_state
    linked_state.parent_state = original_parent_state
    try:
        if full_delta:
            linked_cls = type(linked_state)
            linked_state.dirty_vars.update(
                name for name, f in linked_cls.get_fields().items() if f._owner is linked_cls
            )
            linked_state.dirty_vars.update(linked_state.computed_vars)
            linked_state._mark_dirty()
        root_state = original_state._get_root_state()
        root_state.dirty_vars.update(ROUTER_VARS)
        root_state.dirty_vars.add(ROUTER_DATA)
        root_state._mark_dirty()
        with _suppress_delta_recording():
            await root_state._get_resolved_delta()
        yield
    finally:
        original_parent_state.substates[state_name] = original_state
        linked_state.parent_state = linked_parent_state
        # FIX: only a room that is no longer linked changes what its readers show.
        if original_state.get_full_name() not in (original_state._reflex_internal_links or {}):
            original_cls = type(original_state)
            original_state._mark_dirty_computed_vars(
                name for name, f in original_cls.get_fields().items() if f._owner is original_cls
            )


@contextlib.asynccontextmanager
async def _modify_linked_states(
    self: SharedStateBaseInternal, previous_dirty_vars: dict[str, set[str]] | None = None
) -> AsyncIterator[None]:
    holder = self._linked_locks_holder()
    if holder._exit_stack is not None:
        msg = "Cannot nest _modify_linked_states contexts."
        raise shared.ReflexRuntimeError(msg)
    if self._reflex_internal_links is None:
        msg = "No linked states to modify."
        raise shared.ReflexRuntimeError(msg)
    holder._exit_stack = exit_stack = contextlib.AsyncExitStack()
    holder._held_locks = {}
    current_dirty_vars: dict[str, set[str]] = {}
    affected_tokens: set[str] = set()
    try:
        try:
            for linked_state_name, linked_token in self._reflex_internal_links.items():
                linked_state_cls: type[SharedState] = self.get_root_state().get_class_substate(linked_state_name)  # type: ignore[assignment]
                try:
                    original_state = self._get_state_from_cache(linked_state_cls)
                except ValueError:
                    continue
                linked_state = await original_state._internal_patch_linked_state(linked_token)
                if previous_dirty_vars and (dv := previous_dirty_vars.get(linked_state_name)) is not None:
                    linked_state.dirty_vars.update(dv)
                    linked_state._mark_dirty()
        except BaseException:
            # FIX: release what was taken so far (room locks, patched tree) before leaving.
            await exit_stack.aclose()
            raise
        async with exit_stack:
            yield None
            for linked_state in self._held_locks_linked_states():
                if linked_state._previous_dirty_vars is not None:
                    current_dirty_vars[linked_state.get_full_name()] = set(linked_state._previous_dirty_vars)
                if linked_state._was_touched or linked_state._previous_dirty_vars is not None:
                    affected_tokens.update(
                        token for token in linked_state._linked_from if token != self.rx_router_session.client_token
                    )
            if not self._reflex_internal_links:
                shared_state_base_internal = await self.get_state(SharedStateBaseInternal)
                if not isinstance(shared_state_base_internal, SharedStateBaseInternal):
                    msg = "Expected SharedStateBaseInternal in substates."
                    raise shared.ReflexRuntimeError(msg)
                shared_state_base_internal._collect_shared_token_updates(affected_tokens, current_dirty_vars)
    finally:
        holder._exit_stack = None

    if previous_dirty_vars is None and affected_tokens:
        _do_update_other_tokens(
            affected_tokens=affected_tokens, previous_dirty_vars=current_dirty_vars, state_type=type(self)
        )


def _source_digest(fn) -> str:  # noqa: ANN001 - the wrapped method
    return hashlib.sha256(inspect.getsource(getattr(fn, "__wrapped__", fn)).encode()).hexdigest()


class ReflexChanged(RuntimeError):
    """The installed Reflex is not the code a fix was written against: the app must not start without it."""


def _install(owner, name: str, fixed, digest: str) -> None:  # noqa: ANN001 - a class or a module
    current = getattr(owner, "__dict__", {}).get(name, getattr(owner, name))
    if current is fixed:
        return
    if _source_digest(current) != digest:
        raise ReflexChanged(
            f"Reflex {version('reflex')} is installed, but pixmania_incidents/reflex_fixes.py patches Reflex 0.10.1's "
            f"{name} (its source changed). Install the locked versions (`make setup`), or port the fix to the new "
            "source and update its digest; the app does not start without it (rooms could stay locked for good)."
        )
    setattr(owner, name, fixed)


def apply() -> None:
    """Install both fixes once; `ReflexChanged` when the installed Reflex is not the one they fix."""
    _install(SharedStateBaseInternal, "_modify_linked_states", _modify_linked_states, _MODIFY_LINKED_STATES_SHA256)
    _install(shared, "_patch_state", _patch_state, _PATCH_STATE_SHA256)
