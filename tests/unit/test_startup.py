"""Issue 18: the configuration is checked before the app serves anyone (`pixmania_incidents.startup`), each problem
one line naming the variable and the fix; `python -m pixmania_incidents check-config` says the same, exit status 2.
(The app process refusing to start: tests/integration/test_startup.py.)"""

from __future__ import annotations

import ipaddress
import json
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlmodel import Session

from pixmania_incidents import settings, startup
from pixmania_incidents.cli import CliError, read_env_file
from pixmania_incidents.db import make_engine
from pixmania_incidents.seed import seed
from tests.conftest import ROOT, migrate
from tests.recipe import example_env
from tests.server import REDIS_URL, free_port

PROXY = (ipaddress.ip_network("127.0.0.1/32"),)


def variables(problems: list[startup.Problem]) -> list[str]:
    return [problem.variable for problem in problems]


# --- the public URL and the port -------------------------------------------------------------


def test_the_defaults_on_localhost_are_fine():
    assert startup.public_url_problems(None, 3000, (), listening=[3000]) == []
    assert startup.public_url_problems("http://localhost:3000/", 3000, ()) == []


def test_an_app_listening_on_another_port_than_PORT_is_refused():
    """The issue's case: PORT unset (3000) while the app served 8080, so every login came from the wrong origin."""
    (problem,) = startup.public_url_problems(None, 3000, (), listening=[8080])
    assert problem.variable == "PORT" and "set PORT=8080" in problem.text


def test_a_public_url_naming_another_port_without_a_proxy_is_refused():
    (problem,) = startup.public_url_problems("http://desk.pixmania.fr:3000", 8080, ())
    assert problem.variable == "PIXMANIA_PUBLIC_URL"
    assert "http://desk.pixmania.fr:8080" in problem.text and "PIXMANIA_TRUSTED_PROXIES" in problem.text


def test_https_needs_the_proxy_that_terminates_it():
    (problem,) = startup.public_url_problems("https://incidents.pixmania.fr", 8000, ())
    assert problem.variable == "PIXMANIA_TRUSTED_PROXIES" and "127.0.0.1" in problem.text
    assert startup.public_url_problems("https://incidents.pixmania.fr", 8000, PROXY, listening=[8000]) == []


def test_behind_a_proxy_the_public_url_must_be_set_and_https():
    (unset,) = startup.public_url_problems(None, 8000, PROXY)
    assert unset.variable == "PIXMANIA_PUBLIC_URL" and "is not set" in unset.text
    (plain,) = startup.public_url_problems("http://incidents.pixmania.fr", 8000, PROXY)
    assert plain.variable == "PIXMANIA_PUBLIC_URL" and "https" in plain.text


@pytest.mark.parametrize(
    "url",
    [
        "",
        "incidents.pixmania.fr",
        "https://incidents.pixmania.fr/desk",
        "ftp://x.fr",
        "https://incidents.pixmania.fr:99999",
    ],
)
def test_a_public_url_that_is_not_an_origin_is_refused(url):
    (problem,) = startup.public_url_problems(url, 8000, PROXY)
    assert problem.variable == "PIXMANIA_PUBLIC_URL" and "without a path" in problem.text


def test_the_ports_a_process_listens_on_are_found():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname()) as client:
            ports = startup.served_ports()
            assert server.getsockname()[1] in ports
            assert client.getsockname()[1] not in ports  # a connection is not a server


# --- workers and Redis -------------------------------------------------------------------------


def test_several_workers_need_redis():
    (problem,) = startup.worker_problems("3", None)
    assert problem.variable == "REFLEX_REDIS_URL" and "GRANIAN_WORKERS=3" in problem.text
    assert startup.worker_problems("3", "redis://127.0.0.1:6379/0") == []
    assert startup.worker_problems(None, None) == [] and startup.worker_problems("1", None) == []
    assert variables(startup.worker_problems("three", "redis://x")) == ["GRANIAN_WORKERS"]


def test_an_unreachable_redis_is_refused_with_its_password_hidden():
    (problem,) = startup.redis_problems(f"redis://:s3cret-pw@127.0.0.1:{free_port()}/0")
    assert problem.variable == "REFLEX_REDIS_URL" and "cannot reach Redis" in problem.text
    assert "s3cret-pw" not in problem.text and ":***@" in problem.text


def test_a_reachable_redis_is_fine():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert startup.redis_problems(REDIS_URL) == []


# --- the database ------------------------------------------------------------------------------


def _head_and_previous() -> tuple[str, str]:
    script = ScriptDirectory(str(ROOT / "alembic"))
    head = script.get_current_head()
    return head, script.get_revision(head).down_revision


def test_a_database_at_head_is_fine(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    migrate(url)
    assert startup.database_problems(url) == []


def test_a_database_behind_the_release_is_refused(tmp_path):
    head, previous = _head_and_previous()
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    migrate(url, previous)
    (problem,) = startup.database_problems(url)
    assert problem.variable == "REFLEX_DB_URL"
    assert f"at revision {previous} but this release needs {head}" in problem.text
    assert "reflex db migrate" in problem.text


def test_a_database_behind_is_refused_on_postgresql_too(pg_empty_url):
    _head, previous = _head_and_previous()
    migrate(pg_empty_url, previous)
    (problem,) = startup.database_problems(pg_empty_url)
    assert "reflex db migrate" in problem.text


def test_a_database_ahead_of_the_release_is_refused(tmp_path):
    path = tmp_path / "desk.db"
    migrate(f"sqlite:///{path}")
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alembic_version SET version_num = 'f00dcafe1234'")
    (problem,) = startup.database_problems(f"sqlite:///{path}")
    assert "f00dcafe1234" in problem.text and "does not know" in problem.text


def test_a_database_without_tables_or_without_its_file_is_refused(tmp_path):
    sqlite3.connect(tmp_path / "empty.db").close()
    (empty,) = startup.database_problems(f"sqlite:///{tmp_path / 'empty.db'}")
    assert "no tables yet" in empty.text
    (missing,) = startup.database_problems(f"sqlite:///{tmp_path / 'nowhere.db'}")
    assert "does not exist yet" in missing.text
    assert not (tmp_path / "nowhere.db").exists()  # the check does not create it


def test_an_unreachable_database_is_refused_with_its_password_hidden():
    (problem,) = startup.database_problems(f"postgresql+psycopg://desk:s3cret-pw@127.0.0.1:{free_port()}/desk")
    assert problem.variable == "REFLEX_DB_URL" and "cannot reach the database" in problem.text
    assert "s3cret-pw" not in problem.text


def test_the_demo_accounts_on_a_public_address_are_refused_with_the_other_checks(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed(session)
    engine.dispose()
    assert startup.database_problems(url) == []  # localhost
    monkeypatch.setattr(settings, "PUBLIC_URL", "https://incidents.pixmania.fr")
    (problem,) = startup.database_problems(url)
    assert problem.variable == "PIXMANIA_ALLOW_DEMO" and "PIXMANIA_ALLOW_DEMO=1" in problem.text
    monkeypatch.setattr(settings, "ALLOW_DEMO", True)
    assert startup.database_problems(url) == []


# --- mail and secrets --------------------------------------------------------------------------


def test_a_public_desk_needs_a_mail_relay_and_its_own_sender():
    public = startup.mail_problems({}, public=True)
    assert variables(public) == ["PIXMANIA_SMTP_HOST", "PIXMANIA_MAIL_FROM", "PIXMANIA_MAIL_DOMAIN"]
    assert startup.mail_problems({}, public=False) == []  # on localhost, mail written as files is the point
    ready = {
        "PIXMANIA_SMTP_HOST": "smtp.pixmania.fr",
        "PIXMANIA_SMTP_PORT": "587",
        "PIXMANIA_SMTP_STARTTLS": "1",
        "PIXMANIA_SMTP_USER": "desk",
        "PIXMANIA_SMTP_PASSWORD": "Kq7-long-and-random",
        "PIXMANIA_MAIL_FROM": "Pixmania <incidents@pixmania.fr>",
        "PIXMANIA_MAIL_DOMAIN": "pixmania.fr",
    }
    assert startup.mail_problems(ready, public=True) == []


@pytest.mark.parametrize(
    ("change", "variable", "words"),
    [
        ({"PIXMANIA_SMTP_PASSWORD": ""}, "PIXMANIA_SMTP_PASSWORD", "needs both"),
        ({"PIXMANIA_SMTP_STARTTLS": "0"}, "PIXMANIA_SMTP_STARTTLS", "in clear"),
        ({"PIXMANIA_SMTP_STARTTLS": "on"}, "PIXMANIA_SMTP_STARTTLS", "neither 1 nor 0"),
        ({"PIXMANIA_SMTP_PORT": "465"}, "PIXMANIA_SMTP_PORT", "587"),
        ({"PIXMANIA_SMTP_PORT": "smtp"}, "PIXMANIA_SMTP_PORT", "not a port"),
        ({"PIXMANIA_SMTP_HOST": "smtp.example.com"}, "PIXMANIA_SMTP_HOST", "example host"),
    ],
)
def test_incomplete_mail_relay_settings_are_refused(change, variable, words):
    env = {
        "PIXMANIA_SMTP_HOST": "smtp.pixmania.fr",
        "PIXMANIA_SMTP_PORT": "587",
        "PIXMANIA_SMTP_STARTTLS": "1",
        "PIXMANIA_SMTP_USER": "desk",
        "PIXMANIA_SMTP_PASSWORD": "Kq7-long-and-random",
        **change,
    }
    (problem,) = startup.mail_problems(env, public=False)
    assert problem.variable == variable and words in problem.text


def test_default_secrets_are_refused():
    env = {
        "REFLEX_DB_URL": "postgresql+psycopg://pixmania:change-me@db/pixmania",
        "REFLEX_REDIS_URL": "redis://:password@127.0.0.1:6379/0",
        "PIXMANIA_SMTP_PASSWORD": "changeme",
    }
    assert variables(startup.secret_problems(env)) == ["REFLEX_DB_URL", "REFLEX_REDIS_URL", "PIXMANIA_SMTP_PASSWORD"]
    real = {
        "REFLEX_DB_URL": "postgresql+psycopg://pixmania:Zt4u9Qe2@db/pixmania",
        "REFLEX_REDIS_URL": "redis://127.0.0.1:6379/0",
        "PIXMANIA_SMTP_PASSWORD": "Kq7-long-and-random",
    }
    assert startup.secret_problems(real) == []


def test_the_example_environment_cannot_start_as_shipped():
    """Every placeholder of deploy/pixmania.env.example is caught: a copy nobody edited never serves."""
    example = example_env()
    found = startup.secret_problems(example) + startup.mail_problems(example, public=True)
    assert set(variables(found)) >= {
        "REFLEX_DB_URL",
        "PIXMANIA_SMTP_PASSWORD",
        "PIXMANIA_SMTP_HOST",
        "PIXMANIA_MAIL_FROM",
        "PIXMANIA_MAIL_DOMAIN",
    }


# --- the built frontend ------------------------------------------------------------------------


def test_a_frontend_built_for_another_address_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("REFLEX_WEB_WORKDIR", str(tmp_path))
    (missing,) = startup.frontend_problems()
    assert missing.variable == "REFLEX_WEB_WORKDIR" and "no built frontend" in missing.text
    (tmp_path / "build" / "client").mkdir(parents=True)
    (tmp_path / "build" / "client" / "index.html").write_text("<html></html>")
    ws_url = settings.PUBLIC_URL.replace("http", "ws", 1) + "/_event"
    (tmp_path / "env.json").write_text(json.dumps({"EVENT": "wss://old.pixmania.fr/_event"}))
    (stale,) = startup.frontend_problems()
    assert stale.variable == "PIXMANIA_PUBLIC_URL" and "wss://old.pixmania.fr/_event" in stale.text
    (tmp_path / "env.json").write_text(json.dumps({"EVENT": ws_url}))
    assert startup.frontend_problems() == []


# --- the command line --------------------------------------------------------------------------


def check_config(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`check-config --env-file` in a process of its own (settings are read once, at import)."""
    env_file = tmp_path / "pixmania.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in env.items()))
    return subprocess.run(
        [sys.executable, "-m", "pixmania_incidents", "check-config", "--env-file", str(env_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )


def test_check_config_says_ok_for_a_sound_configuration(tmp_path):
    migrate(f"sqlite:///{tmp_path / 'pixmania.db'}")
    result = check_config(tmp_path, PIXMANIA_DATA_DIR=str(tmp_path), PORT="3000")
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "configuration OK", "")


def test_check_config_prints_one_line_per_problem_and_exits_2(tmp_path):
    migrate(f"sqlite:///{tmp_path / 'pixmania.db'}")
    result = check_config(
        tmp_path,
        PIXMANIA_DATA_DIR=str(tmp_path),
        PORT="8000",
        GRANIAN_WORKERS="3",
        PIXMANIA_PUBLIC_URL="https://incidents.pixmania.fr",
        PIXMANIA_SMTP_HOST="smtp.pixmania.fr",
        PIXMANIA_SMTP_PASSWORD="change-me",
    )
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split(": ")[2] for line in lines] == [
        "PIXMANIA_TRUSTED_PROXIES",
        "REFLEX_REDIS_URL",
        "PIXMANIA_SMTP_PASSWORD",
        "PIXMANIA_SMTP_USER",
        "PIXMANIA_MAIL_FROM",
        "PIXMANIA_MAIL_DOMAIN",
    ]
    assert all(line.startswith("pixmania_incidents: refusing to start: ") for line in lines)


def test_a_setting_that_does_not_parse_is_one_line_too(tmp_path):
    result = check_config(tmp_path, PORT="80OO")
    assert result.returncode == 2
    assert result.stderr.strip() == "pixmania_incidents: error: PORT='80OO' is not a number"
    result = check_config(tmp_path, PIXMANIA_TRUSTED_PROXIES="10.0.0.0/33")
    assert result.stderr.startswith("pixmania_incidents: error: PIXMANIA_TRUSTED_PROXIES: ")
    assert "Traceback" not in result.stderr


def test_environment_files_are_read_as_systemd_reads_them(tmp_path):
    path = tmp_path / "pixmania.env"
    path.write_text(
        "# a comment\n\nPIXMANIA_MAIL_FROM=Pixmania Incidents <no-reply@pixmania.fr>\n"
        'PIXMANIA_SMTP_PASSWORD="quoted value"\nEMPTY=\n'
    )
    assert read_env_file(path) == {
        "PIXMANIA_MAIL_FROM": "Pixmania Incidents <no-reply@pixmania.fr>",
        "PIXMANIA_SMTP_PASSWORD": "quoted value",
        "EMPTY": "",
    }
    path.write_text("export PORT=8000\n")
    with pytest.raises(CliError, match="pixmania.env:1"):
        read_env_file(path)
