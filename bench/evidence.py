"""How long judging one message's uploads holds a server thread, worst case and typical.

Worst case: five photos just under the pixel ceiling (40 MP) in one message, with noisy
content so that they come close to the size limit (the costliest to decode), once per
accepted format; the figure is the slowest of those messages, refusal included, wall time.
Typical: one 12 MP phone photo. The baseline, timed in the same run on one file of each
kind, is how files were judged before: a full decode and re-encode in the server process
(a message of five such files cost five times that).
"""

from __future__ import annotations

import io
import os
import sys
import time
from typing import Any

from PIL import Image, ImageOps

from pixmania_incidents.services import evidence
from pixmania_incidents.services.common import InvalidInput

FIGURES = ("evidence_upload_worst_s", "evidence_upload_photo_s")
FORMATS = ("JPEG", "PNG", "WEBP")


def noisy(size: tuple[int, int], fmt: str) -> bytes:
    """Random 8×8 blocks: far less compressible than a photo, so the file is large and slow."""
    small = Image.frombytes("RGB", (size[0] // 8, size[1] // 8), os.urandom(size[0] // 8 * (size[1] // 8) * 3))
    out = io.BytesIO()
    options = {"compress_level": 1} if fmt == "PNG" else {"quality": 60}
    small.resize(size, Image.NEAREST).save(out, format=fmt, **options)
    return out.getvalue()


def timed_check(uploads: list[evidence.Upload]) -> tuple[float, str]:
    started = time.monotonic()
    try:
        evidence.check_all(uploads)
        outcome = "stored"
    except InvalidInput as exc:
        outcome = exc.code
    return time.monotonic() - started, outcome


def former_way(data: bytes, fmt: str) -> float:
    """The judging before this change: decode everything in-process, re-encode at full size."""
    started = time.monotonic()
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        clean = ImageOps.exif_transpose(img)
        clean.save(io.BytesIO(), format=fmt, **({"quality": 90} if fmt != "PNG" else {}))
    return time.monotonic() - started


def run() -> dict[str, dict[str, Any]]:
    worst = 0.0
    for fmt in FORMATS:
        data = noisy((7990, 5000), fmt)
        if len(data) > evidence.MAX_BYTES:
            data = noisy((6000, 4000), fmt)
        ours, outcome = timed_check([evidence.Upload(f"photo{i}.{fmt.lower()}", data) for i in range(5)])
        base = former_way(data, fmt)
        print(
            f"evidence {fmt} {len(data) // 1024} KB ×5: {ours:.2f} s ({outcome}); former way, one file: {base:.2f} s",
            file=sys.stderr,
        )
        worst = max(worst, ours)
    photo = noisy((4032, 3024), "JPEG")
    typical, outcome = timed_check([evidence.Upload("IMG_0001.jpg", photo)])
    print(
        f"evidence 12 MP photo: {typical:.2f} s ({outcome}); former way: {former_way(photo, 'JPEG'):.2f} s",
        file=sys.stderr,
    )
    return {
        "evidence_upload_worst_s": {"value": round(worst, 2), "unit": "s", "goal": evidence.JUDGE_SECONDS + 1},
        "evidence_upload_photo_s": {"value": round(typical, 2), "unit": "s", "goal": 1.0},
    }


if __name__ == "__main__":
    from bench.__main__ import report

    report(run())
