"""A page load cancelled by a reload must not leave the user's live room locked
(pixmania_incidents.reflex_fixes): otherwise every later page of that user hangs."""

import asyncio
import contextlib

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
