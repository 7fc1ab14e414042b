"""The interface's side of issue #12 that needs no browser: what an unexpected error says and
logs, and the words for the notifications and timeline events SPEC section 8 added."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone

import pytest

from pixmania_incidents.case.page_state import IncidentPageState
from pixmania_incidents.customer.report_state import OpenIncidentState
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import notifications, views
from pixmania_incidents.shell import failure

NEW_NOTIFICATIONS = {
    "return_reminder": {"due_at": "2026-03-24T22:59:59+00:00"},
    "return_missed": {"due_at": "2026-03-24T22:59:59+00:00", "closes_at": "2026-04-01T23:00:00+00:00"},
    "closed_return_not_sent": {},
    "arbitration_withdrawn": {},
}
NEW_EVENTS = ("return_missed", "obligations_reopened", "closed_return_not_sent", "arbitration_withdrawn")


@pytest.mark.parametrize("kind", sorted(NEW_NOTIFICATIONS))
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_new_notifications_have_their_own_words_in_the_bell_and_the_mails(kind, locale):
    params = {"reference": "INC-2026-00042", **NEW_NOTIFICATIONS[kind]}
    text = notifications.describe(kind, params, locale)
    generic = tr("mail.notif.generic", locale, reference="INC-2026-00042")
    assert "INC-2026-00042" in text and text != generic
    assert not re.search(r"\{\w+\}|\d{4}-\d{2}-\d{2}T", text), text  # every placeholder filled, dates in words
    assert text != notifications.describe(kind, params, "en" if locale == "fr" else "fr")


@pytest.mark.parametrize("kind", NEW_EVENTS)
def test_new_timeline_events_have_words_in_both_languages(kind):
    labels = {locale: views._known(f"incidents.event.{kind}", locale, kind) for locale in ("fr", "en")}
    assert kind not in labels.values() and labels["fr"] != labels["en"]


def test_every_busy_flag_is_registered_for_clearing():
    """The composer's and the report form's spinners are freed by any unexpected error."""
    registered = {(cls, flag) for cls, flags in failure._BUSY for flag in flags}
    assert (IncidentPageState, "is_sending") in registered
    assert (OpenIncidentState, "submitting") in registered


class _Boom(RuntimeError):
    pass


def test_an_unexpected_error_is_logged_with_its_reference_and_traceback(caplog):
    def deep():
        raise _Boom("database gone")

    try:
        deep()
    except _Boom as exc:
        error = exc
    with caplog.at_level(logging.ERROR, logger="pixmania.failure"):
        spec = failure.on_backend_error(error)
    [record] = [r for r in caplog.records if r.name == "pixmania.failure"]
    reference = re.search(r"unexpected error ([0-9A-F]{6})", record.getMessage()).group(1)
    assert record.exc_info and record.exc_info[1] is error  # the traceback goes to the log
    assert spec.handler.fn.__qualname__ == "FailureState.report"
    args = {str(name).strip('"'): str(value).strip('"') for name, value in spec.args}
    assert args["reference"] == reference and args["what"] == "action"


@pytest.mark.parametrize(
    ("owner", "name", "service", "what"),
    [
        (IncidentPageState, "load", "mark_viewed", "load"),
        (None, "guard", "", "load"),
        (IncidentPageState, "view", "case_view", "view"),
        (IncidentPageState, "send_message", "post_message", "post_message"),
        (None, "", "post_message", "post_message"),  # a message with files: sent by HTTP, no handler frame
        (OpenIncidentState, "submit", "open_incident", "open_incident"),
        (None, "accept", "accept", "action"),
    ],
)
def test_what_failed_is_said_in_words_the_catalogue_has(owner, name, service, what):
    assert failure.what_failed(owner, name, service) == what
    for locale in ("fr", "en"):
        assert tr(f"reliability.what.{what}", locale) != f"reliability.what.{what}"


def test_the_notice_says_whether_anything_was_saved():
    fr_lost = tr("reliability.failed_nothing_saved", "fr", what=tr("reliability.what.post_message", "fr"))
    en_saved = tr("reliability.failed_after_saving", "en", what=tr("reliability.what.action", "en"))
    assert "rien n'a été enregistré" in fr_lost and fr_lost.startswith("L'envoi de votre message")
    assert "was saved" in en_saved and "do not do it again" in en_saved


def test_time_is_formatted_in_notification_texts():
    text = notifications.describe(
        "return_missed",
        {"reference": "X", "closes_at": datetime(2026, 4, 1, 21, 0, tzinfo=timezone.utc).isoformat()},
        "fr",
    )
    assert "mercredi 1 avril 2026 à 23:00" in text


def test_the_session_gate_knows_nothing_when_the_database_is_away(monkeypatch):
    """The gate lets an event through to fail in its handler, which then says what failed; it
    must tell "nobody holds this session" apart from "the database cannot say"."""
    from pixmania_incidents import settings
    from pixmania_incidents.services import unit

    monkeypatch.setattr(settings, "DB_URL", "postgresql+psycopg://postgres@127.0.0.1:9/away?connect_timeout=2")
    with pytest.raises(unit.DatabaseAway):
        unit.identify("any-token")
