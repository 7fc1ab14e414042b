"""Sample files for upload tests: a real (one blank page) PDF, which the evidence checks can parse."""

from __future__ import annotations

import io

from pypdf import PdfWriter


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()
