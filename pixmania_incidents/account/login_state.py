"""The login and registration pages: what the login route said through the query string."""

from __future__ import annotations

import reflex as rx

from pixmania_incidents.services import auth
from pixmania_incidents.shell.session import SessionState

#: What the login route may say: a refusal, a wait (`throttled`, or a `retry_in` refusal), or that
#: the tab's session ended (the session gate, `shell/gate.py`).
LOGIN_ERRORS = ("invalid_credentials", "throttled", "retry_in", "session_ended")
REGISTER_ERRORS = (
    "email_invalid",
    "email_international",
    "weak_password",
    "password_too_long",
    "name_required",
    "throttled",
    "retry_in",
)
#: The longest wait the throttle imposes (15 minutes), shown when a link names none.
LONGEST_WAIT = "900"


class AuthPageState(SessionState):
    """The login and registration pages: what the login route said through the query string."""

    error: str = ""
    wait_seconds: str = ""
    next_path: str = ""
    prefill_name: str = ""
    prefill_email: str = ""

    @rx.event
    async def read_query(self):
        """Only known error codes are shown; a visitor already logged in goes straight home."""
        params = self.router.url.query_parameters
        known = REGISTER_ERRORS if self.router.url.path.startswith("/register") else LOGIN_ERRORS
        self.error = params.get("error", "") if params.get("error", "") in known else ""
        seconds, minutes = params.get("seconds", "")[:4], params.get("minutes", "")[:2]
        by_minutes = str(int(minutes) * 60) if minutes.isdigit() else LONGEST_WAIT
        self.wait_seconds = seconds if seconds.isdigit() else by_minutes
        self.next_path = auth.safe_next(params.get("next")) or ""
        self.prefill_name = params.get("name", "")[:120]
        self.prefill_email = params.get("email", "")[:254]
        identity = await self._identify()
        if identity is not None:
            home = auth.home_for(identity.actor.role, identity.must_change_password)
            return rx.redirect(auth.safe_next(self.next_path) or home, replace=True)
        return None
