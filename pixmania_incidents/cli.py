"""Command-line entry: ``python -m pixmania_incidents COMMAND ...``.

Why: deadlines must be checkable without the app (support answering "when is this due?",
scripts, tests). Errors are one line on stderr with exit status 2, never a traceback.
Add a command by writing ``_add_<name>(subparsers)`` that registers a subparser with
``set_defaults(handler=...)`` and listing it in ``COMMANDS`` (``seed`` and ``sweep`` go there).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from .calendar import CALENDAR_KINDS, PARIS, SUPPORTED_YEARS, BusinessCalendar, CalendarError
from .deadlines import deadlines_for
from .policy import IncidentType, UnknownType, type_policy

PROG = "pixmania_incidents"
USAGE_ERROR = 2


class CliError(Exception):
    """A user error: reported as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line (no usage dump), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


# --- argument types ----------------------------------------------------------------------


def _incident_type(value: str) -> IncidentType:
    try:
        return type_policy(value).code
    except UnknownType as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _aware_instant(value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid ISO-8601 instant {value!r}") from None
    if instant.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"instant {value!r} has no UTC offset (e.g. 2026-12-24T16:00:00+01:00 or ...Z)"
        )
    try:
        year = instant.astimezone(PARIS).year
    except OverflowError:  # year 1 or 9999 pushed past the calendar by its offset
        year = None
    if year not in SUPPORTED_YEARS:
        raise argparse.ArgumentTypeError(
            f"instant {value!r} is out of range (years {SUPPORTED_YEARS[0]} to {SUPPORTED_YEARS[-1]} in Paris)"
        )
    return instant


def _paris_iso(instant: datetime) -> str:
    return instant.astimezone(PARIS).isoformat()


# --- commands ----------------------------------------------------------------------------


def _cmd_deadlines(args: argparse.Namespace) -> int:
    try:
        cal = BusinessCalendar(kind=args.calendar, subdiv=args.subdiv)
    except CalendarError as exc:
        raise CliError(str(exc)) from None
    due = deadlines_for(args.type, args.opened, cal)
    out = {"type": str(args.type), "opened_at": _paris_iso(args.opened)}
    out.update({name: _paris_iso(at) for name, at in due.items()})
    print(json.dumps(out, ensure_ascii=False))
    return 0


def _add_deadlines(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("deadlines", help="print the deadlines of an incident opened at an instant")
    p.add_argument("--type", required=True, type=_incident_type, help="incident type code")
    p.add_argument("--opened", required=True, type=_aware_instant, help="ISO-8601 instant with offset")
    p.add_argument("--calendar", choices=CALENDAR_KINDS, default="ouvrables")
    p.add_argument("--subdiv", default=None, help="'57' (Moselle) or '6AE' (Alsace)")
    p.set_defaults(handler=_cmd_deadlines)


def _cmd_seed(args: argparse.Namespace) -> int:
    from .db import session_scope
    from .seed import seed

    with session_scope() as session:
        created = seed(session, only_if_empty=args.if_empty)
    print("demo data loaded" if created else "demo data already present: nothing added")
    return 0


def _add_seed(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("seed", help="load the demo data (idempotent)")
    p.add_argument("--if-empty", action="store_true", help="only when the database has no account at all")
    p.set_defaults(handler=_cmd_seed)


def _cmd_accounts(_args: argparse.Namespace) -> int:
    from .services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from .settings import PUBLIC_URL

    print(f"\nPixmania incident desk: {PUBLIC_URL}\nDemo accounts (password {DEMO_PASSWORD}):")
    for email, name, role, shop in DEMO_ACCOUNTS:
        print(f"  {email:<40} {role:<11} {name}{f' ({shop})' if shop else ''}")
    return 0


def _add_accounts(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("accounts", help="print the demo accounts").set_defaults(handler=_cmd_accounts)


def _cmd_create_admin(args: argparse.Namespace) -> int:
    from .db import session_scope
    from .i18n import tr
    from .services.auth import create_administrator, new_temporary_password
    from .services.common import ServiceError

    if args.generate:
        password = new_temporary_password()
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise CliError("the two passwords differ")
    try:
        with session_scope() as session:
            actor = create_administrator(session, args.email, args.name, password)
    except ServiceError as exc:
        raise CliError(tr(exc.code, "en", **exc.params)) from None
    print(f"administrator {actor.email} created")
    if args.generate:
        print(f"password (shown once): {password}")
    return 0


def _add_create_admin(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("create-admin", help="create an administrator (asks for the password twice, or --generate)")
    p.add_argument("--email", required=True)
    p.add_argument("--name", default="", help="shown in the app (default: the part of the e-mail before @)")
    p.add_argument("--generate", action="store_true", help="generate a strong password and print it once")
    p.set_defaults(handler=_cmd_create_admin)


def _cmd_sweep(_args: argparse.Namespace) -> int:
    from .services.sweep import run

    print(run().summary())
    return 0


def _add_sweep(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="run one deadline sweep (records and notifies; the running app pushes the pages)")
    p.set_defaults(handler=_cmd_sweep)


def _cmd_cleanup_evidence(args: argparse.Namespace) -> int:
    from .db import session_scope
    from .services.evidence import clean_staging

    with session_scope() as session:
        report = clean_staging(session, orphans=args.orphans)
    print(f"evidence: {report.promoted} staged files moved into place, {report.removed} files without a row removed")
    return 0


def _add_cleanup_evidence(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cleanup-evidence", help="settle evidence files a crash left staged for more than an hour")
    p.add_argument(
        "--orphans",
        action="store_true",
        help="also remove files in the evidence folder that no row names (left by older versions)",
    )
    p.set_defaults(handler=_cmd_cleanup_evidence)


def _problems(report) -> int:  # noqa: ANN001 - services.backup.BackupReport
    """Files a row names that could not be copied: named on stderr, exit status 1."""
    for label, names in (("missing", report.missing), ("damaged (SHA-256 differs)", report.damaged)):
        if names:
            print(f"{PROG}: {len(names)} evidence files {label}: {', '.join(names[:20])}", file=sys.stderr)
    return 1 if report.missing or report.damaged else 0


def _pg_password_note() -> str:
    import sqlalchemy as sa

    from .settings import DB_URL

    return " (the password through PGPASSWORD or ~/.pgpass)" if sa.make_url(DB_URL).password else ""


def _cmd_backup(args: argparse.Namespace) -> int:
    import shlex

    from .services.backup import BackupError, backup

    try:
        report = backup(args.folder)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    if report.database == "sqlite":
        print(f"backup: the database and {report.files} evidence files in {args.folder}")
    elif report.complete:
        print(f"backup: {report.files} evidence files copied beside the dump in {args.folder}; complete")
    else:
        print(
            f"backup: {report.files} evidence files copied to {args.folder}. Now take the database dump"
            f"{_pg_password_note()}:\n  {shlex.join(report.commands[0])}\n"
            f"then run this command again: it adds the files of rows written meanwhile and completes the backup."
        )
    return _problems(report)


def _add_backup(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="copy the database and its evidence files into a new folder, while the app runs")
    p.add_argument("folder", type=Path, help="a new or empty folder (on PostgreSQL: the folder of the dump)")
    p.set_defaults(handler=_cmd_backup)


def _cmd_restore(args: argparse.Namespace) -> int:
    import shlex

    from .services.backup import BackupError, restore

    try:
        report = restore(args.folder, force=args.force)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    if report.database == "sqlite":
        print(f"restore: the database and {report.files} evidence files from {args.folder}")
    else:
        print(
            f"restore: {report.files} evidence files back in place. Now restore the database"
            f"{_pg_password_note()}:\n  {shlex.join(report.commands[0])}"
        )
    return _problems(report)


def _add_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("restore", help="put a backup back (evidence files, then the database)")
    p.add_argument("folder", type=Path, help="a folder written by `backup`")
    p.add_argument("--force", action="store_true", help="replace a database that already holds data")
    p.set_defaults(handler=_cmd_restore)


def read_env_file(path: str | Path) -> dict[str, str]:
    """An environment file as systemd's EnvironmentFile= and compose's env_file: read it: VARIABLE=value lines,
    `#` comments, the value up to the end of the line (surrounding quotes removed)."""
    values = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip().isidentifier():
            raise CliError(f"{path}:{number}: not a VARIABLE=value line")
        value = value.strip()
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def _cmd_check_config(args: argparse.Namespace) -> int:
    if args.env_file:
        try:
            os.environ.update(read_env_file(args.env_file))  # before the settings are read
        except OSError as exc:
            raise CliError(f"cannot read {args.env_file}: {exc.strerror}") from None
    try:
        from . import startup
    except ValueError as exc:  # a setting that does not even parse (settings names it)
        raise CliError(str(exc)) from None
    found = startup.problems(frontend=args.frontend)
    if found:
        startup.report(found)
        return USAGE_ERROR
    print("configuration OK")
    return 0


def _add_check_config(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check-config",
        help="check the configuration as the app does before serving (one line per problem on stderr, exit status 2)",
    )
    p.add_argument("--env-file", help="read the variables of this file first (e.g. /etc/pixmania/pixmania.env)")
    p.add_argument(
        "--frontend",
        action="store_true",
        help="also check the frontend built for `serve` (REFLEX_WEB_WORKDIR) fits the public URL",
    )
    p.set_defaults(handler=_cmd_check_config)


def _batch_size(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 1000:
        raise argparse.ArgumentTypeError(f"a batch is 1 to 1000 records, not {value!r}")
    return int(value)


def _progress(done: int, total: int, width: int = 30) -> None:
    filled = width * done // max(total, 1)
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="", file=sys.stderr, flush=True)


def _cmd_import(args: argparse.Namespace) -> int:
    """Batches of records, each committed with the count of lines done beside the file, so an
    interrupted import starts again after the last batch that committed (and records sent twice
    change nothing anyway)."""
    from collections import Counter

    from .db import session_scope
    from .i18n import tr
    from .services import intake
    from .services.common import ServiceError

    path: Path = args.file
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    marker = path.with_name(path.name + ".intake-progress")
    done = int(marker.read_text() or 0) if marker.is_file() and not args.restart else 0
    total = sum(1 for _ in intake.read_records(path))
    counts: Counter[str] = Counter()
    refused: list[str] = []
    batch: list[tuple[int, object]] = []
    records = intake.read_records(path, skip=done)

    def flush() -> None:
        nonlocal done
        try:
            with session_scope() as session:
                outcomes = intake.ingest(session, intake.operator(session, args.as_email), [r for _, r in batch])
        except ServiceError as exc:
            raise CliError(tr(exc.code, "en", **exc.params)) from None
        for (line, _), outcome in zip(batch, outcomes, strict=True):
            counts[outcome.result] += 1
            if outcome.result == "refused":
                what = f"{outcome.type} {outcome.id}".strip()
                refused.append(f"  line {line}: {what + ': ' if what else ''}{outcome.reason('en')}")
        done += len(batch)
        marker.write_text(str(done))
        batch.clear()
        _progress(done, total)

    if done:
        print(f"resuming after record {done}", file=sys.stderr)
    for item in records:
        batch.append(item)
        if len(batch) >= args.batch:
            flush()
    if batch:
        flush()
    print(file=sys.stderr)
    marker.unlink(missing_ok=True)
    print(", ".join(f"{counts[k]} {k}" for k in ("created", "updated", "unchanged", "refused")))
    print(
        "\n".join(refused[:200]) + (f"\n  ... and {len(refused) - 200} more" if len(refused) > 200 else ""),
        end="\n" if refused else "",
    )
    return 1 if refused else 0


def _add_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="upsert the order system's records from an NDJSON or CSV file (resumable)")
    p.add_argument("file", type=Path, help="FILE.ndjson (one JSON record a line) or FILE.csv (a `type` column)")
    p.add_argument("--as", dest="as_email", default=None, help="the administrator it acts as (default: the only one)")
    p.add_argument(
        "--batch", type=_batch_size, default=500, metavar="N", help="records per transaction (1..1000, default 500)"
    )
    p.add_argument("--restart", action="store_true", help="start from the first record again")
    p.set_defaults(handler=_cmd_import)


#: Subcommand registrars, in help order.
COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_deadlines,
    _add_seed,
    _add_accounts,
    _add_sweep,
    _add_create_admin,
    _add_check_config,
    _add_cleanup_evidence,
    _add_backup,
    _add_restore,
    _add_import,
)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Pixmania incident desk")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except CliError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
