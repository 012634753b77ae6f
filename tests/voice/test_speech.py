"""Speech at the menus: the first, bilingual menu understands both languages; a pinned model."""

from __future__ import annotations

import pytest
from flask import Flask

from ivr.domain.call_flow import LANGUAGE_MENU, interpret


def _gathers(call) -> list:  # type: ignore[no-untyped-def]
    root = call._last_root
    return [g for g in root.iter("Gather") if "speech" in (g.get("input") or "")]


def test_first_menu_hints_the_words_of_both_languages(app: Flask, phone) -> None:
    call = phone()
    call.start()
    (gather,) = _gathers(call)
    hints = {h.strip() for h in (gather.get("hints") or "").split(",")}
    assert {"nederlands", "niederländisch", "deutsch", "duits", "zwei", "twee"} <= hints


@pytest.mark.parametrize(
    "said", ["Deutsch", "auf Deutsch bitte", "Deutsche Sprache", "zwei", "Ich spreche Deutsch"]
)
def test_deutsch_said_to_the_first_menu_continues_in_german(app: Flask, phone, said) -> None:
    call = phone()
    call.start()
    call.speak(said)
    assert "/menu/language" not in call.requests[-1][0], call.as_text()  # understood
    assert call.last_language == "de-DE", call.as_text()


@pytest.mark.parametrize("said", ["Nederlands", "Niederländisch", "Holländisch bitte"])
def test_dutch_said_in_either_language_chooses_dutch(said: str) -> None:
    answer = interpret(LANGUAGE_MENU, "", said, "nl")
    assert answer.choice is not None and answer.choice.value == "nl"


def test_speech_model_is_pinned_on_every_speech_gather(make_app, phone) -> None:
    app = make_app(SPEECH_MODEL="googlev2_telephony")
    from ivr.phone.transport import InProcess
    from ivr.phone.twilio_call import TwilioCall
    from tests.conftest import TOKEN

    call = TwilioCall(InProcess(app, token=TOKEN))
    call.start()
    for key in ("1", "1"):
        gathers = _gathers(call)
        assert gathers and all(g.get("speechModel") == "googlev2_telephony" for g in gathers)
        call.press(key)


def test_without_a_pinned_model_twilio_chooses(app: Flask, phone) -> None:
    call = phone()
    call.start()
    assert all(g.get("speechModel") is None for g in _gathers(call))
