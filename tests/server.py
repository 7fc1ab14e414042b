"""Start the real app (production build) in a subprocess, for integration, end-to-end
tests and benchmarks. Each server has its own data folder, database and web build
folder, so several can run side by side."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("PIXMANIA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PIXMANIA_TEST_REDIS", "redis://127.0.0.1:6379")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(data_dir: Path, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REFLEX_DB_URL", "REFLEX_REDIS_URL"}}
    env.update(
        PIXMANIA_DATA_DIR=str(data_dir),
        PORT=str(port),
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="0",
        PATH=f"{ROOT / '.tools' / 'node_modules' / '.bin'}:{BIN}:{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


def run_cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([str(BIN / "python"), "-m", "pixmania_incidents", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"cli {args} failed: {out.stderr[-2000:]}")
    return out.stdout


@dataclass
class AppServer:
    port: int
    data_dir: Path
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self, timeout: float = 600) -> "AppServer":
        subprocess.run([str(BIN / "reflex"), "db", "migrate"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True, timeout=300)
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [str(BIN / "reflex"), "run", "--env", "prod", "--single-port",
             "--frontend-port", str(self.port), "--backend-port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited early:\n{self.log_path.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=2) as r:
                    if r.status == 200 and self._frontend_ready():
                        return self
            except OSError:
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"app did not start in {timeout}s:\n{self.log_path.read_text()[-4000:]}")

    def _frontend_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None

    def kill(self) -> None:
        """Simulates a crash: no shutdown hooks."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


def make_server(tmp: Path, *, seed: bool = True, db_url: str | None = None, redis_url: str | None = None,
                workers: int = 1, extra_env: dict[str, str] | None = None) -> AppServer:
    """A server on a free port; `db_url`/`redis_url` switch it to PostgreSQL/Redis."""
    port = free_port()
    data_dir = tmp / f"app-{port}"
    data_dir.mkdir(parents=True, exist_ok=True)
    extra = {"REFLEX_WEB_WORKDIR": str(data_dir / "web"), "REFLEX_STATES_WORKDIR": str(data_dir / "states"),
             "PIXMANIA_MAIL_DIR": str(data_dir / "mail"), **(extra_env or {})}
    if db_url:
        extra["REFLEX_DB_URL"] = db_url
    if redis_url:
        extra["REFLEX_REDIS_URL"] = redis_url
        extra["GRANIAN_WORKERS"] = str(workers)
    _reuse_web_build(data_dir / "web")
    env = base_env(data_dir, port, extra)
    server = AppServer(port, data_dir, env)
    subprocess.run([str(BIN / "reflex"), "db", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    if seed:
        run_cli(env, "seed")
    return server


def _reuse_web_build(web_dir: Path) -> None:
    """Copy the project's installed frontend packages so each server skips `bun install`."""
    source = ROOT / ".web" / "node_modules"
    if source.is_dir() and not web_dir.exists():
        web_dir.mkdir(parents=True)
        shutil.copytree(source, web_dir / "node_modules", symlinks=True)
