"""The production recipe of `deploy/`, read the way systemd, envsubst and compose read it, so that tests run
exactly what an operator installs: the units' command lines, the example environment file, the nginx site.
Paths under the units' install folder (/opt/pixmania) are mapped to this checkout."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from pixmania_incidents.cli import read_env_file

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "pixmania.env.example"
NGINX_SITE = DEPLOY / "nginx" / "pixmania.conf.template"
#: A template's ${NAME}, as envsubst and the nginx image fill them.
TEMPLATE_VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")
_LISTED = re.compile(r"^#?([A-Z_][A-Z0-9_]*)=", re.M)
_UNIT_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def example_env() -> dict[str, str]:
    """The example file's values, as systemd's EnvironmentFile= reads them (commented lines are defaults)."""
    return read_env_file(ENV_EXAMPLE)


def listed_variables(path: Path = ENV_EXAMPLE) -> set[str]:
    """Every variable the file names, set or shown commented with its default."""
    return set(_LISTED.findall(path.read_text()))


@dataclass
class Unit:
    """A systemd unit file: repeated keys keep every value, in order."""

    path: Path
    sections: dict[str, list[tuple[str, str]]]

    def values(self, key: str, section: str = "Service") -> list[str]:
        return [value for name, value in self.sections.get(section, []) if name == key]

    def value(self, key: str, section: str = "Service") -> str:
        (value,) = self.values(key, section)
        return value

    @property
    def install_dir(self) -> str:
        return self.value("WorkingDirectory")

    def environment(self) -> dict[str, str]:
        """Its Environment= assignments, paths mapped to this checkout."""
        out = {}
        for line in self.values("Environment"):
            for assignment in shlex.split(line):
                name, _, value = assignment.partition("=")
                out[name] = value.replace(self.install_dir, str(ROOT))
        return out

    def command(self, key: str, env: dict[str, str], index: int = 0, **special: str) -> list[str]:
        """One Exec…= line as systemd runs it: prefixes dropped, ${NAME} and $NAME replaced from `env` (and
        `special`, e.g. MAINPID), then split; the install folder mapped to this checkout."""
        line = self.values(key)[index].lstrip("-@+!:")
        known = {**env, **special}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            if name not in known:
                raise KeyError(f"{self.path.name}: {key} uses ${name}, which the environment does not set")
            return known[name]

        return [arg.replace(self.install_dir, str(ROOT)) for arg in shlex.split(_UNIT_VARIABLE.sub(replace, line))]


def read_unit(name: str) -> Unit:
    """systemd's syntax: [Section], Key=value, `#`/`;` comments, a trailing backslash continues the line."""
    path = DEPLOY / "systemd" / name
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = (pending + raw.strip()) if pending else raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"{path.name}: not a Key=value line: {line!r}")
        current.append((key.strip(), value.strip()))
    return Unit(path, sections)


def render(template: Path, values: dict[str, str]) -> str:
    """`envsubst` with the template's variables: every ${NAME} must be given."""
    text = template.read_text()
    missing = set(TEMPLATE_VARIABLE.findall(text)) - set(values)
    if missing:
        raise KeyError(f"{template.name} needs {sorted(missing)}")
    return TEMPLATE_VARIABLE.sub(lambda m: values[m.group(1)], text)
