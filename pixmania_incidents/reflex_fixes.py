"""A fix for Reflex 0.10.1: a cancelled event must not leave a shared room locked.

`SharedStateBaseInternal._modify_linked_states` takes the lock of each room a tab is
linked to and patches the room into the tab's state tree *before* it enters the exit
stack that releases them. Reflex cancels a tab's hydrate and on_load events when its
socket disconnects (a reload, a URL typed in the same tab); a cancellation landing
while the patch resolves computed vars left the room locked for good, and every later
page of that user waited forever, showing an empty page. The copy below differs from
Reflex's in one place, marked FIX: a failure while patching closes the stack, which
restores the tab's tree and releases the locks.

Applied only over the exact code it was written against (checked by hash), so an
upgrade that changes the method is never silently replaced by this copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import logging
from collections.abc import AsyncIterator

from reflex.istate import shared
from reflex.istate.shared import SharedState, SharedStateBaseInternal, _do_update_other_tokens

log = logging.getLogger(__name__)

_PATCHED_SOURCE_SHA256 = "bdbdeccf3b8afa3ce791c0bec7f73e2ab7bf7d9a13af15833b4c040b7aa1833f"


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


def apply() -> bool:
    """Install the fix once; returns whether Reflex's method is (now) the fixed one."""
    current = SharedStateBaseInternal.__dict__["_modify_linked_states"]
    if current is _modify_linked_states:
        return True
    if _source_digest(current) != _PATCHED_SOURCE_SHA256:
        log.warning("Reflex's _modify_linked_states changed; pixmania_incidents.reflex_fixes not applied")
        return False
    SharedStateBaseInternal._modify_linked_states = _modify_linked_states
    return True
