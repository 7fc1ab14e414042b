"""Issue 18: the app process itself refuses to start on a wrong configuration — exit status not 0, and the
problem as one line on its output, not buried in a traceback. (Each check: tests/unit/test_startup.py.)"""

from __future__ import annotations

import pytest

from tests.server import make_server

pytestmark = pytest.mark.integration


def test_several_workers_without_redis_stop_the_app(tmp_path):
    """`reflex run` with GRANIAN_WORKERS=3 and no Redis would give each worker its own tabs and rooms."""
    server = make_server(tmp_path, seed=False, extra_env={"GRANIAN_WORKERS": "3"})
    with pytest.raises(RuntimeError, match="app exited early"):
        server.start(timeout=400)
    assert server.proc.wait(timeout=60) != 0
    lines = server.log_path.read_text().splitlines()
    refusal = "pixmania_incidents: refusing to start: REFLEX_REDIS_URL: is not set while GRANIAN_WORKERS=3"
    assert any(line.startswith(refusal) for line in lines), lines[-20:]
    assert not any("Traceback" in line for line in lines)
