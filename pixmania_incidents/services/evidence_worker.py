"""Judges uploaded files in a separate process: `python -I -S evidence_worker.py`.

Why a process: decoding an image or walking a PDF costs time and memory that depend on
what the sender crafted, and a decoder bug must not take a server worker down. The app
gives this process a few seconds for a message's files (and kills it after), and the
process caps its own memory and CPU. It imports only the standard library, Pillow and,
for a PDF, pypdf (their folders come in the request, since `-S` skips site-packages).

Request on stdin: one JSON line {"path", "max_pixels", "max_side", "memory", "cpu",
"files": [{"kind", "size"}]}, then the files' bytes one after the other. Reply on stdout,
per file in order as each is done: `ok <n>\\n` and the n bytes to store (none for a PDF,
which is kept as sent), or `<refusal code> <n>\\n` and n bytes of detail.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import warnings

#: Pillow's format name for each kind the app accepts.
FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
#: Actions that run something, send something or leave the document (an /S value).
ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
    "/GoToR",
    "/Rendition",
    "/RichMediaExecute",
}
#: Annotations that carry a file or media to play.
ACTIVE_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"}


class Refused(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


def reencode(data: bytes, kind: str, max_pixels: int, max_side: int) -> bytes:
    """Decoded under the pixel ceiling (checked from the header, before any pixel is read),
    shrunk to `max_side` while decoding (JPEG decodes straight at a reduced scale), turned
    upright and written clean: no metadata, no trailing payload."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[FORMATS[kind]]) as img:
                img.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)  # box-reduced first: cheap, fine
                clean = ImageOps.exif_transpose(img)
                if kind == "jpeg" and clean.mode not in ("RGB", "L"):
                    clean = clean.convert("RGB")
                out = io.BytesIO()
                clean.save(out, format=FORMATS[kind], **({"quality": 90} if kind != "png" else {}))
                return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused("too_many_pixels") from None
    except MemoryError:
        raise Refused("too_many_pixels") from None
    except Exception:  # noqa: BLE001 - any decoder failure means "not a readable image"
        raise Refused("unreadable") from None


def pdf_active_content(data: bytes) -> str | None:
    """What in the PDF would run or carry something on opening (JavaScript, automatic or
    launch actions, embedded files, XFA forms), or None. Every object is visited, the ones
    the document's tree reaches and the ones only the cross-reference table lists."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused("pdf_protected")
        pending: list[object] = [reader.trailer]
        pending += [IndirectObject(num, gen, reader) for gen, nums in reader.xref.items() for num in nums]
        pending += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
        seen: set[tuple[int, int]] = set()
        while pending:
            obj = pending.pop()
            if isinstance(obj, IndirectObject):
                if (obj.idnum, obj.generation) in seen:
                    continue
                seen.add((obj.idnum, obj.generation))
                obj = obj.get_object()
            if isinstance(obj, DictionaryObject):
                for key, value in dict.items(obj):
                    found = _active_entry(key, value)
                    if found:
                        return found
                    pending.append(value)
            elif isinstance(obj, ArrayObject):
                pending.extend(obj)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - what pypdf cannot read, we cannot vouch for
        raise Refused("unreadable") from None
    return None


def _active_entry(key: str, value: object) -> str | None:
    value = value.get_object() if hasattr(value, "get_object") else value
    if key in ("/JS", "/JavaScript"):
        return "JavaScript"
    if key in ("/AA", "/EmbeddedFiles", "/XFA"):
        return key
    if key == "/EF" or (key == "/Type" and value == "/EmbeddedFile"):
        return "/EmbeddedFiles"
    if key in ("/S", "/Subtype") and isinstance(value, str) and value in ACTIVE_ACTIONS | ACTIVE_ANNOTATIONS:
        return str(value)
    if key == "/OpenAction" and isinstance(value, dict) and "/S" in value and value["/S"] != "/GoTo":
        return "/OpenAction"
    return None


def judge(kind: str, data: bytes, request: dict) -> bytes:
    if kind == "pdf":
        found = pdf_active_content(data)
        if found:
            raise Refused("pdf_active", found)
        return b""
    return reencode(data, kind, request["max_pixels"], request["max_side"])


def main() -> None:
    request = json.loads(sys.stdin.buffer.readline())
    resource.setrlimit(resource.RLIMIT_AS, (request["memory"], request["memory"]))
    resource.setrlimit(resource.RLIMIT_CPU, (request["cpu"], request["cpu"]))
    sys.path[:0] = request["path"]
    out = sys.stdout.buffer
    for spec in request["files"]:
        data = sys.stdin.buffer.read(spec["size"])
        try:
            status, body = "ok", judge(spec["kind"], data, request)
        except Refused as refusal:
            status, body = refusal.code, refusal.detail.encode()
        out.write(f"{status} {len(body)}\n".encode() + body)
        out.flush()


if __name__ == "__main__":
    main()
