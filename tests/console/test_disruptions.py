"""Known disruptions end to end: declared in the console, heard by twenty callers in Dutch and
German, ten press 1 and skip the questions, ending it sends exactly those ten a message."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.console.conftest import post_form

ACCOUNT = "AC" + "4" * 32
SENDER = "+3197010203040"
TUESDAY = local(2026, 11, 24, 10, 0)
NL_TEXT = "De telefooncentrale in Utrecht is uitgevallen"
DE_TEXT = "Die Telefonanlage in Utrecht ist ausgefallen"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(ACCOUNT, TOKEN) as server:
        yield server


@pytest.fixture
def app(make_app, fake: FakeTwilio) -> Flask:  # type: ignore[no-untyped-def]
    return make_app(MESSAGES_FROM=SENDER, TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=fake.base_url)


def declare(staff: FlaskClient) -> str:
    reply = post_form(
        staff, "/console/disruptions", "/console/disruptions",
        text_nl=NL_TEXT, text_de=DE_TEXT, severity="functions_fail",
    )  # fmt: skip
    assert reply.status_code == 302, reply.get_data(as_text=True)
    return reply.location


def call_in(app: Flask, number: str, language: str) -> TwilioCall:
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=number)
    call.start()
    if NL_TEXT not in call.heard and DE_TEXT not in call.heard:  # a new caller: language first
        call.press(language)
    return call


def page_text(staff: FlaskClient, path: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", staff.get(path).get_data(as_text=True)))


def test_twenty_callers_ten_affected_ten_messages_when_it_ends(
    app: Flask, staff: FlaskClient, report, fake: FakeTwilio, clock: FixedClock
) -> None:
    earlier = report(local(2026, 11, 24, 9, 0), "1112", caller="+31612340000")  # own incident
    clock.set(TUESDAY)
    page = declare(staff)
    callers = [(f"+316123400{n:02d}", "1") for n in range(10)]
    callers += [(f"+491512345670{n}", "2") for n in range(10)]
    affected = set()
    for n, (number, language) in enumerate(callers):
        call = call_in(app, number, language)
        assert (NL_TEXT if language == "1" else DE_TEXT) in call.heard
        assert ("Is dit uw probleem? Druk 1." if language == "1" else "Taste 1.") in call.heard
        if n % 2 == 0:  # five Dutch and five German callers: "this is my problem"
            call.press("1")
            assert ("opgelost" if language == "1" else "behoben") in call.heard  # a message
            assert call.waiting_for is None  # no questions: the call ends
            affected.add(number)
        else:
            call.press("2")
            assert call.waiting_for == "gather"  # the purpose menu, as usual
            assert ("Storing" if language == "1" else "Störung") in call.heard
            call.hang_up()
    text = page_text(staff, page)
    assert "Affected callers: 10" in text
    assert "3 from the matrix" in text  # several users x certain functions fail
    assert "+316******00" in text and "+31612340000" not in text
    with app.app_context():  # the affected skipped the questions: no incident of theirs
        assert get_session().scalar(select(func.count()).select_from(Incident)) == 1
    post_form(staff, page, f"{page}/category", category="1")
    assert "1 set by staff" in page_text(staff, page)
    reply = post_form(staff, page, f"{page}/end")
    assert "10 text messages queued" in page_text(staff, reply.location)
    app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert sorted(m["to"] for m in fake.messages) == sorted(affected)
    bodies = {m["to"]: m["body"] for m in fake.messages}
    assert bodies["+31612340000"] == (
        f"Servicedesk: de storing die u meldde is voorbij: {NL_TEXT}."
    )
    assert bodies["+4915123456700"] == (
        f"Servicedesk: Die Störung, die Sie gemeldet haben, ist behoben: {DE_TEXT}."
    )
    # The caller's own open incident has the end in its history, in the caller's language, and
    # that message was its status report: the next is due one interval (category 2: four hours
    # of opening time) after the end, no longer four hours after the report at 09:00.
    with app.app_context():
        own = get_session().scalar(select(Incident).where(Incident.reference == earlier))
        assert own is not None and own.status_report_due == local(2026, 11, 24, 14, 0)
    assert f"De bekende storing is voorbij: {NL_TEXT}." in page_text(
        staff, f"/console/incidents/{earlier}"
    )
    # Over: the next caller goes straight on.
    call = call_in(app, "+31612349876", "1")
    assert NL_TEXT not in call.heard and call.waiting_for == "gather"


def test_declared_and_ended_from_the_command_line(app: Flask, clock: FixedClock) -> None:
    runner = app.test_cli_runner()
    out = runner.invoke(args=["disruptions", "declare", "--nl", NL_TEXT, "--de", DE_TEXT]).output
    assert "declared" in out
    call = call_in(app, "+4915123456799", "2")
    assert DE_TEXT in call.heard
    call.press("1")
    listed = runner.invoke(args=["disruptions", "list"]).output
    assert "ACTIVE" in listed and "affected 1 " in listed and "category 3" in listed
    disruption_id = listed.split()[0]
    out = runner.invoke(args=["disruptions", "end", disruption_id]).output
    assert "1 text messages queued" in out
    again = runner.invoke(args=["disruptions", "end", disruption_id])
    assert again.exit_code != 0 and "ended already" in again.output


def test_a_disruption_needs_both_languages(staff: FlaskClient) -> None:
    reply = post_form(staff, "/console/disruptions", "/console/disruptions", text_nl=NL_TEXT)
    assert reply.status_code == 422
    assert "in Dutch and in German" in reply.get_data(as_text=True)


def test_the_disruption_question_uses_the_pinned_speech_model(make_app, fake, staff) -> None:  # type: ignore[no-untyped-def]
    """`SPEECH_MODEL` pins every spoken-answer Gather, the disruption's "is this yours?" too."""
    declare(staff)
    pinned = make_app(
        MESSAGES_FROM=SENDER, TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=fake.base_url,
        SPEECH_MODEL="googlev2_telephony",
    )  # fmt: skip
    call = call_in(pinned, "+31612345001", "1")
    assert NL_TEXT in call.heard
    gathers = [g for g in call._last_root.iter("Gather") if "speech" in (g.get("input") or "")]
    assert gathers and all(g.get("speechModel") == "googlev2_telephony" for g in gathers)
