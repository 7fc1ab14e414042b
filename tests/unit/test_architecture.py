"""The layers and areas hold: the contract in pyproject.toml passes, and it fails on a wrong import.

Also: every package the code imports is declared, and the catalogue's string modules stay data
(the catalogue imports them without loading any screen).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "pixmania_incidents"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The package and its contract, copied where a test may break them."""
    tree = tmp_path_factory.mktemp("architecture")
    shutil.copytree(PKG, tree / "pixmania_incidents", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_contract_holds(copy):
    result = _lint(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("customer/orders.py", "from pixmania_incidents.seller import board_state", "pixmania_incidents.customer"),
        ("lifecycle.py", "from pixmania_incidents import models", "pixmania_incidents.lifecycle"),
        ("services/board.py", "from pixmania_incidents.shell import session", "pixmania_incidents.services"),
        ("desk/trends_state.py", "from pixmania_incidents.models import Incident", "pixmania_incidents.desk"),
    ],
)
def test_a_wrong_import_breaks_the_contract(copy, module, line, broken):
    target = copy / "pixmania_incidents" / module
    original = target.read_text()
    try:
        target.write_text(original + f"\n{line}  # noqa: E402, F401\n")
        result = _lint(copy)
    finally:
        target.write_text(original)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and broken in result.stdout, result.stdout


def _imported_top_levels(paths: list[Path]) -> set[str]:
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"pixmania_incidents", "tests", "bench", "blank_app", "__future__"}


def _declared(requirements: list[str]) -> set[str]:
    return {
        r.split("[")[0].split("<")[0].split(">")[0].split("=")[0].split(";")[0].strip().lower().replace("_", "-")
        for r in requirements
    }


def test_every_imported_package_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _declared(project["dependencies"])
    everything = runtime | _declared(project["optional-dependencies"]["test"])
    distributions = packages_distributions()

    def missing(paths: list[Path], declared: set[str]) -> set[str]:
        return {
            name
            for name in _imported_top_levels(paths)
            if not {d.lower().replace("_", "-") for d in distributions.get(name, [name])} & declared
        }

    assert missing(list(PKG.rglob("*.py")), runtime) == set()
    assert missing([*ROOT.glob("tests/**/*.py"), *ROOT.glob("bench/*.py")], everything) == set()


def test_string_modules_are_data():
    """The catalogue imports every `strings` module and area `__init__`: they must load no screen."""
    modules = [
        *PKG.glob("*/strings.py"),
        *PKG.glob("i18n/strings_*.py"),
        *(p / "__init__.py" for p in PKG.iterdir() if (p / "strings.py").is_file()),
    ]
    assert len(modules) > 10
    for path in modules:
        imports = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Import | ast.ImportFrom)]
        assert not imports, path
