"""``python -m pixmania_incidents deadlines``: JSON on stdout, one-line errors with status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pixmania_incidents", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def deadlines(*args: str) -> dict[str, str]:
    result = run("deadlines", *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_spec_example_defective_on_christmas_eve() -> None:
    out = deadlines("--type", "defective", "--opened", "2026-12-24T16:00:00+01:00")
    assert out == {
        "type": "defective",
        "opened_at": "2026-12-24T16:00:00+01:00",
        "response_target_at": "2026-12-25T16:00:00+01:00",
        "response_due_at": "2026-12-26T16:00:00+01:00",
        "resolution_due_at": "2026-12-29T23:59:59+01:00",
    }


def test_utc_input_is_shown_in_paris_and_counted_from_the_paris_day() -> None:
    out = deadlines("--type", "damaged", "--opened", "2026-06-12T22:30:00Z")
    assert out["opened_at"] == "2026-06-13T00:30:00+02:00"
    assert out["resolution_due_at"] == "2026-06-17T23:59:59+02:00"


def test_dst_response_and_calendar_options() -> None:
    out = deadlines("--type", "not_received", "--opened", "2026-03-27T22:30:00+01:00")
    assert out["response_due_at"] == "2026-03-29T23:30:00+02:00"
    # Fri 27: Sat 28, Mon 30, Tue 31, Wed 1, Thu 2, Fri 3, Sat 4 (ouvrables).
    assert out["resolution_due_at"] == "2026-04-04T23:59:59+02:00"
    ouvres = deadlines("--type", "not_received", "--opened", "2026-03-27T22:30:00+01:00", "--calendar", "ouvres")
    # Mon 30 … Fri 3, (Easter Monday 6), Tue 7, Wed 8.
    assert ouvres["resolution_due_at"] == "2026-04-08T23:59:59+02:00"
    alsace = deadlines(
        "--type", "not_received", "--opened", "2026-03-27T22:30:00+01:00", "--calendar", "ouvres", "--subdiv", "6AE"
    )
    assert alsace["resolution_due_at"] == "2026-04-09T23:59:59+02:00"  # Good Friday too


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--type", "lost", "--opened", "2026-12-24T16:00:00+01:00"], "unknown incident type 'lost'"),
        (["--type", "defective", "--opened", "2026-02-30T10:00:00+01:00"], "invalid ISO-8601"),
        (["--type", "defective", "--opened", "2026-12-24T16:00:00"], "no UTC offset"),
        (
            ["--type", "defective", "--opened", "2026-12-24T16:00:00+01:00", "--subdiv", "GES"],
            "unsupported subdivision 'GES'",
        ),
        (["--type", "defective", "--opened", "2026-12-24T16:00:00+01:00", "--calendar", "weekly"], "invalid choice"),
        (["--type", "defective"], "required"),
        (["--type", "defective", "--opened", "0001-01-01T00:00:00+01:00"], "out of range"),
        (["--type", "defective", "--opened", "0001-01-01T10:00:00Z"], "out of range"),
        (["--type", "defective", "--opened", "9999-12-31T16:00:00+01:00"], "out of range"),
        (["--type", "defective", "--opened", "9999-12-20T00:00:00Z"], "out of range"),
        (["--type", "defective", "--opened", "1969-12-31T12:00:00Z"], "out of range"),
        (["--type", "defective", "--opened", "2026-12-24T16:00:00+24:00"], "invalid ISO-8601"),
        (["--type", "defective", "--opened", "2026-12-24T16:00:00-25:30"], "invalid ISO-8601"),
    ],
)
def test_errors_exit_2_with_one_line(args: list[str], needle: str) -> None:
    result = run("deadlines", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert "Traceback" not in result.stderr


def test_the_last_supported_year_still_answers() -> None:
    out = deadlines("--type", "not_received", "--opened", "2999-12-30T16:00:00+01:00")
    assert out["resolution_due_at"].startswith("3000-01-")


def test_missing_or_unknown_command_exits_2() -> None:
    for args in ([], ["frobnicate"]):
        result = run(*args)
        assert result.returncode == 2
        assert len(result.stderr.splitlines()) == 1, result.stderr


def test_main_is_callable_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    from pixmania_incidents.cli import main

    assert main(["deadlines", "--type", "wrong_item", "--opened", "2026-10-23T15:00:00+02:00"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["resolution_due_at"] == "2026-10-27T23:59:59+01:00"
    assert main(["deadlines", "--type", "wrong_item", "--opened", "2026-10-23T15:00:00+02:00", "--subdiv", "99"]) == 2
    assert "unsupported subdivision" in capsys.readouterr().err
