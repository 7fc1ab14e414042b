"""Deployment settings read once from the environment.

The same values feed `rxconfig.py` and the services, so the app, the CLI and the
tests always talk to the same database.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    return int(_number(name, default))


def _number(name: str, default: float) -> float:
    """A numeric setting; a bad value stops the start naming its variable, not with a bare ValueError."""
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None
    if isinstance(default, int) and not number.is_integer():
        raise ValueError(f"{name}={value!r} is not a whole number")
    return number


DATA_DIR = Path(os.environ.get("PIXMANIA_DATA_DIR", PROJECT_ROOT / "data"))

DB_URL = os.environ.get("REFLEX_DB_URL") or f"sqlite:///{DATA_DIR / 'pixmania.db'}"
REDIS_URL = os.environ.get("REFLEX_REDIS_URL") or None
PORT = _int("PORT", 3000)
PUBLIC_URL = os.environ.get("PIXMANIA_PUBLIC_URL", f"http://localhost:{PORT}").rstrip("/")

# PostgreSQL connections per worker process: workers × (pool + overflow) must stay under the
# server's max_connections (or put PgBouncer in front). A request waits at most the timeout
# for a free connection, then the user is told the service is busy.
DB_POOL_SIZE = _int("PIXMANIA_DB_POOL_SIZE", 5)
DB_POOL_OVERFLOW = _int("PIXMANIA_DB_POOL_OVERFLOW", 5)
DB_POOL_TIMEOUT = _number("PIXMANIA_DB_POOL_TIMEOUT", 5.0)

# Evidence and generated documents live outside Reflex's public upload folder.
EVIDENCE_DIR = Path(os.environ.get("PIXMANIA_EVIDENCE_DIR", DATA_DIR / "evidence"))
MAIL_DIR = Path(os.environ.get("PIXMANIA_MAIL_DIR", DATA_DIR / "mail"))
# What one user may store as evidence over any 24 hours (ten full-size messages' worth).
EVIDENCE_DAILY_BYTES = int(os.environ.get("PIXMANIA_EVIDENCE_DAILY_MB", "100")) * 1024 * 1024

SESSION_COOKIE = "pixmania_session"
SESSION_HOURS = _int("PIXMANIA_SESSION_HOURS", 12)
# Secure cookies need HTTPS; the embedded default serves plain HTTP on localhost.
COOKIE_SECURE = PUBLIC_URL.startswith("https://")
#: Strict-Transport-Security is sent only when users reach the app over HTTPS.
HSTS = COOKIE_SECURE


Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def _networks(value: str, name: str = "PIXMANIA_TRUSTED_PROXIES") -> Networks:
    """Addresses or CIDRs separated by commas or spaces; a bad one stops the start, not the first request."""
    try:
        return tuple(ipaddress.ip_network(part, strict=False) for part in value.replace(",", " ").split())
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


#: Reverse proxies whose X-Forwarded-For is believed (e.g. "127.0.0.1, 10.0.0.0/8"); empty: none.
TRUSTED_PROXIES = _networks(os.environ.get("PIXMANIA_TRUSTED_PROXIES", ""))
#: Who may read /metrics (the user's address as `services.network` names it); anyone else gets a 404.
METRICS_ALLOW = _networks(os.environ.get("PIXMANIA_METRICS_ALLOW", "127.0.0.1, ::1"), "PIXMANIA_METRICS_ALLOW")
#: Demo accounts (known passwords) are refused outside localhost unless this is "1".
ALLOW_DEMO = os.environ.get("PIXMANIA_ALLOW_DEMO", "") == "1"
#: Room for multipart framing and form fields on top of the evidence files of one upload.
UPLOAD_OVERHEAD_BYTES = _int("PIXMANIA_UPLOAD_OVERHEAD_BYTES", 1024 * 1024)


def public_url_is_local() -> bool:
    return urlsplit(PUBLIC_URL).hostname in ("localhost", "127.0.0.1", "::1")


def allowed_origins() -> list[str]:
    """The app's own origins: the public URL plus its localhost/127.0.0.1 twin."""
    extra = [o.strip().rstrip("/") for o in os.environ.get("PIXMANIA_ALLOWED_ORIGINS", "").split(",") if o.strip()]
    origins = {PUBLIC_URL, *extra}
    for host in ("localhost", "127.0.0.1"):
        origins.add(f"http://{host}:{PORT}")
    return sorted(origins)


# --- integrations (issue 16) -------------------------------------------------------------

#: Webhook receivers allowed although private or over plain HTTP (tests, on-premise receivers):
#: host names or addresses/CIDRs, separated by commas or spaces. Empty: only public HTTPS.
WEBHOOK_ALLOW = tuple(part for part in os.environ.get("PIXMANIA_WEBHOOK_ALLOW", "").replace(",", " ").split())
