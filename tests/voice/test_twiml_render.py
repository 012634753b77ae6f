"""The line's TwiML writer gives exactly what the twilio library's `str(response)` gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from twilio.twiml import GenericNode, TwiML
from twilio.twiml.voice_response import VoiceResponse

from ivr.voice.twiml import render
from tests.twiml import parse

# Text as callers' words, prompts and URLs bring it: markup characters, quotes, white space,
# umlauts, and characters UTF-8 cannot carry (lone surrogates) or XML should not (controls).
TEXT = st.text(
    alphabet=st.sampled_from([*"aZ09 &<>\"'\r\n\t;=?/:äöüßéë€\u00a0", "\ud800", "\x01"]),
    max_size=12,
)
NAMES = st.sampled_from(["Say", "Play", "Gather", "Redirect", "Dial", "Queue", "Pause"])
ATTRIBUTES = st.dictionaries(
    st.sampled_from(["action", "language", "voice", "numDigits", "timeout", "xml:lang"]),
    st.one_of(TEXT, st.booleans(), st.integers(-5, 600)),
    max_size=4,
)


@st.composite
def nodes(draw: st.DrawFn, depth: int = 0) -> TwiML:
    node = GenericNode(draw(NAMES), draw(st.one_of(st.none(), TEXT)))
    node.attrs.update(draw(ATTRIBUTES))
    for _ in range(draw(st.integers(0, 3 if depth < 3 else 0))):
        node.verbs.append(draw(st.one_of(TEXT, nodes(depth=depth + 1))))
    return node


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(nodes(), TEXT), max_size=4))
def test_any_document_is_written_as_the_library_writes_it(verbs: list[TwiML | str]) -> None:
    response = VoiceResponse()
    response.verbs.extend(verbs)
    assert render(response) == str(response)


def test_the_line_s_usual_verbs_are_written_as_the_library_writes_them() -> None:
    response = VoiceResponse()
    gather = response.gather(
        action="/voice/menu/language/answer?lang=nl&attempt=1",
        input="dtmf speech",
        num_digits=1,
        timeout=5,
        hints="Nederlands, Deutsch",
        speech_model="deepgram_nova-2",
        action_on_empty_result=True,
    )
    gather.say('Welkom bij de servicedesk. Kies 1 voor "Nederlands".', language="nl-NL")
    gather.play("https://ivr.example.test/audio/de/welkom.mp3")
    response.pause(length=1)
    response.redirect("/voice/menu/language?attempt=1&lang=de")
    response.hangup()
    assert render(response) == str(response)
    parse(render(response))
