"""`flask call` as a new operator uses it from the README and the manual: examples that work."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Call, OutboxMessage
from tests.voice.conftest import incidents

SATURDAY_NIGHT = "2026-12-26 22:30"  # a simulated time after the real one
OPEN_TUESDAY = "2026-11-24 10:00"


def run_call(app: Flask, *args: str, **kwargs):  # type: ignore[no-untyped-def]
    # --keep: these tests read what the call left in the database (tests/phone/test_scratch.py
    # holds the default, a scratch copy).
    return app.test_cli_runner().invoke(args=["call", "--keep", *args], **kwargs)


def caller_actions(output: str) -> list[str]:
    return [line.strip()[2:] for line in output.splitlines() if line.strip().startswith("> ")]


def test_an_unmigrated_database_is_explained_not_a_traceback(make_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A new operator who calls the line before `db upgrade` is told what to run."""
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}")
    result = run_call(app, "--at", SATURDAY_NIGHT, "--keys", "2")
    assert result.exit_code == 1
    assert "db upgrade" in result.output
    assert "Traceback" not in result.output


def test_says_and_keys_are_answered_in_the_order_given(app: Flask, agents: None) -> None:
    """The manual's spoken example: "Deutsch" to the first menu, then the words, then keys."""
    result = run_call(
        app, "--at", OPEN_TUESDAY,
        "--say", "Deutsch", "--say", "Ich habe eine Störung", "--keys", "2,1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    actions = caller_actions(result.output)
    assert actions[:4] == [
        'says "Deutsch"',
        'says "Ich habe eine Störung"',
        "presses 2",
        "presses 1",
    ], result.output
    (incident,) = incidents(app)
    assert (incident.language, incident.kind, incident.impact, incident.severity) == (
        "de", "incident", "some_users", "cannot_work",
    )  # fmt: skip


def test_each_call_comes_from_a_fresh_number_by_default(app: Flask) -> None:
    first = run_call(app, "--at", SATURDAY_NIGHT, "--keys", "2")
    second = run_call(app, "--at", SATURDAY_NIGHT, "--keys", "1")
    numbers = [line.split(" from ")[1].split()[0] for line in (first.output, second.output)]
    assert numbers[0] != numbers[1]
    with app.app_context():
        languages = sorted(c.language for c in get_session().scalars(select(Call)))
    assert languages == ["de", "nl"]  # the second caller was not taken for the first


def test_record_text_is_what_the_unattended_caller_says(app: Flask) -> None:
    words = "mijn laptop start niet meer op sinds de update van vanochtend"
    result = run_call(app, "--at", SATURDAY_NIGHT, "--keys", "1,1,1,2,1", "--record-text", words)
    assert result.exit_code == 0, result.output
    assert f'says "{words}"' in caller_actions(result.output)
    (incident,) = incidents(app)
    assert incident.recording_duration == len(words.split()) // 2


def test_end_of_input_in_an_interactive_call_is_a_hang_up(app: Flask) -> None:
    result = run_call(app, "--at", SATURDAY_NIGHT, input="1\n")
    assert result.exit_code == 0, result.output
    assert "Aborted" not in result.output
    assert "hangs up" in result.output
    with app.app_context():
        (call,) = get_session().scalars(select(Call))
        assert call.ended_at is not None and call.twilio_status == "completed"


def test_simulated_calls_queue_messages_due_on_the_real_clock(make_app) -> None:
    app = make_app(INCIDENT_WEBHOOK_URL="http://127.0.0.1:9/tickets")
    result = run_call(app, "--at", SATURDAY_NIGHT, "--keys", "1,1,1,2,1")
    assert result.exit_code == 0, result.output
    with app.app_context():
        messages = list(get_session().scalars(select(OutboxMessage)))
    assert messages
    assert all(m.next_attempt_at <= datetime.now(UTC) for m in messages)
