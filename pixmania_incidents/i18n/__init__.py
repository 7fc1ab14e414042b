"""The one string catalogue (French first, English second).

Strings live beside what says them: `i18n/strings_*.py` holds what the services say
(errors, e-mails, notifications) and the words every screen shares (states, roles,
deadlines); each area of the interface keeps its screens' strings in its own
`<area>/strings.py`. Every such module is a plain dict of key -> (fr, en) that imports
nothing, so reading them all here loads no interface code; `CATALOGUE` merges them and
refuses a key defined twice. Formatting money and dates is `pixmania_incidents.formats`.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from pkgutil import iter_modules

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
_PACKAGE = Path(__file__).resolve().parent.parent


def _string_modules() -> list[str]:
    """This package's `strings_*` modules, then every area's `strings` module."""
    own = [f"{__name__}.{m.name}" for m in iter_modules(__path__) if m.name.startswith("strings_")]
    areas = [
        f"{_PACKAGE.name}.{m.name}.strings"
        for m in iter_modules([str(_PACKAGE)])
        if m.ispkg and (_PACKAGE / m.name / "strings.py").is_file()
    ]
    return sorted(own) + sorted(areas)


def _load() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for name in _string_modules():
        strings: dict[str, tuple[str, str]] = import_module(name).STRINGS
        for key, pair in strings.items():
            if key in merged:
                raise RuntimeError(f"catalogue key defined twice: {key} ({name})")
            merged[key] = pair
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _load()


def norm_locale(locale: str | None) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


def tr(key: str, locale: str | None = DEFAULT_LOCALE, **params: object) -> str:
    """The string for `key` in `locale`, with `{name}` placeholders filled."""
    fr, en = CATALOGUE.get(key, (key, key))
    text = en if norm_locale(locale) == "en" else fr
    return text.format(**params) if params else text
