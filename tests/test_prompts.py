"""What callers hear: complete Dutch and German catalogs, recordings played, the review tools."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from flask import Flask

from ivr import catalogs, prompts
from ivr.i18n import LOCALES, PROMPTS_DIR, render
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.prompts import REGISTRY
from tests.conftest import TOKEN
from tests.voice.conftest import DESK_NUMBER

SAMPLE_VALUES = {
    "reason": "Tweede Kerstdag",
    "when": "op maandag 28 december om 08:30",
    "start": "op zaterdag 5 december om 22:00",
    "end": "op zondag 6 december om 02:00",
    "description": "Telefooncentrale",
    "summary": "Mijn laptop start niet op",
    "language": "Duits",
    "category": 2,
    "reference": "1 2 3 4, 5 6 7 8",
    "days": 90,
    "digits": "7 8",
    "number": "0 6 1 2, 3 4 5 6, 7 8",
    "duration": "2 uur",
    "position": 3,
    "name": "Anouk",
    "time": "om 10:10",
    "impact": "alle gebruikers",
    "severity": "kan niet werken",
    "next": "morgen om 08:30",
}
SAME_IN_EVERY_LANGUAGE: set[str] = set()


def test_the_catalogs_have_no_gaps() -> None:
    assert catalogs.check() == []


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("prompt", list(REGISTRY.values()), ids=lambda p: p.id)
def test_every_prompt_reads_as_a_sentence_in(prompt, locale: str) -> None:
    text = render(prompt, locale, **SAMPLE_VALUES)
    assert "{" not in text and "}" not in text
    if prompt.id not in SAME_IN_EVERY_LANGUAGE:
        assert text != prompt.source.format(**SAMPLE_VALUES), "still the English source"


def test_keys_are_named_as_on_a_dutch_and_a_german_phone() -> None:
    assert "hekje" in render(prompts.RECORD_INCIDENT, "nl")
    assert "Rautetaste" in render(prompts.RECORD_INCIDENT, "de")
    assert "sterretje" in render(prompts.REPEAT_HINT, "nl")
    assert "Sterntaste" in render(prompts.REPEAT_HINT, "de")
    assert "Sie" in render(prompts.SEVERITY_CANNOT_WORK, "de").split()
    assert "u" in render(prompts.SEVERITY_CANNOT_WORK, "nl").split()


def broken_copy(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    copy = tmp_path / "voice_prompts"
    shutil.copytree(PROMPTS_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    path = catalogs.po_path("de", copy)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="de")
    edit(catalog)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return copy


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda c: setattr(c.get(*GOODBYE), "string", ""), "de: goodbye has no translation"),
        (lambda c: c.get(*GOODBYE).flags.add("fuzzy"), "de: goodbye is fuzzy"),
        (
            lambda c: setattr(c.get(*REFERENCE), "string", "Ihre Referenz: {ref}."),
            "de: reference placeholders ['ref'] differ",
        ),
        (
            lambda c: c.add("Old", "Alt", context="retired_prompt"),
            "de: retired_prompt is in the catalog but no longer a prompt",
        ),
    ],
    ids=["missing", "fuzzy", "placeholder", "stray"],
)
def test_check_finds_each_kind_of_gap(tmp_path: Path, edit, problem: str) -> None:
    problems = catalogs.check(broken_copy(tmp_path, edit))
    assert any(p.startswith(problem) for p in problems), problems


GOODBYE = (prompts.GOODBYE.source, "goodbye")
REFERENCE = (prompts.REFERENCE.source, "reference")


def test_check_finds_recordings_without_a_prompt(tmp_path: Path) -> None:
    copy = broken_copy(tmp_path, lambda c: None)
    (copy / "audio" / "nl" / "welcome_old.mp3").write_bytes(b"ID3")
    (copy / "audio" / "de" / "reference.wav").write_bytes(b"RIFF")
    problems = catalogs.check(copy)
    assert "audio nl/welcome_old.mp3: no prompt 'welcome_old'" in problems
    assert any(
        p.startswith("audio de/reference.wav: reference has dynamic parts") for p in problems
    )


def test_check_finds_a_template_out_of_date(tmp_path: Path) -> None:
    copy = broken_copy(tmp_path, lambda c: None)
    pot = copy / "messages.pot"
    pot.write_text(pot.read_text(encoding="utf-8").replace("Goodbye.", "Bye."), encoding="utf-8")
    assert any("out of date" in p for p in catalogs.check(copy))


def test_prompts_check_command(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["prompts", "check"])
    assert result.exit_code == 0, result.output
    assert f"{len(REGISTRY)} prompts" in result.output


def test_prompts_check_command_fails_on_a_stray_recording(make_app, tmp_path: Path) -> None:
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "greting.mp3").write_bytes(b"ID3")
    app = make_app(AUDIO_DIR=str(tmp_path))
    result = app.test_cli_runner().invoke(args=["prompts", "check"])
    assert result.exit_code != 0
    assert "no prompt 'greting'" in result.output


def test_prompts_list_shows_the_whole_script(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["prompts", "list"])
    assert result.exit_code == 0
    assert "  nl  Welkom bij de servicedesk." in result.output
    assert "  de  Willkommen beim Servicedesk." in result.output
    assert result.output.count("[says (Polly.Vicki-Neural)]") == len(REGISTRY)


@pytest.fixture
def studio(tmp_path: Path) -> Path:
    """A studio take of the Dutch greeting only."""
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "greeting.mp3").write_bytes(b"ID3 fake mp3")
    return tmp_path


def test_recorded_prompt_is_played_and_others_are_said(make_app, studio: Path) -> None:
    app = make_app(AUDIO_DIR=str(studio))
    call = TwilioCall(InProcess(app, token=TOKEN), to_number=DESK_NUMBER)
    call.start()
    first, dutch, german = call.transcript[:3]
    assert (first.kind, first.text) == ("play", "https://ivr.example.test/audio/nl/greeting.mp3")
    assert (dutch.kind, dutch.language) == ("say", "nl-NL")  # no take of this one: synthesised
    assert (german.kind, german.language) == ("say", "de-DE")
    with app.test_client().get("/audio/nl/greeting.mp3") as response:
        assert response.status_code == 200 and response.data == b"ID3 fake mp3"
        assert "max-age=86400" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/audio/nl/../../app.py",
        "/audio/nl/%2e%2e%2f%2e%2e%2fapp.py",
        "/audio/nl/..%2f..%2fREADME.md",
        "/audio/nl//etc/passwd",
        "/audio/nl/greeting.txt",
        "/audio/en/greeting.mp3",
        "/audio/nl/missing.mp3",
        "/audio/../voice_prompts/nl/LC_MESSAGES/messages.po",
    ],
)
def test_audio_route_serves_nothing_outside_its_folder(make_app, studio: Path, path: str) -> None:
    app = make_app(AUDIO_DIR=str(studio))
    assert app.test_client().get(path).status_code == 404


def test_audio_needs_no_signature_and_voice_still_does(make_app, studio: Path) -> None:
    client = make_app(AUDIO_DIR=str(studio)).test_client()
    with client.get("/audio/nl/greeting.mp3") as response:
        assert response.status_code == 200
    assert client.post("/voice/incoming").status_code == 403
