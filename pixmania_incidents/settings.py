"""Deployment settings read once from the environment.

The same values feed `rxconfig.py` and the services, so the app, the CLI and the
tests always talk to the same database.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PIXMANIA_DATA_DIR", PROJECT_ROOT / "data"))

DB_URL = os.environ.get("REFLEX_DB_URL") or f"sqlite:///{DATA_DIR / 'pixmania.db'}"
REDIS_URL = os.environ.get("REFLEX_REDIS_URL") or None
PORT = int(os.environ.get("PORT", "3000"))
PUBLIC_URL = os.environ.get("PIXMANIA_PUBLIC_URL", f"http://localhost:{PORT}").rstrip("/")

# Evidence and generated documents live outside Reflex's public upload folder.
EVIDENCE_DIR = Path(os.environ.get("PIXMANIA_EVIDENCE_DIR", DATA_DIR / "evidence"))
MAIL_DIR = Path(os.environ.get("PIXMANIA_MAIL_DIR", DATA_DIR / "mail"))
# What one user may store as evidence over any 24 hours (ten full-size messages' worth).
EVIDENCE_DAILY_BYTES = int(os.environ.get("PIXMANIA_EVIDENCE_DAILY_MB", "100")) * 1024 * 1024

SESSION_COOKIE = "pixmania_session"
SESSION_HOURS = int(os.environ.get("PIXMANIA_SESSION_HOURS", "12"))
# Secure cookies need HTTPS; the embedded default serves plain HTTP on localhost.
COOKIE_SECURE = PUBLIC_URL.startswith("https://")


def allowed_origins() -> list[str]:
    """The app's own origins: the public URL plus its localhost/127.0.0.1 twin."""
    extra = [o.strip().rstrip("/") for o in os.environ.get("PIXMANIA_ALLOWED_ORIGINS", "").split(",") if o.strip()]
    origins = {PUBLIC_URL, *extra}
    for host in ("localhost", "127.0.0.1"):
        origins.add(f"http://{host}:{PORT}")
    return sorted(origins)
