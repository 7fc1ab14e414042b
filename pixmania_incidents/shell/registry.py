"""Pages declare themselves here; the app module adds them all.

`ROUTE_ROLES` is also what the server-side guard reads, so which role may open
which page is written once, next to the page itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import reflex as rx


@dataclass(frozen=True)
class PageSpec:
    route: str
    component: Callable[[], rx.Component]
    title: str
    roles: frozenset[str] | None  # None: public
    on_load: tuple[Any, ...] = field(default=())


PAGES: list[PageSpec] = []
ROUTE_ROLES: dict[str, frozenset[str] | None] = {}


def page(route: str, title: str, roles: Sequence[str] | None = None, on_load: Sequence[Any] = ()):
    """Register a page; `roles=None` makes it public, otherwise the guard runs first."""

    def register(fn: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        allowed = frozenset(roles) if roles is not None else None
        PAGES.append(PageSpec(route, fn, title, allowed, tuple(on_load)))
        ROUTE_ROLES[route] = allowed
        return fn

    return register


def roles_for(path: str) -> frozenset[str] | None:
    """Roles allowed on a concrete path such as /incidents/42 (dynamic segments match)."""
    if path in ROUTE_ROLES:
        return ROUTE_ROLES[path]
    parts = path.strip("/").split("/")
    for route, roles in ROUTE_ROLES.items():
        rparts = route.strip("/").split("/")
        if len(rparts) == len(parts) and all(r.startswith("[") or r == p for r, p in zip(rparts, parts)):
            return roles
    return frozenset()  # unknown path: nobody
