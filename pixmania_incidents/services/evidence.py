"""Evidence files: checked on the server, stored privately, served only to the case's parties.

Why this much care: browser-side upload limits are advisory, so every file is judged by its
bytes (not its name or declared type), images are decoded with a pixel ceiling (a small PNG
can unpack to gigabytes) and re-encoded (which drops metadata such as GPS positions and any
trailing payload), and files live under `settings.EVIDENCE_DIR`, never in Reflex's public
upload folder, behind `open_evidence`, which authorizes through the incident.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from sqlmodel import Session

from pixmania_incidents import settings
from pixmania_incidents.models import Evidence, Incident, Message, Role
from pixmania_incidents.policy import EvidenceKind
from pixmania_incidents.services.common import STAFF, Actor, InvalidInput, NotFound, load_incident, now
from pixmania_incidents.vocabulary import MAX_BYTES, MAX_FILES

MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# real type -> (content type, extension, Pillow format)
_TYPES = {
    "jpeg": ("image/jpeg", "jpg", "JPEG"),
    "png": ("image/png", "png", "PNG"),
    "webp": ("image/webp", "webp", "WEBP"),
    "pdf": ("application/pdf", "pdf", None),
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


def _reencode(data: bytes, kind: str, filename: str) -> bytes:
    """Decode under the pixel ceiling and write a clean copy (no metadata)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format != _TYPES[kind][2]:
                    raise InvalidInput("evidence.error.type", filename=filename)
                img.load()
                clean = ImageOps.exif_transpose(img)
                if kind == "jpeg" and clean.mode not in ("RGB", "L"):
                    clean = clean.convert("RGB")
                out = io.BytesIO()
                clean.save(out, format=_TYPES[kind][2], **({"quality": 90} if kind != "png" else {}))
                return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput("evidence.error.too_many_pixels", filename=filename, megapixels=MAX_PIXELS // 1_000_000) from None
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - any decoder failure means "not a readable image"
        raise InvalidInput("evidence.error.unreadable", filename=filename) from None


def _check(upload: Upload) -> tuple[str, str, bytes]:
    """(real type, display name, bytes to store) or InvalidInput naming the file."""
    shown = safe_filename(upload.filename)
    if len(upload.data) > MAX_BYTES:
        raise InvalidInput("evidence.error.too_large", filename=shown, max_mb=MAX_BYTES // (1024 * 1024))
    if not upload.data:
        raise InvalidInput("evidence.error.empty", filename=shown)
    kind = sniff(upload.data)
    if kind is None:
        raise InvalidInput("evidence.error.type", filename=shown)
    name = safe_filename(upload.filename, kind)
    if kind == "pdf":
        if b"%%EOF" not in upload.data[-2048:]:
            raise InvalidInput("evidence.error.unreadable", filename=name)
        return kind, name, upload.data
    return kind, name, _reencode(upload.data, kind, name)


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
    """Judge a message's files before anything is written (one bad file refuses them all)."""
    if len(uploads) > MAX_FILES:
        raise InvalidInput("evidence.error.too_many", max=MAX_FILES)
    return [Checked(*_check(u)) for u in uploads]


def store(
    session: Session, actor: Actor, incident: Incident, checked: Sequence[Checked], purpose: str, message_id: int | None = None
) -> list[Evidence]:
    folder = Path(settings.EVIDENCE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for item in checked:
        stored_name = secrets.token_hex(16)
        (folder / stored_name).write_bytes(item.data)
        row = Evidence(
            incident_id=incident.id,
            message_id=message_id,
            uploader_id=actor.id,
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


def open_evidence(session: Session, actor: Actor, evidence_id: int) -> tuple[Path, str, str]:
    """(path, content type, display name) of a file `actor` may download, else NotFound."""
    row = session.get(Evidence, evidence_id)
    if row is None:
        raise NotFound()
    load_incident(session, actor, row.incident_id)
    message = session.get(Message, row.message_id) if row.message_id is not None else None
    if not visible_to(actor, message):
        raise NotFound()
    return Path(settings.EVIDENCE_DIR) / row.stored_name, row.content_type, row.filename
