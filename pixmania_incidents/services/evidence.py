"""Evidence files: checked on the server, stored privately, served only to the case's parties.

Why this much care: browser-side upload limits are advisory, so every file is judged by its
bytes (not its name or declared type), images are decoded with a pixel ceiling (a small PNG
can unpack to gigabytes) and re-encoded (which drops metadata such as GPS positions and any
trailing payload), PDFs that would run or carry something (JavaScript, automatic actions,
embedded files, XFA) are refused, and files live under `settings.EVIDENCE_DIR`, never in
Reflex's public upload folder, behind `open_evidence`, which authorizes through the incident.

Bounded work: the decoding and the PDF walk run in a separate process (`evidence_worker`)
that caps its memory and is killed after `JUDGE_SECONDS` for a message's files, so a
crafted file holds a server thread a few seconds at most; photos are shrunk to `MAX_SIDE`
while decoding. A user stores at most `settings.EVIDENCE_DAILY_BYTES` per 24 hours.

No file without a row, no row without a file: `store` writes each file (synced to disk)
into a staging folder beside the evidence, and the session moves it into place only once
the row has committed (`after_commit`); a rollback, savepoint rollback or session closed
without commit deletes it. A crash leaves at most staged files: `clean_staging` (run by
the background loop and `python -m pixmania_incidents cleanup-evidence`) moves in place
those whose row did commit and deletes the others once they are an hour old, an age no
transaction reaches.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from pixmania_incidents import settings
from pixmania_incidents.models import Evidence, Incident, Message, Role
from pixmania_incidents.policy import EvidenceKind
from pixmania_incidents.services.common import STAFF, Actor, InvalidInput, NotFound, existing, load_incident, now, reads
from pixmania_incidents.vocabulary import MAX_BYTES, MAX_FILES

log = logging.getLogger("pixmania.evidence")
MAX_PIXELS = 40_000_000
#: A stored photo's longest side: enough to see a scratch, and it bounds the re-encoding.
MAX_SIDE = 4096
#: What judging one message's files may take, all of them together, before it is refused.
JUDGE_SECONDS = 5.0
_WORKER = Path(__file__).with_name("evidence_worker.py")
_WORKER_MEMORY = 1536 * 1024 * 1024

# real type -> (content type, extension)
_TYPES = {
    "jpeg": ("image/jpeg", "jpg"),
    "png": ("image/png", "png"),
    "webp": ("image/webp", "webp"),
    "pdf": ("application/pdf", "pdf"),
}


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The real type from the magic numbers, or None if it is not one we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    return None


def safe_filename(name: str, kind: str | None = None) -> str:
    """A display name with no path and no control characters; with `kind`, the real
    type's extension replaces whatever the name claimed."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    stem, _, ext = base.rpartition(".") if "." in base else (base, "", "")
    stem = re.sub(r"[^\w\-() ]+", "_", stem).strip(" ._")[:100] or "fichier"
    ext = _TYPES[kind][1] if kind else re.sub(r"[^\w]+", "", ext)[:10]
    return f"{stem}.{ext}" if ext else stem


def _library_paths() -> list[str]:
    """Where Pillow and pypdf are installed, for the worker that runs without site-packages."""
    specs = [importlib.util.find_spec(name) for name in ("PIL", "pypdf")]
    return sorted({str(Path(spec.origin).parent.parent) for spec in specs if spec is not None and spec.origin})


#: What the worker may answer instead of "ok"; anything else counts as "unreadable".
_REFUSALS = {"unreadable", "too_many_pixels", "pdf_active", "pdf_protected"}


def _worker_replies(out: bytes) -> list[tuple[str, bytes]]:
    """The complete replies, in order; a truncated or malformed tail ends the list."""
    replies = []
    while b"\n" in out:
        head, _, out = out.partition(b"\n")
        try:
            status, length = head.decode().split()
            size = int(length)
        except ValueError:
            break
        if len(out) < size:
            break
        replies.append((status if status == "ok" or status in _REFUSALS else "unreadable", out[:size]))
        out = out[size:]
    return replies


def _judge(files: Sequence[tuple[str, str, bytes]]) -> list[bytes]:
    """The bytes to store for each (kind, display name, bytes), judged by the worker process
    within `JUDGE_SECONDS`; the first refused file refuses them all, by its name."""
    if not files:
        return []
    request = {
        "path": _library_paths(),
        "max_pixels": MAX_PIXELS,
        "max_side": MAX_SIDE,
        "memory": _WORKER_MEMORY,
        "cpu": int(JUDGE_SECONDS) + 1,
        "files": [{"kind": kind, "size": len(data)} for kind, _, data in files],
    }
    stdin = json.dumps(request).encode() + b"\n" + b"".join(data for _, _, data in files)
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", str(_WORKER)],
            input=stdin,
            capture_output=True,
            timeout=JUDGE_SECONDS,
            check=False,
        )
        out, late = done.stdout, False
    except subprocess.TimeoutExpired as exc:
        out, late = exc.stdout or b"", True
    replies = _worker_replies(out)
    stored = []
    for index, (kind, name, data) in enumerate(files):
        if index >= len(replies):  # killed on time, or crashed on this file
            raise InvalidInput("evidence.error.too_slow" if late else "evidence.error.unreadable", filename=name)
        status, body = replies[index]
        if status != "ok":
            raise InvalidInput(
                f"evidence.error.{status}",
                filename=name,
                what=body[:40].decode(errors="replace"),
                megapixels=MAX_PIXELS // 1_000_000,
            )
        stored.append(data if kind == "pdf" else body)
    return stored


def _sniffed(upload: Upload) -> tuple[str, str]:
    """(real type, display name) or InvalidInput naming the file."""
    shown = safe_filename(upload.filename)
    if len(upload.data) > MAX_BYTES:
        raise InvalidInput("evidence.error.too_large", filename=shown, max_mb=MAX_BYTES // (1024 * 1024))
    if not upload.data:
        raise InvalidInput("evidence.error.empty", filename=shown)
    kind = sniff(upload.data)
    if kind is None:
        raise InvalidInput("evidence.error.type", filename=shown)
    return kind, safe_filename(upload.filename, kind)


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check, ready to store."""

    kind: str
    filename: str
    data: bytes

    @property
    def evidence_kind(self) -> EvidenceKind:
        """What the file counts as for the policy's evidence rules (SPEC 8.3)."""
        return EvidenceKind.document if self.kind == "pdf" else EvidenceKind.photo


def check_all(uploads: Sequence[Upload]) -> list[Checked]:
    """Judge a message's files before anything is written (one bad file refuses them all):
    the cheap checks on every file first, then the decoding."""
    if len(uploads) > MAX_FILES:
        raise InvalidInput("evidence.error.too_many", max=MAX_FILES)
    sniffed = [(*_sniffed(u), u.data) for u in uploads]
    return [Checked(kind, name, data) for (kind, name, _), data in zip(sniffed, _judge(sniffed), strict=True)]


# --- storing: staged, then moved into place by the commit ---------------------------------

#: Older staged files belong to no running transaction: `clean_staging` settles them.
STAGING_MAX_AGE = timedelta(hours=1)
_STAGED = "pixmania.staged_evidence"  # session.info key: [(stored name, transaction)]


def staging_dir() -> Path:
    """Inside the evidence folder, so that moving a file into place is one atomic rename."""
    return Path(settings.EVIDENCE_DIR) / ".staging"


def path_of(stored_name: str) -> Path:
    """Where a stored file is: in place, or still staged if its row committed just before
    a crash (until `clean_staging` moves it)."""
    final = Path(settings.EVIDENCE_DIR) / stored_name
    staged = staging_dir() / stored_name
    return staged if not final.exists() and staged.exists() else final


def _move_into_place(stored_name: str) -> None:
    try:
        os.replace(staging_dir() / stored_name, Path(settings.EVIDENCE_DIR) / stored_name)
    except FileNotFoundError:
        pass  # already moved (by the cleanup, or another worker's)
    except OSError:  # the commit stands; `path_of` serves the staged file, the cleanup retries
        log.exception("evidence %s left in staging", stored_name)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _discard(session: Session, ended: SessionTransaction) -> None:
    staged = session.info[_STAGED]
    for stored_name, transaction in [item for item in staged if _within(item[1], ended)]:
        (staging_dir() / stored_name).unlink(missing_ok=True)
        staged.remove((stored_name, transaction))


def _on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: its files wait for the real commit
    for stored_name, _ in session.info[_STAGED]:
        _move_into_place(stored_name)
    session.info[_STAGED].clear()


def _on_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed files are already moved: the rest never committed
        _discard(session, transaction)


def _staged(session: Session) -> list[tuple[str, SessionTransaction | None]]:
    if _STAGED not in session.info:
        session.info[_STAGED] = []
        sa.event.listen(session, "after_commit", _on_commit)
        sa.event.listen(session, "after_soft_rollback", _discard)
        sa.event.listen(session, "after_transaction_end", _on_transaction_end)
    return session.info[_STAGED]


def _write_synced(path: Path, data: bytes) -> None:
    """On disk before the row can commit, so a power cut cannot leave the row without it."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _check_quota(session: Session, actor: Actor, incoming: int) -> None:
    """Refused past `settings.EVIDENCE_DAILY_BYTES` stored by this user over the last 24 hours."""
    used = session.exec(
        select(sa.func.coalesce(sa.func.sum(col(Evidence.size)), 0)).where(
            col(Evidence.uploader_id) == actor.id, col(Evidence.created_at) > now() - timedelta(hours=24)
        )
    ).one()
    if used + incoming > settings.EVIDENCE_DAILY_BYTES:
        mib = 1024 * 1024
        raise InvalidInput(
            "evidence.error.quota",
            max_mb=settings.EVIDENCE_DAILY_BYTES // mib,
            left_mb=max(settings.EVIDENCE_DAILY_BYTES - used, 0) // mib,
        )


def store(
    session: Session,
    actor: Actor,
    incident: Incident,
    checked: Sequence[Checked],
    purpose: str,
    message_id: int | None = None,
) -> list[Evidence]:
    """Stage the files and add their rows; they reach their place when the caller commits."""
    if not checked:
        return []
    _check_quota(session, actor, sum(len(item.data) for item in checked))
    staging = staging_dir()
    staging.mkdir(parents=True, exist_ok=True)
    staged = _staged(session)
    session.connection()  # begin, so that the files belong to this transaction
    transaction = session.get_nested_transaction() or session.get_transaction()
    rows = []
    for item in checked:
        stored_name = secrets.token_hex(16)
        staged.append((stored_name, transaction))
        _write_synced(staging / stored_name, item.data)
        row = Evidence(
            incident_id=incident.id,
            message_id=message_id,
            uploader_id=actor.user_id,
            purpose=purpose,
            filename=item.filename,
            stored_name=stored_name,
            content_type=_TYPES[item.kind][0],
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest(),
            created_at=now(),
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


@dataclass(frozen=True)
class CleanupReport:
    promoted: int = 0
    removed: int = 0


def _old_files(folder: Path, cutoff: float) -> list[str]:
    names = []
    for path in folder.iterdir() if folder.is_dir() else ():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                names.append(path.name)
        except FileNotFoundError:
            continue  # moved meanwhile
    return names


def _with_rows(session: Session, names: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(names), 500):
        chunk = list(names[start : start + 500])
        found.update(session.exec(select(col(Evidence.stored_name)).where(col(Evidence.stored_name).in_(chunk))).all())
    return found


def clean_staging(session: Session, older_than: timedelta = STAGING_MAX_AGE, orphans: bool = False) -> CleanupReport:
    """Settle what crashes left in the staging folder: a file whose row committed goes into
    place, any other is deleted; files younger than `older_than` may belong to a
    transaction still running and are left alone. With `orphans`, also delete the files in
    place that no row names (left by versions that wrote them there before the commit)."""
    cutoff = time.time() - older_than.total_seconds()
    staged = _old_files(staging_dir(), cutoff)
    committed = _with_rows(session, staged)
    for stored_name in staged:
        if stored_name in committed:
            _move_into_place(stored_name)
        else:
            (staging_dir() / stored_name).unlink(missing_ok=True)
    removed = len(staged) - len(committed)
    if orphans:
        placed = _old_files(Path(settings.EVIDENCE_DIR), cutoff)
        for stored_name in set(placed) - _with_rows(session, placed):
            (Path(settings.EVIDENCE_DIR) / stored_name).unlink(missing_ok=True)
            removed += 1
    return CleanupReport(len(committed), removed)


def validate_and_store(
    session: Session,
    actor: Actor,
    incident: Incident,
    uploads: Sequence[Upload],
    purpose: str = "message",
    message_id: int | None = None,
) -> list[Evidence]:
    """Check every file, then store them all; the caller has authorized `actor` on `incident`."""
    return store(session, actor, incident, check_all(list(uploads)), purpose, message_id)


def visibilities(role: str) -> tuple[str, ...]:
    """The message visibilities a role reads: customers and the product team only public ones."""
    if role in STAFF:
        return ("public", "shop", "internal")
    if role == Role.seller:
        return ("public", "shop")
    return ("public",)


def visible_to(actor: Actor, message: Message | None) -> bool:
    """Whether `actor` may read a message (and its files) of a case they can see."""
    return message is None or message.visibility in visibilities(actor.role)


@reads
def open_evidence(session: Session, actor: Actor, evidence_id: int) -> tuple[Path, str, str]:
    """(path, content type, display name) of a file `actor` may download, else NotFound."""
    row = session.get(Evidence, evidence_id)
    if row is None:
        raise NotFound()
    load_incident(session, actor, row.incident_id)
    message = existing(session, Message, row.message_id) if row.message_id is not None else None
    if not visible_to(actor, message):
        raise NotFound()
    return path_of(row.stored_name), row.content_type, row.filename
