"""Resident memory of the app's backend with 500 connected clients (`backend_rss_mb_500`).

Measured by the propagation benchmark while its tabs are connected, side by side with the
blank app's backend; `python -m bench.memory` runs just that session with few samples.
"""

from __future__ import annotations

from typing import Any

from bench import propagation

FIGURES = ("backend_rss_mb_500",)


def run() -> dict[str, dict[str, Any]]:
    out = propagation.run_one(propagation.PAIRS, scaled=False, samples=5)
    return {"backend_rss_mb_500": propagation.figure("backend_rss_mb_500", out["rss"]["app"], "MB")}


if __name__ == "__main__":
    from bench.__main__ import report

    report(run())
