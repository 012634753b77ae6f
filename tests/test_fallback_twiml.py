"""The "Primary handler fails" document: callers are never dropped even when the app is down."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pytest
from flask import Flask

from ivr import prompts
from ivr.i18n import render
from ivr.phone.transport import Form, InProcess, Reply
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN
from tests.support import mustache
from tests.twiml import parse, spoken
from tests.voice.conftest import incidents

BASE = "https://ivr.example.test"
BIN_URL = "https://handler.twilio.com/twiml/EH0123"
DIALLED_URL = "https://handler.twilio.com/twiml/EH0456"
OUTCOME_URL = "https://handler.twilio.com/twiml/EH0789"
FALLBACK = "+31201234567"


def _document(app: Flask, *extra: str) -> str:
    result = app.test_cli_runner().invoke(
        args=["twilio", "fallback-twiml", "--base-url", BASE, *extra]
    )
    assert result.exit_code == 0, result.output
    return result.stdout  # warnings go to stderr: the document stays pasteable


def test_apologises_in_both_languages_without_the_app(make_app) -> None:
    root = parse(_document(make_app()))
    languages = [say.get("language") for say in root.iter("Say")]
    assert "nl-NL" in languages and "de-DE" in languages
    text = spoken(root)
    for locale in ("nl", "de"):
        assert render(prompts.APOLOGY, locale) in text
        assert render(prompts.APOLOGY_RECORD, locale) in text
    assert root.find("Play") is None  # studio audio lives on the app, which may be down


def test_dials_the_fallback_number_then_records(make_app) -> None:
    app = make_app(FALLBACK_NUMBER=FALLBACK, TWILIO_NUMBER="+31413741742")
    root = parse(_document(app, "--next-url", DIALLED_URL))
    dial = root.find("Dial")
    assert dial is not None and (dial.text or "").strip() == FALLBACK
    # The Dial's action is the "dialled" Bin: a message is asked for only when nobody answered.
    assert dial.get("action") == DIALLED_URL
    assert dial.get("callerId") == "+31413741742"
    assert root.find("Record") is None
    outcome = _document(app, "--part", "outcome")
    record = parse(mustache.render(outcome, {"no-answer": "1"})).find("Record")
    assert record is not None
    assert record.get("recordingStatusCallback") == f"{BASE}/voice/safe/recorded"
    assert record.get("action") == f"{BASE}/voice/safe/recorded"


def test_without_fallback_number_only_records(make_app) -> None:
    root = parse(_document(make_app()))
    assert root.find("Dial") is None and root.find("Record") is not None


def test_writes_the_document_to_a_file(make_app, tmp_path) -> None:
    path = tmp_path / "fallback.xml"
    _document(make_app(), "--output", str(path))
    parse(path.read_text(encoding="utf-8"))


@dataclass
class _TwilioBins:
    """TwiML Bins rendering their templates over the request; every other URL is the app (back
    up by then)."""

    bins: dict[str, str]
    app: InProcess
    base_url: str = BIN_URL

    def post(self, url: str, form: Form, headers: Mapping[str, str] | None = None) -> Reply:
        address, _, query = url.partition("?")
        if address in self.bins:
            params = {**dict(parse_qsl(query)), **form}
            return Reply(200, mustache.render(self.bins[address], params), "text/xml")
        return self.app.post(url, form, headers)


def _fallback_call(app: Flask) -> TwilioCall:
    bins = {
        OUTCOME_URL: _document(app, "--part", "outcome"),
        DIALLED_URL: _document(app, "--part", "dialled", "--next-url", OUTCOME_URL),
        BIN_URL: _document(app, "--next-url", DIALLED_URL),
    }
    transport = _TwilioBins(bins, InProcess(app, token=TOKEN, base_url=BASE))
    call = TwilioCall(transport, incoming_url=BIN_URL, status_url=f"{BASE}/voice/status")
    call.start()
    assert call.waiting_for == "dial" and call.dialled == [FALLBACK]
    return call


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_a_caller_nobody_answers_leaves_a_message_the_app_keeps(make_app, status: str) -> None:
    app = make_app(FALLBACK_NUMBER=FALLBACK)
    call = _fallback_call(app)
    call.dial_outcome(status)
    assert call.waiting_for == "record"
    call.record(duration=9)
    assert call.waiting_for is None
    (incident,) = incidents(app)
    assert incident.recording_duration == 9 and incident.recording_url


@pytest.mark.parametrize("status", ["completed", "answered"])
def test_a_finished_conversation_with_the_fallback_person_asks_for_no_message(
    make_app, status: str
) -> None:
    app = make_app(FALLBACK_NUMBER=FALLBACK)
    call = _fallback_call(app)
    call.dial_outcome(status)
    assert call.waiting_for is None  # hung up: no spurious message, no incident
    assert incidents(app) == []


def test_the_primary_bin_with_a_fallback_number_needs_the_dialled_bins_url(make_app) -> None:
    app = make_app(FALLBACK_NUMBER=FALLBACK)
    result = app.test_cli_runner().invoke(args=["twilio", "fallback-twiml", "--base-url", BASE])
    assert result.exit_code != 0 and "--next-url" in result.output


def test_warns_when_the_fallback_number_would_see_a_withheld_placeholder(make_app) -> None:
    app = make_app(FALLBACK_NUMBER=FALLBACK, TWILIO_NUMBER="")
    result = app.test_cli_runner().invoke(
        args=["twilio", "fallback-twiml", "--base-url", BASE, "--next-url", DIALLED_URL]
    )
    assert result.exit_code == 0
    assert "TWILIO_NUMBER" in result.stderr
    parse(result.stdout)  # the document itself stays clean for a TwiML Bin
