"""Pages declare themselves here; the app module adds them all.

`ROUTE_ROLES` is also what the server-side guard reads, so which role may open
which page is written once, next to the page itself. This module imports no page
and no state: pages and the guard both read it.
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


def _params(route: str, path: str) -> dict[str, str] | None:
    """The `[name]` segments of `route` as they stand in `path`, or None when `path` is another route."""
    parts, rparts = path.strip("/").split("/"), route.strip("/").split("/")
    if len(parts) != len(rparts) or any(not r.startswith("[") and r != p for r, p in zip(rparts, parts, strict=True)):
        return None
    return {r.strip("[]"): p for r, p in zip(rparts, parts, strict=True) if r.startswith("[")}


def route_id(path: str, route: str) -> int:
    """The number a path such as /incidents/42 gives the route's one `[param]`; 0 when there is none."""
    value = next(iter((_params(route, path) or {}).values()), "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


def route_text(path: str, route: str) -> str:
    """The text a path gives the route's one `[param]` (e.g. a reset token); "" when there is none."""
    return next(iter((_params(route, path) or {}).values()), "")


def roles_for(path: str) -> frozenset[str] | None:
    """Roles allowed on a concrete path such as /incidents/42 (dynamic segments match)."""
    if path in ROUTE_ROLES:
        return ROUTE_ROLES[path]
    for route, roles in ROUTE_ROLES.items():
        if _params(route, path) is not None:
            return roles
    return frozenset()  # unknown path: nobody
