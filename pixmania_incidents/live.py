"""Live rooms: `rx.SharedState`s that carry a change signal to every open page.

A room holds only what is the same for everyone linked to it: a `tick` that moves
on every change (and, for an incident, the window of its latest public messages).
Each viewer's private page state reads the tick in an async computed var and
re-queries its own page through the services, so what differs per viewer (role,
filters, paging, locale) never travels through a shared var.

After a service call, handlers and background tasks call `push(...)` with the
rooms the change concerns; it works from an event handler, an API route or a
lifespan task, and through Redis across workers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import reflex as rx
from reflex_base.registry import RegistrationContext

log = logging.getLogger(__name__)


class IncidentRoom(rx.SharedState):
    """One per incident (`incident-<id>`): its parties and staff."""

    tick: int = 0


class ShopRoom(rx.SharedState):
    """One per shop (`shop-<id>`): the sellers' board."""

    tick: int = 0


class DeskRoom(rx.SharedState):
    """Customer service supervision (`desk`)."""

    tick: int = 0


class FlagRoom(rx.SharedState):
    """The product team's inbox (`flags`)."""

    tick: int = 0


class UserRoom(rx.SharedState):
    """One per user (`user-<id>`): the notification bell."""

    tick: int = 0


def incident_room(incident_id: int) -> tuple[type[rx.SharedState], str]:
    return IncidentRoom, f"incident-{incident_id}"


def shop_room(shop_id: int) -> tuple[type[rx.SharedState], str]:
    return ShopRoom, f"shop-{shop_id}"


def user_room(user_id: int) -> tuple[type[rx.SharedState], str]:
    return UserRoom, f"user-{user_id}"


DESK = (DeskRoom, "desk")
FLAGS = (FlagRoom, "flags")


def rooms_for_incident(incident_id: int, shop_id: int, user_ids: Iterable[int] = ()) -> list[tuple[type[rx.SharedState], str]]:
    """Every room a change to an incident shows in: its page, its shop's board,
    supervision, and the bells of the users it notified."""
    return [incident_room(incident_id), shop_room(shop_id), DESK, *(user_room(u) for u in set(user_ids))]


async def _bump(room_cls: type[rx.SharedState], token: str) -> None:
    app = RegistrationContext.get().app
    async with app.modify_state(rx.BaseStateToken(ident=token, cls=room_cls)) as root:
        room = await root.get_state(room_cls)
        room.tick += 1


async def push_now(rooms: Iterable[tuple[type[rx.SharedState], str]]) -> None:
    """Move every room's tick and wait until the change is delivered."""
    results = await asyncio.gather(*(_bump(cls, token) for cls, token in rooms), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            log.warning("live push failed: %r", result)


_PENDING: set[asyncio.Task] = set()


def push(rooms: Iterable[tuple[type[rx.SharedState], str]]) -> None:
    """Fire-and-forget `push_now`, so a handler never waits on other clients' locks."""
    task = asyncio.get_running_loop().create_task(push_now(list(rooms)))
    _PENDING.add(task)
    task.add_done_callback(_PENDING.discard)
