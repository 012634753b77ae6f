"""Speech that Twilio accepts (issue 23): a `<Gather>` with a speechModel never has
speechTimeout="auto" (warning 13335), and models are checked for nl-NL and de-DE at start."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy import select

from ivr import create_app
from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.switchboard import Switchboard
from ivr.phone.transport import Form, InProcess, Reply
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from ivr.speech_models import SpeechModelError
from tests.conftest import TOKEN, local
from tests.voice.conftest import ACCOUNT, DESK_NUMBER

OPEN = local(2026, 11, 24, 10, 0)
CLOSED = local(2026, 11, 24, 20, 0)


@dataclass
class Recorded(InProcess):
    """InProcess that keeps every TwiML document the line answered."""

    documents: list[str] = field(default_factory=list)

    def post(self, url: str, form: Form, headers: Mapping[str, str] | None = None) -> Reply:
        reply = super().post(url, form, headers)
        self.documents.append(reply.body)
        return reply

    def gathers(self) -> list[ET.Element]:
        found: list[ET.Element] = []
        for body in self.documents:
            if body.lstrip().startswith("<?xml") or body.lstrip().startswith("<Response"):
                found.extend(ET.fromstring(body).iter("Gather"))
        return found


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as twilio:
        yield twilio


def speech_app(make_app, fake: FakeTwilio) -> Flask:  # type: ignore[no-untyped-def]
    return make_app(
        ASK_SUMMARY=True,
        SPEECH_MODEL="deepgram_nova-3",
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_NUMBER=DESK_NUMBER,
        TWILIO_API_BASE=fake.base_url,
        WRAP_UP_SECONDS=0,
    )


def assert_no_auto_with_a_model(gathers: list[ET.Element]) -> None:
    modelled = [g for g in gathers if g.get("speechModel")]
    assert modelled, "the call had no Gather with a speechModel"
    for gather in modelled:
        timeout = gather.get("speechTimeout", "")
        assert timeout.isdigit() and int(timeout) > 0, ET.tostring(gather)


def test_out_of_hours_no_gather_with_a_model_says_auto(
    make_app, fake: FakeTwilio, clock: FixedClock
) -> None:
    app = speech_app(make_app, fake)
    clock.set(CLOSED)
    transport = Recorded(app, token=TOKEN)
    call = TwilioCall(transport, to_number=DESK_NUMBER)
    call.start()
    for key in "1112":
        call.press(key)
    call.record(duration=30)
    assert call.waiting_attributes["input"] == "speech"  # the summary
    call.speak("De printer drukt niets af", confidence=0.8)
    call.press("1")
    assert call.waiting_for is None
    gathers = transport.gathers()
    assert {g.get("speechModel") for g in gathers} >= {"deepgram_nova-3", "deepgram_nova-2"}
    assert_no_auto_with_a_model(gathers)


@pytest.mark.parametrize("lang", ["nl", "de"])
def test_in_hours_no_gather_with_a_model_says_auto(
    make_app, fake: FakeTwilio, clock: FixedClock, lang: str
) -> None:
    app = speech_app(make_app, fake)
    clock.set(OPEN)
    with app.app_context():
        if not get_session().scalars(select(Agent)).first():
            add_agent(get_session(), "Anouk", "+31687000001", "nl")
            add_agent(get_session(), "Jonas", "+4917600000002", "de")
    transport = Recorded(app, token=TOKEN)
    board = Switchboard(fake, transport, line_number=DESK_NUMBER)
    call = board.call("+31612345678" if lang == "nl" else "+4915123456789")
    call.start()
    for key in ("1" if lang == "nl" else "2") + "111":
        call.press(key)
    assert call.queued, call.as_text()
    assert call.waiting_attributes["speechModel"] == "deepgram_nova-2"  # the summary
    call.speak("Der Drucker druckt nichts", confidence=0.9)
    board.pump()
    board.finish_all()
    assert_no_auto_with_a_model(transport.gathers())


def test_without_a_model_the_menus_keep_auto(app: Flask, phone) -> None:
    call = phone()
    call.start()
    assert call.waiting_attributes.get("speechModel") is None
    assert call.waiting_attributes["speechTimeout"] == "auto"


def test_the_timeout_is_a_setting(make_app) -> None:
    app = make_app(SPEECH_MODEL="deepgram_nova-2", SPEECH_TIMEOUT_SECONDS=4)
    call = TwilioCall(InProcess(app, token=TOKEN), to_number=DESK_NUMBER)
    call.start()
    assert call.waiting_attributes["speechTimeout"] == "4"


@pytest.mark.parametrize("setting", ["SPEECH_MODEL", "SUMMARY_SPEECH_MODEL"])
@pytest.mark.parametrize("model", ["phone_call", "deepgram_nova-2-meeting", "googlev2_long"])
def test_an_undocumented_model_is_refused_at_start_naming_the_setting(
    app_config: dict[str, object], setting: str, model: str
) -> None:
    with pytest.raises(SpeechModelError, match=setting):
        create_app({**app_config, setting: model})


def test_a_zero_speech_timeout_is_refused_at_start(app_config: dict[str, object]) -> None:
    with pytest.raises(SpeechModelError, match="SPEECH_TIMEOUT_SECONDS"):
        create_app({**app_config, "SPEECH_TIMEOUT_SECONDS": 0})


def test_the_default_models_are_documented_for_both_languages(
    app_config: dict[str, object],
) -> None:
    from ivr.config import load_config
    from ivr.speech_models import SPEECH_MODELS

    defaults = load_config({})
    assert SPEECH_MODELS[defaults["SUMMARY_SPEECH_MODEL"]] >= {"nl-NL", "de-DE"}
    assert defaults["SPEECH_MODEL"] == ""  # Twilio chooses
    create_app(app_config).extensions["ivr.db"].engine.dispose()
