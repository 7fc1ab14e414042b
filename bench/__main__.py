"""`python -m bench` (`make bench`): every benchmark, a table, and bench/results.json.

Each module's `run()` returns {figure: {"value", "unit", "goal"}} measured side by side
with its own baseline; a module whose figures another one already measured (memory, by
the propagation session) is skipped. BENCH_ONLY=propagation,sweep runs a subset.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

MODULES = ("propagation", "memory", "page_load", "board", "sweep", "open_rate", "evidence", "audience", "analytics")
RESULTS = Path(__file__).resolve().parent / "results.json"
#: Figures where more is better; for the others the goal is a ceiling.
AT_LEAST = {"open_incident_per_s_sqlite", "open_incident_per_s_postgres"}


def met(name: str, figure: dict[str, Any]) -> bool:
    """A figure that could not be measured (value None) does not meet its goal."""
    value = figure["value"]
    if not isinstance(value, (int, float)):
        return False
    return value >= figure["goal"] if name in AT_LEAST else value <= figure["goal"]


def report(results: dict[str, dict[str, Any]]) -> None:
    print(f"\n{'figure':<34}{'value':>11}  {'unit':<5}{'goal':>9}  met")
    for name, f in results.items():
        goal = f"{'≥' if name in AT_LEAST else '≤'}{f['goal']}"
        print(f"{name:<34}{str(f['value']):>11}  {f['unit']:<5}{goal:>9}  {'yes' if met(name, f) else 'NO'}")


def main() -> int:
    only = {m.strip() for m in os.environ.get("BENCH_ONLY", "").split(",") if m.strip()}
    results: dict[str, dict[str, Any]] = json.loads(RESULTS.read_text()) if only and RESULTS.exists() else {}
    measured: set[str] = set()
    failed = []
    for name in MODULES:
        if only and name not in only:
            continue
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                continue
            raise
        if set(getattr(module, "FIGURES", ())) and set(module.FIGURES) <= measured:
            continue
        started = time.monotonic()
        try:
            figures = module.run()
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
            continue
        print(f"[{name}: {time.monotonic() - started:.0f} s]", file=sys.stderr)
        results.update(figures)
        measured.update(figures)
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    report(results)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
