"""The configuration, checked before the app serves anyone: by the app itself (its first lifespan step, in
every worker) and by `python -m pixmania_incidents check-config` (which the systemd unit runs before starting
or reloading the workers).

Why: a wrong setting otherwise shows up late and far from its cause — every login refused as coming from the
wrong origin when PORT or the public URL is wrong, live updates lost between workers without Redis, workers
failing on a table a migration has not created yet, mail never leaving the server. Each problem is one line
naming the variable and the fix; any of them stops the start (exit status 2, the lines on stderr).
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from sqlmodel import Session

from pixmania_incidents import settings
from pixmania_incidents.services import demo, mail

PROG = "pixmania_incidents"
#: Values of the example files (deploy/) and well-known defaults: a secret equal to one was never set.
PLACEHOLDER_SECRETS = frozenset({"change-me", "changeme", "password", "secret", "postgres", "pixmania", "admin"})
#: Domains reserved for documentation (RFC 2606): mail from them is a default nobody replaced.
RESERVED_DOMAINS = ("example", "example.com", "example.net", "example.org", "test", "invalid")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_TRUE, _FALSE = ("1", "true", "yes"), ("", "0", "false", "no")
#: How long a check waits for the database or Redis before calling it unreachable.
CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class Problem:
    variable: str
    text: str

    def __str__(self) -> str:
        return f"{self.variable}: {self.text}"


# --- how users reach the app ---------------------------------------------------------------


def public_url_problems(
    public_url: str | None, port: int, proxies: Sequence[IPv4Network | IPv6Network], listening: Iterable[int] = ()
) -> list[Problem]:
    """`public_url`: PIXMANIA_PUBLIC_URL as set (None: unset, the app assumes http://localhost:PORT);
    `listening`: the ports this process really serves, when known."""
    url = (f"http://localhost:{port}" if public_url is None else public_url).rstrip("/")
    parts = urlsplit(url)
    try:
        url_port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        url_port = None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or url_port is None
        or parts.path
        or parts.query
        or parts.fragment
    ):
        return [
            Problem(
                "PIXMANIA_PUBLIC_URL",
                f"{url!r} is not an address users can type: give the scheme and "
                "the host, without a path, e.g. https://incidents.example.com",
            )
        ]
    problems = [
        Problem(
            "PORT",
            f"is {port} but the app listens on {served}: set PORT={served} (the app's own "
            "address and the origins it accepts are built from it)",
        )
        for served in sorted(set(listening))
        if served != port
    ]
    if proxies:
        if public_url is None:
            problems.append(
                Problem(
                    "PIXMANIA_PUBLIC_URL",
                    "is not set while PIXMANIA_TRUSTED_PROXIES is: users "
                    "reach the app through the proxy, so set it to the address they type, "
                    "e.g. https://incidents.example.com",
                )
            )
        elif parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
            problems.append(
                Problem(
                    "PIXMANIA_PUBLIC_URL",
                    f"{url} is plain http: passwords and login cookies "
                    "would cross the network in clear; serve it over https (deploy/nginx) and "
                    "write https://",
                )
            )
    elif parts.scheme == "https":
        problems.append(
            Problem(
                "PIXMANIA_TRUSTED_PROXIES",
                f"is empty but PIXMANIA_PUBLIC_URL is {url}, and the app "
                "itself serves plain HTTP: set it to the address of the HTTPS proxy in front "
                "(e.g. 127.0.0.1)",
            )
        )
    elif url_port != port:
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        problems.append(
            Problem(
                "PIXMANIA_PUBLIC_URL",
                f"{url} names port {url_port} but the app serves PORT={port} "
                f"with no proxy in front: write http://{host}:{port}, or set "
                "PIXMANIA_TRUSTED_PROXIES to the proxy's address",
            )
        )
    return problems


#: TCP states (linux/tcp_states.h) of a server's socket: listening, or bound and never connected.
_SERVER_STATES = (10, 7)


def served_ports() -> set[int]:
    """The TCP ports this process serves: its sockets that listen, or are bound and never connected (a granian
    worker holds its server's socket before listening on it); a connection, even one still connecting, is not
    counted. Empty where /proc/self/fd is missing."""
    ports: set[int] = set()
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        return ports
    for fd in fds:
        try:
            if not os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                continue
            sock = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] in _SERVER_STATES
            ):
                ports.add(sock.getsockname()[1])
        except OSError:
            pass
        finally:
            sock.detach()
    ports.discard(0)
    return ports


# --- workers and Redis ---------------------------------------------------------------------


def worker_problems(workers: str | None, redis_url: str | None) -> list[Problem]:
    """`workers`: GRANIAN_WORKERS, read by granian and by `reflex run` (which, unset, runs one worker without
    Redis and 2 × CPUs + 1, at most 8, with it)."""
    try:
        count = int(workers or "1")
    except ValueError:
        count = 0
    if count < 1:
        return [Problem("GRANIAN_WORKERS", f"{workers!r} is not a number of worker processes: write e.g. 3")]
    if count > 1 and not redis_url:
        return [
            Problem(
                "REFLEX_REDIS_URL",
                f"is not set while GRANIAN_WORKERS={count}: each worker would keep its "
                "own tabs and rooms, and a change made on one would never reach the pages of another; "
                "set REFLEX_REDIS_URL=redis://HOST:6379/0 (a database of its own) or GRANIAN_WORKERS=1",
            )
        ]
    return []


def redis_problems(redis_url: str | None) -> list[Problem]:
    if not redis_url:
        return []
    import redis

    try:
        client = redis.Redis.from_url(
            redis_url, socket_connect_timeout=CONNECT_TIMEOUT_S, socket_timeout=CONNECT_TIMEOUT_S
        )
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, ValueError, OSError) as exc:
        return [
            Problem(
                "REFLEX_REDIS_URL",
                f"cannot reach Redis at {_masked(redis_url)} ({_one_line(exc)}): start Redis or correct the URL",
            )
        ]
    return []


# --- the database --------------------------------------------------------------------------


def database_problems(db_url: str) -> list[Problem]:
    """Reachable, migrated to exactly the head of this release's `alembic/`, and not carrying the demo
    accounts on a public address."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    shown = _masked(db_url)
    url = sa.engine.make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return [
            Problem(
                "REFLEX_DB_URL",
                f"the database file {url.database} does not exist yet: run "
                "`reflex db migrate` (the pixmania-migrate unit) first",
            )
        ]
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S} if url.get_backend_name() == "postgresql" else {}
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool, connect_args=connect_args)
    try:
        try:
            with engine.connect() as conn:
                current = set(MigrationContext.configure(conn).get_current_heads())
        except sa.exc.SQLAlchemyError as exc:
            return [
                Problem(
                    "REFLEX_DB_URL",
                    f"cannot reach the database {shown} ({_one_line(exc.orig or exc)}): start it or correct the URL",
                )
            ]
        script = ScriptDirectory(str(settings.PROJECT_ROOT / "alembic"))
        heads = set(script.get_heads())
        known = {revision.revision for revision in script.walk_revisions()}
        needed = ", ".join(sorted(heads))
        if not current:
            return [
                Problem(
                    "REFLEX_DB_URL",
                    f"the database {shown} has no tables yet: run `reflex db migrate` "
                    "(the pixmania-migrate unit) before starting the workers",
                )
            ]
        if current - known:
            return [
                Problem(
                    "REFLEX_DB_URL",
                    f"the database {shown} is at revision {', '.join(sorted(current))}, "
                    f"which this release does not know (a newer release migrated it?): deploy that "
                    "release, or restore the database",
                )
            ]
        if current != heads:
            return [
                Problem(
                    "REFLEX_DB_URL",
                    f"the database {shown} is at revision {', '.join(sorted(current))} "
                    f"but this release needs {needed}: run `reflex db migrate` (the pixmania-migrate "
                    "unit) before starting the workers",
                )
            ]
        with Session(engine) as session:
            refusal = demo.start_refusal(session)
        return [Problem("PIXMANIA_ALLOW_DEMO", refusal)] if refusal else []
    finally:
        engine.dispose()


# --- mail and secrets ----------------------------------------------------------------------


def mail_problems(env: Mapping[str, str], public: bool) -> list[Problem]:
    """The relay of `services.mail.transport_from_env`; `public`: the app serves others than this machine."""
    host = env.get("PIXMANIA_SMTP_HOST", "")
    problems = []
    if not host:
        if public:
            problems.append(
                Problem(
                    "PIXMANIA_SMTP_HOST",
                    f"is not set: registration links, password resets and "
                    f"notifications would only be written to {settings.MAIL_DIR}; set it to "
                    "your mail relay",
                )
            )
    else:
        port = env.get("PIXMANIA_SMTP_PORT", "25")
        starttls = env.get("PIXMANIA_SMTP_STARTTLS", "").lower()
        if not port.isdigit() or not 0 < int(port) < 65536:
            problems.append(Problem("PIXMANIA_SMTP_PORT", f"{port!r} is not a port: write e.g. 587"))
        elif int(port) == 465:
            problems.append(
                Problem(
                    "PIXMANIA_SMTP_PORT",
                    "465 (TLS from the first byte) is not supported: use 587 with PIXMANIA_SMTP_STARTTLS=1",
                )
            )
        if starttls not in _TRUE + _FALSE:
            problems.append(Problem("PIXMANIA_SMTP_STARTTLS", f"{starttls!r} is neither 1 nor 0"))
        user, password = env.get("PIXMANIA_SMTP_USER", ""), env.get("PIXMANIA_SMTP_PASSWORD", "")
        if bool(user) != bool(password):
            missing = "PIXMANIA_SMTP_PASSWORD" if user else "PIXMANIA_SMTP_USER"
            problems.append(Problem(missing, "is not set while its pair is: the relay's login needs both"))
        elif user and starttls in _FALSE and host not in LOCAL_HOSTS:
            problems.append(
                Problem(
                    "PIXMANIA_SMTP_STARTTLS",
                    f"is off: the relay's password would cross the "
                    f"network to {host} in clear; set PIXMANIA_SMTP_STARTTLS=1",
                )
            )
    if _reserved(host):
        problems.append(Problem("PIXMANIA_SMTP_HOST", f"{host!r} is an example host: write your mail relay's"))
    if public:
        for variable, default in (("PIXMANIA_MAIL_FROM", mail.MAIL_FROM), ("PIXMANIA_MAIL_DOMAIN", mail.MAIL_DOMAIN)):
            value = env.get(variable, default)
            if _reserved(value.rstrip(">").rsplit("@", 1)[-1]):
                problems.append(Problem(variable, f"{value!r} is an example address: write one of your domain"))
    return problems


def _reserved(domain: str) -> bool:
    domain = domain.strip().lower()
    return any(domain == reserved or domain.endswith(f".{reserved}") for reserved in RESERVED_DOMAINS)


def secret_problems(env: Mapping[str, str]) -> list[Problem]:
    """The secrets the desk is given: the database's and Redis's passwords (in their URLs) and the mail relay's.
    (It has no signing key of its own: sessions are random tokens stored hashed.)"""
    secrets = {
        "REFLEX_DB_URL": _url_password(env.get("REFLEX_DB_URL", "")),
        "REFLEX_REDIS_URL": _url_password(env.get("REFLEX_REDIS_URL", "")),
        "PIXMANIA_SMTP_PASSWORD": env.get("PIXMANIA_SMTP_PASSWORD", ""),
    }
    return [
        Problem(
            variable,
            f"holds the password {value!r} of an example or a default: set a real one "
            "(e.g. `openssl rand -hex 24`), in the service as in the URL",
        )
        for variable, value in secrets.items()
        if value and value.lower() in PLACEHOLDER_SECRETS
    ]


# --- the built frontend --------------------------------------------------------------------


def frontend_problems() -> list[Problem]:
    """What `serve` mounts: a frontend built (`reflex export`, the pixmania-build unit) for this public URL."""
    import json

    from reflex.utils.prerequisites import get_web_dir
    from reflex_base import constants

    web = get_web_dir().resolve()
    try:
        built = json.loads((web / constants.Dirs.ENV_JSON).read_text())["EVENT"]
    except (OSError, ValueError, KeyError):
        built = None
    if built is None or not (web / constants.Dirs.STATIC / "index.html").is_file():
        return [
            Problem(
                "REFLEX_WEB_WORKDIR",
                f"no built frontend in {web}: build it (the pixmania-build unit, deploy/build-frontend)",
            )
        ]
    expected = constants.Endpoint.EVENT.get_url()
    if built != expected:
        return [
            Problem(
                "PIXMANIA_PUBLIC_URL",
                f"the frontend in {web} was built to reach {built}, not {expected}: "
                "build it again (the pixmania-build unit) after changing the public URL",
            )
        ]
    return []


# --- all of them ---------------------------------------------------------------------------


def problems(
    *, listening: Iterable[int] = (), frontend: bool = False, env: Mapping[str, str] = os.environ
) -> list[Problem]:
    """Every problem of this configuration; the cheap ones first, then those that need the network."""
    found = [
        *public_url_problems(env.get("PIXMANIA_PUBLIC_URL"), settings.PORT, settings.TRUSTED_PROXIES, listening),
        *worker_problems(env.get("GRANIAN_WORKERS"), settings.REDIS_URL),
        *secret_problems(env),
        *mail_problems(env, public=not settings.public_url_is_local()),
        *redis_problems(settings.REDIS_URL),
        *database_problems(settings.DB_URL),
    ]
    return [*found, *frontend_problems()] if frontend else found


def report(found: Sequence[Problem]) -> None:
    for problem in found:
        print(f"{PROG}: refusing to start: {problem}", file=sys.stderr)
    sys.stderr.flush()


def refuse(found: Sequence[Problem]) -> NoReturn:
    report(found)
    os._exit(2)  # SystemExit here would bury the lines under the server's lifespan traceback


def refuse_to_start_on_problems() -> None:
    """The app's first lifespan step, before the background loops (not an import-time check: `reflex db
    migrate` imports the app too)."""
    found = problems(listening=served_ports())
    if found:
        refuse(found)


# --- helpers -------------------------------------------------------------------------------


def _url_password(url: str) -> str:
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}{f':{parts.port}' if parts.port else ''}"
    return urlunsplit(parts._replace(netloc=netloc))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
