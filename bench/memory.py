"""Resident memory of the app's backend with 500 connected clients (`backend_rss_mb_500`).

Measured by the propagation benchmark while its tabs are connected, side by side with the
blank app's backend; `python -m bench.memory` runs just that session with few samples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.server import AppServer, backend_pids

FIGURES = ("backend_rss_mb_500",)


def rss_mb(server: AppServer) -> float:
    """Sum of VmRSS over the server's process tree (supervisor and granian workers)."""
    total_kb = 0
    for pid in backend_pids(server):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total_kb / 1024


def run() -> dict[str, dict[str, Any]]:
    from bench import propagation

    out = propagation.run_one(propagation.PAIRS, scaled=False, samples=5)
    return {"backend_rss_mb_500": propagation.figure("backend_rss_mb_500", out["rss"]["app"], "MB")}


if __name__ == "__main__":
    from bench.__main__ import report

    report(run())
