"""Start the real app (production build) in a subprocess, for integration, end-to-end
tests and benchmarks. Each server has its own data folder, database and web build
folder, so several can run side by side."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_ENV_DB = os.environ.get("REFLEX_DB_URL", "")
PG_ADMIN_URL = os.environ.get("PIXMANIA_TEST_PG") or (
    _ENV_DB if _ENV_DB.startswith("postgresql") else "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("PIXMANIA_TEST_REDIS") or os.environ.get("REFLEX_REDIS_URL") or "redis://127.0.0.1:6379"
#: Workers of a scaled server: enough that connections through one port land on different ones.
SCALED_WORKERS = 3


def scaled_wanted() -> bool:
    """CI, or a PostgreSQL and a Redis named explicitly: also run the scaled variants."""
    explicit_pg = bool(os.environ.get("PIXMANIA_TEST_PG")) or _ENV_DB.startswith("postgresql")
    explicit_redis = bool(os.environ.get("PIXMANIA_TEST_REDIS") or os.environ.get("REFLEX_REDIS_URL"))
    return os.environ.get("CI", "").lower() == "true" or (explicit_pg and explicit_redis)


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
    out = subprocess.run(
        [str(BIN / "python"), "-m", "pixmania_incidents", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if out.returncode != 0:
        raise RuntimeError(f"cli {args} failed: {out.stderr[-2000:]}")
    return out.stdout


@dataclass
class AppServer:
    port: int
    data_dir: Path
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    #: Another Reflex app (the benchmarks' blank baseline) runs from its own folder, unmigrated.
    app_dir: Path = ROOT
    migrate: bool = True
    health_path: str = "/api/health"
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def db_url(self) -> str:
        """The database the server uses, for tests that read or prepare it directly."""
        return self.env.get("REFLEX_DB_URL") or f"sqlite:///{self.data_dir / 'pixmania.db'}"

    def start(self, timeout: float = 600) -> "AppServer":
        if self.migrate:
            subprocess.run(
                [str(BIN / "reflex"), "db", "migrate"],
                cwd=self.app_dir,
                env=self.env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [
                str(BIN / "reflex"),
                "run",
                "--env",
                "prod",
                "--single-port",
                "--frontend-port",
                str(self.port),
                "--backend-port",
                str(self.port),
            ],
            cwd=self.app_dir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited early:\n{self.log_path.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}{self.health_path}", timeout=2) as r:
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


@contextmanager
def pg_database(prefix: str = "pixmania_ci", admin_url: str = PG_ADMIN_URL) -> Iterator[str]:
    """A database of our own on the PostgreSQL server, dropped afterwards."""
    import sqlalchemy as sa

    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


_CLAIM_KEY = "pixmania:test-claim"


@contextmanager
def redis_database(base_url: str = REDIS_URL, hours: int = 4) -> Iterator[str]:
    """A Redis database number of our own (Reflex has no key prefix), flushed afterwards.

    Claimed with SET NX on a marker key, so concurrent runs on one Redis never share
    rooms; the claim expires by itself if a run dies."""
    import redis

    parts = urllib.parse.urlsplit(base_url)
    tag = secrets.token_hex(8)
    for number in range(15, 0, -1):
        url = urllib.parse.urlunsplit(parts._replace(path=f"/{number}"))
        client = redis.Redis.from_url(url)
        if client.set(_CLAIM_KEY, tag, nx=True, ex=hours * 3600) and client.dbsize() == 1:
            break
        if client.get(_CLAIM_KEY) == tag.encode():
            client.delete(_CLAIM_KEY)
        client.close()
    else:
        raise RuntimeError(f"no free Redis database on {base_url}")
    try:
        yield url
    finally:
        if client.get(_CLAIM_KEY) == tag.encode():
            client.flushdb()
        client.close()


def make_server(
    tmp: Path,
    *,
    seed: bool = True,
    db_url: str | None = None,
    redis_url: str | None = None,
    workers: int = 1,
    extra_env: dict[str, str] | None = None,
) -> AppServer:
    """A server on a free port; `db_url`/`redis_url` switch it to PostgreSQL/Redis."""
    port = free_port()
    data_dir = tmp / f"app-{port}"
    data_dir.mkdir(parents=True, exist_ok=True)
    extra = {
        "REFLEX_WEB_WORKDIR": str(data_dir / "web"),
        "REFLEX_STATES_WORKDIR": str(data_dir / "states"),
        "PIXMANIA_MAIL_DIR": str(data_dir / "mail"),
        **(extra_env or {}),
    }
    if db_url:
        extra["REFLEX_DB_URL"] = db_url
    if redis_url:
        extra["REFLEX_REDIS_URL"] = redis_url
        extra["GRANIAN_WORKERS"] = str(workers)
    _reuse_web_build(data_dir / "web")
    env = base_env(data_dir, port, extra)
    server = AppServer(port, data_dir, env)
    subprocess.run(
        [str(BIN / "reflex"), "db", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
    )
    if seed:
        run_cli(env, "seed")
    return server


def _reuse_web_build(web_dir: Path) -> None:
    """Copy the project's installed frontend packages so each server skips `bun install`."""
    source = ROOT / ".web" / "node_modules"
    if source.is_dir() and not web_dir.exists():
        web_dir.mkdir(parents=True)
        shutil.copytree(source, web_dir / "node_modules", symlinks=True)


@contextmanager
def scaled_server(
    tmp: Path, *, workers: int = SCALED_WORKERS, seed: bool = True, extra_env: dict[str, str] | None = None
) -> Iterator[AppServer]:
    """A started server on a fresh PostgreSQL database and Redis database with several
    workers; everything it created is dropped on exit."""
    with pg_database() as db_url, redis_database() as redis_url:
        server = make_server(tmp, seed=seed, db_url=db_url, redis_url=redis_url, workers=workers, extra_env=extra_env)
        try:
            yield server.start()
        finally:
            server.stop()


def backend_pids(server: AppServer) -> list[int]:
    """The server's process tree (supervisor and workers), from /proc."""
    if server.proc is None:
        return []
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [server.proc.pid]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


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


def connection_owners(server: AppServer) -> dict[int, int]:
    """Client port -> pid of the server process holding that established connection:
    shows which worker serves which websocket."""
    wanted = f":{server.port:04X}"
    by_inode: dict[str, int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[1].endswith(wanted) and cols[3] == "01":
                by_inode[cols[9]] = int(cols[2].rsplit(":", 1)[1], 16)
    out: dict[int, int] = {}
    for pid in backend_pids(server):
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(fd)
            except OSError:
                continue
            if link.startswith("socket:[") and link[8:-1] in by_inode:
                out[by_inode[link[8:-1]]] = pid
    return out
