"""The session gate (pixmania_incidents/shell/gate.py) on Reflex 0.10.1's own state machinery:
a tab follows one login session; once it is gone, the tab leaves its rooms, forgets its user
and lands on the login page, whatever event it sends, and a room's later changes no longer
reach it. Events are run the way Reflex's event processor runs them (the tab locked with its
rooms patched in, the gate first)."""

from __future__ import annotations

import asyncio

import pytest
import reflex as rx
from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken
from reflex_base.event import Event
from reflex_base.event.context import EventContext

from pixmania_incidents import live, reflex_fixes
from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.services import auth
from pixmania_incidents.services.common import Actor, ServiceError
from pixmania_incidents.shell import gate
from pixmania_incidents.shell.session import SessionState

TAB = "tab-1"
CAMILLE = auth.Identity(Actor(1, "customer", name="Camille Martin", email="client@demo.example.com"), False, 7)
LUCAS = auth.Identity(Actor(2, "customer", name="Lucas Bernard", email="client2@demo.example.com"), False, 8)
HYDRATE_AND_LOAD = f"{rx.State.get_name()}.hydrate_and_load"
CLICK = f"{IncidentPageState.get_full_name()}.dismiss"
ROOMS = {live.LiveRoom: live.user_token(1), live.IncidentRoom: live.incident_token(42)}


class Tabs:
    """One memory state manager, the sessions the database would know, the rooms each ended tab left."""

    def __init__(self, monkeypatch) -> None:
        self.manager = StateManagerMemory()
        self.live: dict[str, auth.Identity] = {}
        self.forgotten: list[tuple[str, dict[str, str]]] = []
        monkeypatch.setattr(gate.unit, "identify", lambda cookie: self.live.get(cookie))
        monkeypatch.setattr(gate.unit, "run_as", self._refuse)  # what the pages' vars read: no database here
        monkeypatch.setattr(live, "forget_tab", lambda tab, links: self.forgotten.append((tab, links)))
        # Reflex's fan-out of a room's change to the other tabs in it (an app's task in production).
        self.fanouts: list[set[str]] = []
        monkeypatch.setattr(
            reflex_fixes, "_do_update_other_tokens", lambda **kw: self.fanouts.append(kw["affected_tokens"])
        )

    @staticmethod
    def _refuse(*_args, **_kwargs):
        raise ServiceError("error.login_required")

    async def event(self, name: str, cookie: str | None, path: str = "/incidents/42", handler=None):
        """One event of the tab as Reflex's processor runs it; `handler(root)` when the gate lets it through."""
        headers = {"cookie": f"pixmania_session={cookie}"} if cookie else {}
        router_data = {"pathname": path, "asPath": path, "headers": headers, "token": TAB, "sid": "sid-1"}
        with EventContext(token=TAB, state_manager=self.manager, enqueue_impl=None, router_data=router_data):
            async with self.manager.modify_state_with_links(BaseStateToken(ident=TAB, cls=rx.State)) as root:
                root.router_data = root._update_router_vars(router_data, root.router_data)
                update = await gate.SessionGate().preprocess(app=None, state=root, event=Event(name=name))
                if update is None and handler is not None:
                    await handler(root)
                return update

    async def room(self, cls: type[rx.State], token: str) -> rx.State:
        with EventContext(token=token, state_manager=self.manager, enqueue_impl=None):
            return await (await self.manager.get_state(BaseStateToken(ident=token, cls=cls))).get_state(cls)


async def _open_case(root: rx.State) -> None:
    """What the incident page's load leaves in the tab: the user, the case, the case's room."""
    page = await root.get_state(IncidentPageState)
    page.user_name, page.user_email, page.user_role, page.case_id = (
        "Camille Martin",
        "client@demo.example.com",
        "customer",
        42,
    )
    room = await (await root.get_state(live.IncidentRoom))._link_to(live.incident_token(42))
    room.messages = [{"id": 1, "body": "Bonjour Camille"}]


def _names(update) -> list[str]:
    return [e.name for e in update.events]


def test_a_tab_follows_its_session_and_its_users_room_from_its_first_event(monkeypatch):
    async def scenario():
        tabs = Tabs(monkeypatch)
        tabs.live["sealed.a"] = CAMILLE
        assert await tabs.event(HYDRATE_AND_LOAD, "sealed.a", handler=_open_case) is None
        assert TAB in (await tabs.room(live.LiveRoom, live.user_token(1)))._linked_from
        assert TAB in (await tabs.room(live.IncidentRoom, live.incident_token(42)))._linked_from
        # The same session: every later event goes through untouched.
        assert await tabs.event(CLICK, "sealed.a") is None
        root = await tabs.manager.get_state(BaseStateToken(ident=TAB, cls=rx.State))
        assert (await root.get_state(live.TabState))._session_id == 7
        assert list(root._reflex_internal_links.values()) == [live.user_token(1), live.incident_token(42)]

    asyncio.run(scenario())


@pytest.mark.parametrize("name", [CLICK, f"{live.TabState.get_full_name()}.recheck"])
def test_a_tab_whose_session_ended_leaves_its_rooms_forgets_its_user_and_goes_to_login(monkeypatch, name):
    async def scenario():
        tabs = Tabs(monkeypatch)
        tabs.live["sealed.a"] = CAMILLE
        await tabs.event(HYDRATE_AND_LOAD, "sealed.a", handler=_open_case)
        ran = []

        async def handler(root):
            ran.append(root)

        del tabs.live["sealed.a"]  # logged out, expired, deactivated, password changed elsewhere...
        update = await tabs.event(name, "sealed.a", handler=handler)

        assert ran == []  # the event itself never ran
        assert _names(update) == [
            f"{rx.State.get_name()}.hydrate",
            "reflex___state____state.reflex___state____on_load_internal_state.set_is_hydrated",
            "_redirect",
        ]
        assert update.events[-1].payload["path"] == "/login?error=session_ended"
        links = {rx.State.get_class_substate(n): t for n, t in tabs.forgotten[0][1].items()}
        assert tabs.forgotten[0][0] == TAB and links == ROOMS
        root = await tabs.manager.get_state(BaseStateToken(ident=TAB, cls=rx.State))
        page = await root.get_state(IncidentPageState)
        assert (page.user_name, page.user_email, page.user_role, page.case_id) == ("", "", "", 0)
        assert (await root.get_state(SessionState)).user_name == ""
        assert not root._reflex_internal_links and (await root.get_state(live.TabState))._session_id is None
        # The tab's own view of the rooms is its private, empty copy again.
        assert (await root.get_state(live.IncidentRoom)).messages == []
        assert (await tabs.room(live.IncidentRoom, live.incident_token(42))).messages  # the room itself is intact

    asyncio.run(scenario())


def test_a_rooms_later_change_carries_nothing_to_the_tab_that_left_it(monkeypatch):
    async def scenario():
        tabs = Tabs(monkeypatch)
        tabs.live["sealed.a"] = CAMILLE
        await tabs.event(HYDRATE_AND_LOAD, "sealed.a", handler=_open_case)
        del tabs.live["sealed.a"]
        await tabs.event(CLICK, "sealed.a")
        room = BaseStateToken(ident=live.incident_token(42), cls=live.IncidentRoom)
        with EventContext(token=room.ident, state_manager=tabs.manager, enqueue_impl=None):
            async with tabs.manager.modify_state_with_links(room) as room_root:  # the seller writes
                (await room_root.get_state(live.IncidentRoom)).messages = [{"id": 2, "body": "Votre remboursement"}]
            # Reflex's fan-out of that change, had the room not forgotten the tab yet.
            changed = {live.IncidentRoom.get_full_name(): {"messages"}}
            async with tabs.manager.modify_state_with_links(BaseStateToken(ident=TAB, cls=rx.State), changed) as root:
                delta = await root._get_resolved_delta()
        assert "remboursement" not in str(delta) and "Bonjour" not in str(delta)

    asyncio.run(scenario())


def test_a_reload_after_the_end_runs_again_on_a_clean_tab_for_whoever_logs_in_next(monkeypatch):
    async def scenario():
        tabs = Tabs(monkeypatch)
        tabs.live["sealed.a"] = CAMILLE
        await tabs.event(HYDRATE_AND_LOAD, "sealed.a", handler=_open_case)
        del tabs.live["sealed.a"]
        tabs.live["sealed.b"] = LUCAS
        # The same client token reconnects with Lucas's cookie: the page load is run again afterwards.
        update = await tabs.event(HYDRATE_AND_LOAD, "sealed.b", path="/orders")
        assert _names(update) == [HYDRATE_AND_LOAD]
        root = await tabs.manager.get_state(BaseStateToken(ident=TAB, cls=rx.State))
        assert (await root.get_state(IncidentPageState)).user_name == ""
        # ...where Lucas's session binds the clean tab to his own room only.
        assert await tabs.event(HYDRATE_AND_LOAD, "sealed.b", path="/orders") is None
        assert dict(root._reflex_internal_links) == {live.LiveRoom.get_full_name(): live.user_token(2)}
        assert (await root.get_state(live.TabState))._session_id == 8

    asyncio.run(scenario())


def test_a_tab_that_never_had_a_session_is_not_checked(monkeypatch):
    async def scenario():
        tabs = Tabs(monkeypatch)
        monkeypatch.setattr(gate.unit, "identify", lambda cookie: pytest.fail("a visitor's event queried the database"))
        assert await tabs.event(CLICK, None, path="/login") is None

    asyncio.run(scenario())


def test_rooms_forget_the_tab_that_left_them(monkeypatch):
    """`live.forget_tab`'s work: one room at a time, so a room's next change is not even tried on the tab."""

    class App:
        def __init__(self, manager):
            self.modify_state = manager.modify_state_with_links

    async def scenario():
        tabs = Tabs(monkeypatch)
        tabs.live["sealed.a"] = CAMILLE
        await tabs.event(HYDRATE_AND_LOAD, "sealed.a", handler=_open_case)
        del tabs.live["sealed.a"]
        await tabs.event(CLICK, "sealed.a")
        with EventContext(token=TAB, state_manager=tabs.manager, enqueue_impl=None):
            await live._forget(App(tabs.manager), *tabs.forgotten[0])
        for cls, token in ROOMS.items():
            assert TAB not in (await tabs.room(cls, token))._linked_from

    asyncio.run(scenario())


def test_a_session_that_runs_out_ends_its_tabs_at_its_expiry_not_at_their_next_event(monkeypatch):
    """The expiry loop (tasks.py) wakes at the next expiry it knows of and tells those users' tabs."""
    from datetime import datetime, timedelta, timezone

    from pixmania_incidents import tasks

    start = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
    clock = [start]
    expiry = start + timedelta(seconds=3)
    told, naps = [], []

    def running_out(since, until):
        return ({1} if since < expiry <= until else set()), (expiry if until < expiry else None)

    async def end_sessions_now(user_ids):
        told.append((clock[0], set(user_ids)))

    async def nap(seconds):
        naps.append(seconds)
        clock[0] += timedelta(seconds=seconds)
        if len(naps) == 2:
            raise asyncio.CancelledError

    monkeypatch.setattr(tasks, "now", lambda: clock[0])
    monkeypatch.setattr(tasks, "sessions_running_out", running_out)
    monkeypatch.setattr(live, "end_sessions_now", end_sessions_now)
    monkeypatch.setattr(tasks.asyncio, "sleep", nap)
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(tasks.session_expiry_loop())
    assert naps[0] == 3  # asleep until the expiry it knew of, not a whole sweep period
    assert told == [(expiry, {1})]
