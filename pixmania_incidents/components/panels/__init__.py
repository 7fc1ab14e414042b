"""Role panels of the incident page: each module registers what its role sees and
does beside the shared case view (thread, timeline, countdowns)."""

from collections.abc import Callable
from importlib import import_module
from pkgutil import iter_modules

import reflex as rx

PANELS: dict[str, Callable[[], rx.Component]] = {}


def panel(*roles: str):
    def register(fn: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        for role in roles:
            PANELS[role] = fn
        return fn

    return register


def load_panels() -> dict[str, Callable[[], rx.Component]]:
    for info in iter_modules(__path__):
        import_module(f"{__name__}.{info.name}")
    return PANELS
