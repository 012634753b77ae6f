"""`flask call`, the terminal phone, run unattended: what the caller hears, and what is kept."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from tests.voice.conftest import incidents

SATURDAY_NIGHT = "2026-12-26 22:30"  # Tweede Kerstdag
OPEN_TUESDAY = "2026-11-24 10:00"


def run_call(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    # --keep: these tests read what the call left in the database (tests/phone/test_scratch.py
    # holds the default, a scratch copy).
    return app.test_cli_runner().invoke(args=["call", "--keep", *args])


def test_out_of_hours_german_call_takes_the_report(app: Flask, tmp_path: Path) -> None:
    transcript = tmp_path / "call.txt"
    result = run_call(
        app,
        "--at", SATURDAY_NIGHT,
        "--from", "+4915123456789",
        "--keys", "2,1,3,3,1",
        "--transcript", str(transcript),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (incident,) = incidents(app)
    assert (incident.language, incident.category, incident.status) == ("de", 4, "open")
    text = transcript.read_text(encoding="utf-8")
    said = [line for line in text.splitlines() if line.strip().startswith("say:")]
    assert all("[de-DE]" in line for line in said[4:])  # after the bilingual language menu
    digits = " ".join(incident.reference[:4]) + ", " + " ".join(incident.reference[4:])
    assert digits in text
    assert "am Montag, 28. Dezember um 08:30 Uhr" in text
    assert "caller: presses 2" in text and "caller: speaks for" in text
    assert "call ended" in result.output


def test_in_hours_dutch_call_queues_until_a_simulated_agent_takes_it(
    app: Flask, agents: None, tmp_path: Path
) -> None:
    transcript = tmp_path / "call.txt"
    result = run_call(
        app, "--at", OPEN_TUESDAY, "--keys", "1,1,1,1", "--transcript", str(transcript)
    )
    assert result.exit_code == 0, result.output
    assert "U bent nummer 1 in de wachtrij." in result.output
    assert "is put through to +31687654321" in transcript.read_text(encoding="utf-8")
    (incident,) = incidents(app)
    assert (incident.category, incident.status, incident.acknowledged_by) == (
        1,
        "acknowledged",
        "Anouk",
    )
    offer = re.search(r"\[agent \+31687654321 phone: accept\] (.*)", result.output)
    assert offer and incident.reference[:4] in offer.group(1).replace(" ", "")
    assert "Gesprek aannemen: druk 1." in offer.group(1)


def test_a_voicemail_never_takes_the_call_and_nobody_left_means_a_report(
    app: Flask, agents: None
) -> None:
    result = run_call(
        app,
        "--at", OPEN_TUESDAY,
        "--agents", "voicemail",
        "--say", "Nederlands",
        "--say", "ik heb een storing",
        "--say", "alleen ik",
        "--say", "het gaat omslachtig",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert '> says "alleen ik"' in result.output
    assert "[agent +31687654321 phone: voicemail]" in result.output
    assert "is put through" not in result.output
    (incident,) = incidents(app)
    assert (incident.language, incident.category, incident.status) == ("nl", 4, "open")
    assert incident.acknowledged_by is None
    after_queue = result.output.split("phone: voicemail]")[1]
    said = [line for line in after_queue.splitlines() if line.startswith("  [")]
    assert len(said) > 3 and all(line.startswith("  [nl-NL]") for line in said)
    assert incident.reference[:4] in after_queue.replace(" ", "")


def test_when_the_script_runs_out_the_caller_is_silent_and_still_not_dropped(app: Flask) -> None:
    result = run_call(app, "--at", SATURDAY_NIGHT, "--keys", "1")
    assert result.exit_code == 0, result.output
    assert result.output.count("> says nothing") >= 2
    (incident,) = incidents(app)
    assert incident.status in ("partial", "open")


def test_unreachable_server_is_named(app: Flask) -> None:
    result = run_call(app, "--url", "http://127.0.0.1:9", "--keys", "1")
    assert result.exit_code != 0
    assert "cannot reach http://127.0.0.1:9/voice/incoming" in result.output


def test_bad_date_is_explained(app: Flask) -> None:
    result = run_call(app, "--at", "next tuesday", "--keys", "1")
    assert result.exit_code != 0
    assert "like 2027-04-27 10:00" in result.output
