"""The files of deploy/ agree with the code and with each other. No container engine runs here (the `docker` on
this machine is a client without a daemon or compose), so the Containerfile and compose file are only read back:
YAML that parses, files they name that exist, the same commands as the systemd units. The recipe itself runs end
to end in tests/e2e/test_production_recipe.py."""

from __future__ import annotations

import importlib
import os
import re
import shlex
import subprocess

import pytest
import yaml

from pixmania_incidents import edge
from tests.recipe import (
    DEPLOY,
    ENV_EXAMPLE,
    NGINX_SITE,
    ROOT,
    TEMPLATE_VARIABLE,
    example_env,
    listed_variables,
    read_unit,
)

PACKAGE = ROOT / "pixmania_incidents"
#: How the package reads a variable: os.environ / os.getenv, and settings' numeric helpers.
READ = re.compile(r"""(?:os\.environ\.get|os\.getenv|os\.environ\[|_int|_number)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")
UNITS = ("pixmania.service", "pixmania-migrate.service", "pixmania-build.service")


def read_by_the_package() -> set[str]:
    files = [*PACKAGE.rglob("*.py"), ROOT / "rxconfig.py"]
    return {name for path in files for name in READ.findall(path.read_text())}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def containerfile() -> list[tuple[str, str]]:
    """(instruction, arguments), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Containerfile").read_text())
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


# --- the environment ---------------------------------------------------------------------------


def test_the_example_environment_lists_every_variable_the_app_reads():
    assert read_by_the_package() - listed_variables() == set()


def test_the_example_environment_lists_nothing_that_nobody_reads():
    compose_text = (DEPLOY / "compose.yaml").read_text()
    unknown = {
        name
        for name in listed_variables() - read_by_the_package()
        if not name.startswith(("GRANIAN_", "REFLEX_")) and f"${{{name}" not in compose_text
    }
    assert unknown == set()


def test_the_example_environment_is_what_systemd_can_read():
    for number, line in enumerate(ENV_EXAMPLE.read_text().splitlines(), 1):
        assert not line.startswith("export "), f"line {number}: systemd does not read `export`"
    assert example_env()["PORT"] == "8000"


# --- nginx -------------------------------------------------------------------------------------


def _nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_nginx_takes_exactly_the_uploads_the_app_takes():
    (size,) = re.findall(r"^\s*client_max_body_size\s+(\S+);", NGINX_SITE.read_text(), re.M)
    assert _nginx_size(size) == edge.UPLOAD_LIMIT


def test_the_nginx_template_documents_and_compose_fills_each_of_its_variables():
    text = NGINX_SITE.read_text()
    used = set(TEMPLATE_VARIABLE.findall(text))
    documented = set(re.findall(r"^#\s+([A-Z_]+)\s{2,}", text, re.M))
    assert used == documented
    nginx = compose()["services"]["nginx"]
    assert used <= set(nginx["environment"])
    assert "/etc/nginx/templates/" in " ".join(nginx["volumes"])


def test_the_websocket_location_inherits_the_forwarded_headers():
    """nginx drops every server-level proxy_set_header in a location that sets one of its own."""
    locations = re.findall(r"location\s+\S+\s*\{(.*?)\}", NGINX_SITE.read_text(), re.S)
    assert locations and not any("proxy_set_header" in body for body in locations)


# --- systemd -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_runs_programs_of_the_checkout_with_the_one_environment_file(name):
    unit = read_unit(name)
    assert unit.value("EnvironmentFile") == "/etc/pixmania/pixmania.env"
    assert unit.install_dir == "/opt/pixmania"
    env = {**example_env(), **unit.environment()}
    for key in ("ExecStartPre", "ExecStart", "ExecReload"):
        for index in range(len(unit.values(key))):
            program = unit.command(key, env, index, MAINPID="1")[0]
            assert os.access(program, os.X_OK), f"{name} {key}: {program}"


def test_the_app_unit_serves_the_production_entry_point():
    argv = read_unit("pixmania.service").command("ExecStart", example_env())
    module, attribute = argv[-1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert "--respawn-failed-workers" in argv and argv[argv.index("--port") + 1] == example_env()["PORT"]


def test_the_build_script_is_valid_shell():
    result = subprocess.run(["sh", "-n", str(DEPLOY / "build-frontend")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- containers --------------------------------------------------------------------------------


def test_the_compose_file_names_files_that_exist():
    services = compose()["services"]
    assert set(services) == {"db", "redis", "migrate", "app", "nginx"}
    build = services["migrate"]["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert context == ROOT and (context / build["dockerfile"]).is_file()
    for service in services.values():
        if "env_file" in service:
            assert (DEPLOY / f"{service['env_file']}.example").is_file()  # the operator's copy of it
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), volume


def test_the_containerfile_copies_files_that_exist_and_leaves_the_site_secrets_out():
    sources = []
    for instruction, arguments in containerfile():
        if instruction == "COPY" and "--from=" not in arguments:
            sources += [arg for arg in shlex.split(arguments)[:-1] if not arg.startswith("--")]
    assert sources and all((ROOT / source).exists() for source in sources), sources
    assert "deploy" not in sources and "." not in sources  # deploy/pixmania.env and certs/ never go in an image


def test_the_containers_run_the_units_commands():
    env = {**example_env(), "PORT": "8000"}
    unit = read_unit("pixmania.service")
    (cmd,) = [json_args for instruction, json_args in containerfile() if instruction == "CMD"]
    shell = yaml.safe_load(cmd)[-1]  # ["sh", "-c", "<check> && exec <granian>"]
    check, serve = (shlex.split(part.replace('"$PORT"', "8000")) for part in shell.split(" && exec "))
    installed = [arg.replace(str(ROOT), "/opt/pixmania") for arg in unit.command("ExecStartPre", env)]
    assert check == installed
    started = [arg.replace(str(ROOT), "/opt/pixmania") for arg in unit.command("ExecStart", env)]
    assert serve == [arg if arg != "127.0.0.1" else "0.0.0.0" for arg in started]
    migrate = read_unit("pixmania-migrate.service").command("ExecStart", env)
    assert compose()["services"]["migrate"]["command"] == [a.replace(str(ROOT), "/opt/pixmania") for a in migrate]
