"""The one input cleaner: control characters and over-long texts are refused with a reason, never
stored, queued or cut silently; dates outside what they can mean are refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.db import get_session
from ivr.domain.text_input import cleaned_speech
from ivr.models import Disruption, IncidentEvent, OutboxMessage
from ivr.services.console import find
from tests.conftest import local
from tests.console.conftest import csrf_token, post_form

ESCAPE = "Bijna klaar \x00\x1b[31m"


def written(app: Flask, reference: str) -> tuple[list[IncidentEvent], list[str], datetime | None]:
    """The incident's history, every queued payload, and its restore deadline."""
    with app.app_context():
        session = get_session()
        incident = find(session, reference)
        assert incident is not None
        payloads = [m.payload for m in session.scalars(select(OutboxMessage))]
        return list(incident.history), payloads, incident.restore_due


def page_after(staff: FlaskClient, page: str, action: str, **fields: str) -> str:
    response = post_form(staff, page, action, **fields)
    assert response.status_code == 302
    return staff.get(page).get_data(as_text=True)


def test_a_status_update_with_control_characters_is_refused_and_never_texted(
    app: Flask, staff: FlaskClient, report: Callable[[datetime], str]
) -> None:
    reference = report(local(2026, 11, 24, 10, 0))
    page = f"/console/incidents/{reference}"
    shown = page_after(staff, page, f"{page}/updates", text=ESCAPE)
    assert "must not contain control characters" in shown
    history, payloads, _due = written(app, reference)
    assert [e.kind for e in history if e.kind == "update"] == []
    assert not any("\x1b" in p or "\x00" in p or "\\u001b" in p for p in payloads)


def test_in_german_the_refusal_is_german(
    app: Flask, staff: FlaskClient, report: Callable[[datetime], str]
) -> None:
    reference = report(local(2026, 11, 24, 10, 0))
    page = f"/console/incidents/{reference}"
    german = {"Accept-Language": "de"}
    token = csrf_token(staff, page)
    staff.post(f"{page}/updates", data={"text": ESCAPE, "csrf_token": token}, headers=german)
    shown = staff.get(page, headers=german).get_data(as_text=True)
    assert "Die Statusmeldung darf keine Steuerzeichen enthalten" in shown


def test_a_restore_deadline_in_1970_is_refused(
    app: Flask, staff: FlaskClient, report: Callable[[datetime], str]
) -> None:
    reference = report(local(2026, 11, 24, 10, 0))
    before = written(app, reference)[2]
    page = f"/console/incidents/{reference}"
    for when in ("1970-01-01T10:00", "2026-11-24T09:00", "2031-01-01T10:00"):
        shown = page_after(staff, page, f"{page}/restore-due", when=when, reason="Leverancier")
        assert "must lie after" in shown, when
    history, _payloads, due = written(app, reference)
    assert due == before and "restore_corrected" not in [e.kind for e in history]
    shown = page_after(staff, page, f"{page}/restore-due", when="2026-11-26T10:00", reason="Later")
    assert written(app, reference)[2] == local(2026, 11, 26, 10, 0)


def test_a_100_kb_reason_is_refused_with_a_word_not_cut(
    app: Flask, staff: FlaskClient, report: Callable[[datetime], str]
) -> None:
    reference = report(local(2026, 11, 24, 10, 0))
    page = f"/console/incidents/{reference}"
    shown = page_after(
        staff, page, f"{page}/restore-due", when="2026-11-26T10:00", reason="x" * 100_000
    )
    assert "at most 480 characters (100000 given)" in shown
    history, _payloads, _due = written(app, reference)
    assert "restore_corrected" not in [e.kind for e in history]


@pytest.mark.parametrize("text_nl", ["Mail\x00 ligt eruit", "Mail \x1b[2J ligt eruit"])
def test_a_disruption_text_with_control_characters_is_refused(
    app: Flask, staff: FlaskClient, text_nl: str
) -> None:
    response = post_form(staff, "/console/disruptions", "/console/disruptions",
                         text_nl=text_nl, text_de="Mail ist gestört")  # fmt: skip
    assert response.status_code == 422
    assert "must not contain control characters" in response.get_data(as_text=True)
    result = app.test_cli_runner().invoke(
        args=["disruptions", "declare", "--nl", text_nl, "--de", "Mail ist gestört"]
    )
    assert result.exit_code != 0 and "control characters" in result.output
    with app.app_context():
        assert get_session().scalars(select(Disruption)).all() == []


def test_what_twilio_heard_is_cleaned_and_says_what_changed() -> None:
    heard = cleaned_speech("mijn\x00 printer\x1b[31m doet het niet " + "heel " * 200, 500)
    assert "\x00" not in heard.text and "\x1b" not in heard.text
    assert heard.text.startswith("mijn printer [31m doet het niet heel")
    assert len(heard.text) <= 500 and not heard.text.endswith(" ")
    assert heard.changes == ("control characters removed", "shortened from 1031 characters")


def test_a_text_stored_before_the_check_is_listed_escaped(app: Flask) -> None:
    with app.app_context():
        session = get_session()
        session.add(Disruption(text_nl="Mail\x07 ligt \x1b[31meruit", text_de="Mail",
                               severity="functions_fail", started_at=local(2026, 11, 24, 9, 0),
                               started_by="anouk"))  # fmt: skip
        session.commit()
    listed = app.test_cli_runner().invoke(args=["disruptions", "list"]).output
    assert "\x07" not in listed and "\x1b" not in listed  # (PostgreSQL refuses NUL itself)
    assert "Mail\\x07 ligt \\x1b[31meruit" in listed
