"""A sentence agents can read (issue 13): the caller's one sentence, recognised in Dutch or
German, in the whisper, the work list, the incident page, the API, the export and the hand-off;
silence changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.switchboard import Switchboard
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.services.agents import add_agent
from ivr.services.outbox import Receiver, deliver_due
from ivr.services.users import create_token
from ivr.spoken import digits
from tests.conftest import TOKEN, local
from tests.voice.conftest import ACCOUNT, DESK_NUMBER, incident_of

OPEN = local(2026, 11, 24, 10, 0)
CLOSED = local(2026, 11, 24, 20, 0)
ANOUK, JONAS = "+31687000001", "+4917600000002"  # Dutch, German
AGENT_OF = {"nl": ANOUK, "de": JONAS}
SENTENCE = {
    "nl": "De printer op de tweede verdieping drukt niets af",
    "de": "Der Drucker im zweiten Stock druckt nichts",
}
WHISPER_SAYS = {"nl": "Samenvatting: ", "de": "Zusammenfassung: "}
ASKED = {"nl": "Terwijl u wacht: waar gaat het om?", "de": "Während Sie warten: Worum geht es?"}
CALLER_OF = {"nl": "+31612345678", "de": "+4915123456789"}


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as twilio:
        yield twilio


def summary_app(make_app, fake: FakeTwilio, ask: bool = True) -> Flask:  # type: ignore[no-untyped-def]
    """The line with agents' phones behind the fake Twilio, a ticket system, ASK_SUMMARY on."""
    return make_app(
        ASK_SUMMARY=ask,
        INCIDENT_WEBHOOK_URL="http://127.0.0.1:9/tickets",
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_NUMBER=DESK_NUMBER,
        TWILIO_API_BASE=fake.base_url,
        WRAP_UP_SECONDS=0,
    )


@pytest.fixture
def app(make_app, fake: FakeTwilio) -> Flask:  # type: ignore[no-untyped-def]
    return summary_app(make_app, fake)


def spoken_reference(reference: str) -> str:
    return digits(reference)


def hand_offs(app: Flask, clock: FixedClock) -> list[dict]:
    """What the ticket system receives (the outbox delivers, its HTTP post captured)."""
    sent: list[bytes] = []

    def post(url, data, headers, timeout):  # type: ignore[no-untyped-def]  # requests.post
        sent.append(data)
        return SimpleNamespace(status_code=204, ok=True, text="")

    with app.app_context():
        database = app.extensions["ivr.db"]
        receiver = Receiver("http://127.0.0.1:9/tickets", "secret", 5)
        deliver_due(database.sessions, receiver, clock.now(), post=post)
    return [json.loads(body)["incident"] for body in sent]


def queue_and_whisper(
    app: Flask,
    fake: FakeTwilio,
    clock: FixedClock,
    lang: str,
    said: str | None,
    sure: float,
    number: str = "",
) -> tuple[TwilioCall, str]:
    """In hours a caller reports a disruption and waits; what they said; the agent's whisper."""
    clock.set(OPEN)
    with app.app_context():
        if not get_session().scalars(select(Agent)).first():
            add_agent(get_session(), "Anouk", ANOUK, "nl")
            add_agent(get_session(), "Jonas", JONAS, "de")
    fake.calls.clear()  # a new switchboard: earlier offers are not rung again
    board = Switchboard(fake, InProcess(app, token=TOKEN), line_number=DESK_NUMBER)
    call = board.call(number or CALLER_OF[lang])  # a first-time caller
    call.start()
    for key in ("1" if lang == "nl" else "2") + "111":  # language, disruption, all, cannot work
        call.press(key)
    assert call.queued, call.as_text()
    if app.config["ASK_SUMMARY"]:
        assert call.waiting_attributes["input"] == "speech"
        assert call.waiting_attributes["language"] == {"nl": "nl-NL", "de": "de-DE"}[lang]
        assert call.waiting_attributes["speechModel"] == "deepgram_nova-2"  # both languages
        assert ASKED[lang] in call.heard
        if said is None:
            call.silence()
        else:
            call.speak(said, confidence=sure)
    board.pump()  # the agent's phone rang meanwhile: answered, whispered, 1 pressed
    (leg,) = board.legs.values()
    assert leg.to_number == AGENT_OF[lang]
    assert board.connected == [(AGENT_OF[lang], call.call_sid)]
    whisper = " ".join(h.text for h in leg.transcript if h.kind == "say")
    board.finish_all()
    return call, whisper


def test_out_of_hours_the_sentence_follows_the_recording_and_reaches_the_hand_off(
    app: Flask, phone, clock
) -> None:
    clock.set(CLOSED)
    call = phone()
    call.start()
    for key in "1112":
        call.press(key)
    call.record(duration=30)
    assert call.waiting_attributes["input"] == "speech"
    call.speak("De printer op de tweede verdieping drukt niets af", confidence=0.8)
    call.press("1")  # the callback number is right
    assert call.waiting_for is None
    sent: list[bytes] = []

    def post(url, data, headers, timeout):  # type: ignore[no-untyped-def]  # requests.post
        sent.append(data)
        return SimpleNamespace(status_code=204, ok=True, text="")

    with app.app_context():
        database = app.extensions["ivr.db"]
        receiver = Receiver("http://127.0.0.1:9/tickets", "secret", 5)
        deliver_due(database.sessions, receiver, clock.now(), post=post)
    (body,) = sent
    handed = json.loads(body)["incident"]
    assert handed["summary"] == "De printer op de tweede verdieping drukt niets af"
    assert handed["summary_confidence"] == pytest.approx(0.8)
    exported = json.loads(app.test_cli_runner().invoke(args=["incidents", "export"]).output)
    assert exported["summary"] == handed["summary"]


def test_silence_stores_nothing_and_the_report_goes_on(app: Flask, phone, clock) -> None:
    clock.set(CLOSED)
    call = phone()
    call.start()
    for key in "2112":  # in German
        call.press(key)
    call.record(duration=12)
    assert "Worum geht es?" in call.heard
    call.silence()
    assert "Wir rufen Sie unter 0 6, 12, 34, 56, 78 zurück." in call.heard
    call.press("1")
    assert call.waiting_for is None
    incident = incident_of(app, call)
    assert (incident.summary, incident.status) == (None, "open")


@pytest.mark.parametrize("lang", ["nl", "de"])
def test_in_hours_the_sentence_asked_while_waiting_reaches_whisper_work_list_and_hand_off(
    app: Flask, fake: FakeTwilio, clock: FixedClock, staff: FlaskClient, lang: str
) -> None:
    call, whisper = queue_and_whisper(app, fake, clock, lang, SENTENCE[lang], 0.85)
    assert WHISPER_SAYS[lang] + SENTENCE[lang] in whisper
    incident = incident_of(app, call)
    assert (incident.summary, incident.summary_confidence) == (SENTENCE[lang], 0.85)
    assert incident.status == "acknowledged"
    page = staff.get("/console/").get_data(as_text=True)
    assert f'<q class="summary">{SENTENCE[lang]}</q>' in page
    assert "recognised uncertainly" not in page
    page = staff.get(f"/console/incidents/{incident.reference}").get_data(as_text=True)
    assert SENTENCE[lang] in page
    (handed,) = [h for h in hand_offs(app, clock) if h["reference"] == incident.reference]
    assert handed["summary"] == SENTENCE[lang]
    with app.app_context():
        token = create_token(get_session(), "ticket-sync", clock.now())
    api = app.test_client().get(
        f"/api/incidents/{incident.reference}", headers={"Authorization": f"Bearer {token}"}
    )
    assert (api.json["summary"], api.json["summary_confidence"]) == (SENTENCE[lang], 0.85)
    exported = app.test_cli_runner().invoke(args=["incidents", "export"]).output
    assert json.loads(exported)["summary"] == SENTENCE[lang]


@pytest.mark.parametrize("lang", ["nl", "de"])
def test_an_empty_sentence_while_waiting_changes_nothing(
    app: Flask, fake: FakeTwilio, clock: FixedClock, lang: str
) -> None:
    app.config["ASK_SUMMARY"] = False
    plain_call, plain = queue_and_whisper(app, fake, clock, lang, None, 0, "+31687555555")
    app.config["ASK_SUMMARY"] = True
    call, whisper = queue_and_whisper(app, fake, clock, lang, None, 0)
    reference = incident_of(app, plain_call).reference
    assert whisper == plain.replace(
        spoken_reference(reference), spoken_reference(incident_of(app, call).reference)
    )
    assert WHISPER_SAYS[lang] not in whisper
    incident = incident_of(app, call)
    assert (incident.summary, incident.status) == (None, "acknowledged")
    handed = {h["reference"]: h for h in hand_offs(app, clock)}
    assert handed[incident.reference]["summary"] is None


def test_a_doubtful_or_long_sentence_is_kept_but_not_whispered(
    app: Flask, fake: FakeTwilio, clock: FixedClock, staff: FlaskClient
) -> None:
    call, whisper = queue_and_whisper(app, fake, clock, "nl", SENTENCE["nl"], 0.3)
    assert "Samenvatting" not in whisper
    incident = incident_of(app, call)
    assert (incident.summary, incident.summary_confidence) == (SENTENCE["nl"], 0.3)
    page = staff.get("/console/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert f'<q class="summary">{SENTENCE["nl"]}</q> <span class="muted">(onzeker herkend)' in page


def test_a_long_sentence_is_not_whispered(make_app, fake: FakeTwilio, clock: FixedClock) -> None:
    app = summary_app(make_app, fake)
    app.config["WHISPER_SUMMARY_WORDS"] = 5
    call, whisper = queue_and_whisper(app, fake, clock, "de", SENTENCE["de"], 0.9)
    assert "Zusammenfassung" not in whisper  # seven words: for the work list, not the phone
    assert incident_of(app, call).summary == SENTENCE["de"]
