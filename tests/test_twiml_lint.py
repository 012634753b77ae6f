"""The TwiML lint (tests/support/twiml_lint.py) finds what Twilio's documentation forbids, and
is applied to the app's answers in every test."""

from __future__ import annotations

import pytest

from tests.support import twiml_lint

HEAD = '<?xml version="1.0" encoding="UTF-8"?>'


@pytest.mark.parametrize(
    ("document", "context", "found"),
    [
        ("<Response><Dial>+31</Dial></Response>", "wait", "<Dial> is not allowed here"),
        ("<Response><Record/></Response>", "wait", "<Record> is not allowed here"),
        ("<Response><Gather/></Response>", "queue-url", "<Gather> is not allowed here"),
        ("<Response><Leave/></Response>", "call", "<Leave> is not allowed here"),
        ("<Response><Gather><Record/></Gather></Response>", "call", "may not contain <Record>"),
        ("<Response><Hangup/><Say>x</Say></Response>", "call", "<Say> after <Hangup>"),
        ('<Response><Dial callerId="anonymous">+31</Dial></Response>', "call", "callerId"),
        ('<Response><Say language="en-XX">x</Say></Response>', "call", "not a language"),
        (
            '<Response><Say language="nl-NL" voice="Polly.Vicki-Neural">x</Say></Response>',
            "call",
            "does not speak nl-NL",
        ),
        (
            '<Response><Say language="de-DE" voice="Google.nl-NL-Standard-A">x</Say></Response>',
            "call",
            "does not speak de-DE",
        ),
        ('<Response><Gather input="voice"/></Response>', "call", "dtmf and/or speech"),
        ('<Response><Gather numDigits="0"/></Response>', "call", "numDigits"),
        ('<Response><Record method="PUT"/></Response>', "call", "GET or POST"),
        ("<Response><Redirect/></Response>", "call", "<Redirect> without a URL"),
        ("<Dial/>", "call", "not <Response>"),
    ],
)
def test_the_lint_finds_what_twilio_forbids(document: str, context: str, found: str) -> None:
    problems = twiml_lint.problems(HEAD + document, context)
    assert any(found in p for p in problems), problems


def test_speech_model_with_auto_timeout_is_found() -> None:
    document = HEAD + (
        '<Response><Gather input="speech" language="nl-NL" speechModel="googlev2_short" '
        'speechTimeout="auto"/></Response>'
    )
    assert any("speechTimeout" in p for p in twiml_lint.problems(document))
