"""The two Reflex fixes of pixmania_incidents.reflex_fixes, on a tab linked to a room:
a page load cancelled by a reload must not leave the user's room locked (every later
page of that user would hang), and an event must not recompute what reads the room
when the room did not change (every event re-ran every page's queries)."""

import asyncio
import contextlib

import reflex as rx
from reflex.istate import shared
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex_base.event.context import EventContext

from pixmania_incidents.live import LiveRoom, user_token


async def _cancel_while_patching_room(monkeypatch) -> StateManagerMemory:
    manager = StateManagerMemory()
    tab = BaseStateToken(ident="tab-1", cls=LiveRoom)
    room = BaseStateToken(ident=user_token(1), cls=LiveRoom)
    with EventContext(token="tab-1", state_manager=manager, enqueue_impl=None):
        async with manager.modify_state(tab) as root:
            await root.get_state(LiveRoom)
            root._reflex_internal_links = {LiveRoom.get_full_name(): user_token(1)}

        patching = asyncio.Event()

        @contextlib.asynccontextmanager
        async def slow_patch(**_kwargs):
            # Resolving the tab's computed vars against the room: where the page load is cancelled.
            patching.set()
            await asyncio.sleep(3600)
            yield

        monkeypatch.setattr(shared, "_patch_state", slow_patch)

        async def page_load():
            async with manager.modify_state_with_links(tab):
                pass

        task = asyncio.create_task(page_load())
        await asyncio.wait_for(patching.wait(), 5)
        assert (await manager._get_state_lock(room)).locked()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return manager, room, tab


def test_a_cancelled_page_load_releases_the_users_room(monkeypatch):
    async def scenario():
        manager, room, tab = await _cancel_while_patching_room(monkeypatch)
        monkeypatch.undo()
        # The next page of that user gets the room at once, and the tab itself too.
        async with asyncio.timeout(2):
            async with manager.modify_state(room):
                pass
            async with manager.modify_state(tab):
                pass

    asyncio.run(scenario())


class RoomReader(rx.State):
    """A page var reading the room, as every live page has."""

    @rx.var
    async def seen(self) -> int:
        room = await self.get_state(LiveRoom)
        READS.append(room.tick)
        return room.tick


READS: list[int] = []


def test_events_of_a_linked_tab_recompute_room_readers_only_when_the_room_changed():
    async def event(manager, tab, changed: dict | None = None) -> dict:
        async with manager.modify_state_with_links(tab, previous_dirty_vars=changed) as root:
            if changed is None and not root._reflex_internal_links:
                await (await root.get_state(LiveRoom))._link_to(user_token(1))
            await root.get_state(RoomReader)
            delta = await root._get_resolved_delta()  # what the tab is sent, as Reflex does after a handler
            root._clean()
            return delta

    async def scenario():
        manager = StateManagerMemory()
        tab = BaseStateToken(ident="tab-2", cls=RoomReader)
        room = BaseStateToken(ident=user_token(1), cls=LiveRoom)
        with EventContext(token="tab-2", state_manager=manager, enqueue_impl=None):
            await event(manager, tab)  # the page load links the room and reads it
            READS.clear()
            quiet = await event(manager, tab)  # e.g. a click that changes nothing in the room
            assert READS == [] and RoomReader.get_full_name() not in quiet
            async with manager.modify_state(room) as room_root:  # someone else moves the room
                (await room_root.get_state(LiveRoom)).tick += 1
            moved = await event(manager, tab, {LiveRoom.get_full_name(): {"tick"}})  # its fan-out
            assert READS == [1] and moved[RoomReader.get_full_name()]["seen_rx_state_"] == 1

    asyncio.run(scenario())


def test_the_app_refuses_to_start_over_another_reflex(monkeypatch):
    """A fix written for 0.10.1's source is never silently skipped: importing the app fails, saying why."""
    import pytest

    from pixmania_incidents import reflex_fixes

    monkeypatch.setattr(reflex_fixes, "_PATCH_STATE_SHA256", "0" * 64)
    monkeypatch.setattr(shared, "_patch_state", lambda *a, **k: None)  # "a newer Reflex's" function
    with pytest.raises(reflex_fixes.ReflexChanged, match=r"patches Reflex 0\.10\.1's _patch_state"):
        reflex_fixes.apply()
