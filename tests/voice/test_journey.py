"""The caller's journey end to end, driven as Twilio drives it: signed posts, following TwiML."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ivr.clock import FixedClock
from tests.conftest import local
from tests.voice.conftest import GERMAN_CALLER, call_row, incident_of, incidents

OPEN_TUESDAY = local(2026, 11, 24, 10, 0)
SATURDAY_NIGHT = local(2026, 12, 26, 22, 30)  # also Tweede Kerstdag
KINGS_DAY_2027 = local(2027, 4, 27, 10, 0)
CHRISTMAS_EVENING = local(2026, 12, 25, 20, 0)


def spoken_reference(text: str) -> str:
    """The reference as the caller heard it: the digits read out one by one, joined."""
    match = re.search(r"(\d(?:[ ,.]+\d){7})", text)
    assert match, f"no reference read digit by digit in: {text}"
    return re.sub(r"\D", "", match.group(1))


def test_in_hours_dutch_caller_reaches_an_agent_who_hears_the_category(
    line, agents, clock: FixedClock
) -> None:
    clock.set(OPEN_TUESDAY)
    call = line.caller()
    call.start()
    assert call.waiting_for == "gather"
    call.press("1")  # Nederlands
    call.press("1")  # a disruption
    call.press("1")  # all users
    call.press("1")  # cannot make calls
    assert call.queued and "nummer 1 in de wachtrij" in call.heard
    assert [c.to for c in line.fake.calls.values()] == ["+31687654321"]  # Jonas: German only
    line.board.pump()
    (leg,) = [c for c in line.fake.calls.values()]
    assert call.bridged_to == "+31687654321"
    incident = incident_of(line.app, call)
    offer = " ".join(h.text for h in _leg_heard(line, leg.sid))
    assert "categorie 1" in offer and " ".join(incident.reference) in offer.replace(",", "")
    assert "alle gebruikers, kan niet werken" in offer
    line.board.finish("+31687654321")
    assert call.waiting_for is None
    incident = incident_of(line.app, call)
    assert (incident.kind, incident.language, incident.category) == ("incident", "nl", 1)
    assert incident.status == "acknowledged" and incident.acknowledged_by == "Anouk"
    assert incident.taken_out_of_hours is False
    assert incident.reaction_due == OPEN_TUESDAY + timedelta(minutes=30)
    row = call_row(line.app, call)
    assert row.outcome == "agent answered" and row.agent_name == "Anouk"
    assert row.ended_at is not None


def _leg_heard(line, sid: str):  # type: ignore[no-untyped-def]
    return [h for h in line.board.legs[sid].transcript if h.kind == "say"]


def test_in_hours_german_caller_is_offered_to_a_german_speaker(line, agents, clock) -> None:
    clock.set(OPEN_TUESDAY)
    call = line.caller(GERMAN_CALLER)
    call.start()
    call.press("2")  # Deutsch
    call.press("1")
    call.press("2")  # several users
    call.press("2")  # certain functions fail -> category 3
    assert "Nummer 1 in der Warteschlange" in call.heard
    line.board.pump()
    (offered,) = line.fake.calls.values()
    assert offered.to in ("+31687654321", "+4917612345678")  # both speak German
    assert call.bridged_to == offered.to
    line.board.finish(offered.to)
    incident = incident_of(line.app, call)
    assert (incident.language, incident.category) == ("de", 3)
    assert incident.acknowledged_by in ("Anouk", "Jonas")


def test_saturday_night_report_is_picked_up_monday(app, phone, clock) -> None:
    clock.set(local(2026, 11, 28, 22, 30))  # Saturday
    call = phone()
    call.start()
    call.press("1")
    assert "maandag 30 november om 08:30" in call.heard
    call.press("1")
    call.press("3")  # only me
    call.press("3")  # cumbersome -> category 4
    assert call.waiting_for == "record"
    call.record(duration=21)
    assert call.waiting_for == "gather"  # confirm the callback number
    call.press("1")
    assert call.waiting_for is None
    reference = spoken_reference(call.heard)
    assert "maandag 30 november om 08:30" in call.heard
    call.hang_up()
    incident = incident_of(app, call)
    assert incident.reference == reference
    assert (incident.category, incident.status) == (4, "open")
    assert incident.taken_out_of_hours is True
    assert incident.pickup_at == local(2026, 11, 30, 8, 30)
    assert incident.reaction_due == local(2026, 11, 30, 12, 30)  # 4 hours of opening time
    assert incident.recording_duration == 21 and incident.recording_url
    assert incident.callback_number == "+31612345678"


@pytest.mark.parametrize(
    ("language", "reopens"),
    [("1", "morgen om 08:30"), ("2", "morgen um 08:30 Uhr")],
)
def test_kings_day_is_announced_and_reopening_spoken(app, phone, clock, language, reopens) -> None:
    clock.set(KINGS_DAY_2027)
    call = phone()
    call.start()
    call.press(language)
    assert ("Koningsdag" if language == "1" else "Königstag") in call.heard
    assert reopens in call.heard


@pytest.mark.parametrize(
    ("language", "reopens"),
    [("1", "maandag 28 december om 08:30"), ("2", "Montag, 28. Dezember")],
)
def test_christmas_evening_reopening_spoken_in_both_languages(
    app, phone, clock, language, reopens
) -> None:
    clock.set(CHRISTMAS_EVENING)
    call = phone()
    call.start()
    call.press(language)
    assert reopens in call.heard
    call.press("2")  # a question, out of hours: a message without the impact questions
    assert call.waiting_for == "record"
    call.record(duration=9)
    call.press("1")
    assert reopens in call.heard
    incident = incident_of(app, call)
    assert (incident.kind, incident.category, incident.impact) == ("question", None, None)


@pytest.mark.parametrize(
    ("impact", "severity", "category"),
    [
        ("1", "1", 1),
        ("1", "2", 2),
        ("1", "3", 3),
        ("2", "1", 2),
        ("2", "2", 3),
        ("2", "3", 3),
        ("3", "1", 3),
        ("3", "2", 3),
        ("3", "3", 4),
    ],
)
def test_impact_answers_give_the_seeds_categories(
    app, phone, clock, impact, severity, category
) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone()
    call.start()
    for key in ("1", "1", impact, severity):
        call.press(key)
    call.record(duration=5)
    call.press("1")
    assert incident_of(app, call).category == category


def test_spoken_answers_in_german(app, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone(GERMAN_CALLER)
    call.start()
    call.speak("Deutsch bitte")
    call.speak("Ich habe eine Störung")
    call.speak("Alle Benutzer")
    call.speak("Ich kann nicht telefonieren")
    assert call.waiting_for == "record"
    incident = incident_of(app, call)
    assert (incident.language, incident.category) == ("de", 1)


def test_a_caller_who_would_rather_leave_a_report_presses_2_in_the_queue(
    line, agents, clock
) -> None:
    clock.set(OPEN_TUESDAY)
    call = line.caller()
    call.start()
    for key in ("1", "1", "2", "1"):
        call.press(key)
    call.keep_waiting()  # Anouk's phone is still ringing
    call.press("2")
    assert call.waiting_for == "record"
    (offer,) = line.fake.calls.values()
    assert offer.status == "canceled"  # the line withdrew the offer ringing at Anouk's
    line.board.pump()
    assert line.board.rung == [("+31687654321", "withdrawn")]
    call.record(duration=30)
    call.press("1")
    spoken_reference(call.heard)
    call.hang_up()
    incident = incident_of(line.app, call)
    assert incident.status == "open" and incident.category == 2
    assert incident.pickup_at == OPEN_TUESDAY  # as soon as an agent is free
    assert incident.taken_out_of_hours is False
    assert incident.acknowledged_by is None


def test_nobody_on_duty_goes_straight_to_the_report(app, phone, clock) -> None:
    clock.set(OPEN_TUESDAY)
    call = phone()
    call.start()
    for key in ("1", "2"):  # a question, in hours
        call.press(key)
    assert call.waiting_for == "record"


def test_hang_up_in_the_middle_keeps_what_was_said(app, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone()
    call.start()
    call.press("1")
    call.press("1")
    call.press("2")  # several users, then the caller hangs up
    call.hang_up()
    incident = incident_of(app, call)
    assert (incident.status, incident.impact, incident.severity) == ("partial", "some_users", None)
    assert call_row(app, call).twilio_status == "completed"


def test_hang_up_during_the_recording_keeps_the_recording(app, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone()
    call.start()
    for key in ("1", "1", "1", "2"):
        call.press(key)
    call.hang_up(recorded_seconds=14)
    incident = incident_of(app, call)
    assert incident.status == "partial"
    assert incident.category == 2 and incident.recording_duration == 14


@pytest.mark.parametrize("callback_first", [True, False])
def test_recording_callbacks_in_either_order_give_one_incident(
    app, phone, clock, callback_first
) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone()
    call.start()
    for key in ("1", "1", "3", "3"):
        call.press(key)
    call.record(duration=12, callback_first=callback_first)
    call.press("1")
    call.hang_up()
    assert len(incidents(app)) == 1
    assert incident_of(app, call).recording_sid


def test_invalid_key_is_named_and_the_menu_repeated_then_the_safest_path(
    line, agents, clock
) -> None:
    clock.set(OPEN_TUESDAY)
    call = line.caller()
    call.start()
    call.press("1")
    call.press("7")
    assert call.waiting_for == "gather"
    call.press("7")
    assert call.waiting_for == "gather"
    call.press("7")  # third time: straight to the queue for an agent, never a loop
    assert call.queued


def test_silence_repeats_twice_then_takes_the_recording_when_closed(app, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone()
    call.start()
    call.press("1")
    call.silence()
    call.silence()
    assert call.waiting_for == "gather"
    call.silence()
    assert call.waiting_for == "record"


def test_star_repeats_and_nine_switches_language(app, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone()
    call.start()
    call.press("1")
    first = call.heard
    call.press("*")
    assert call.heard and call.heard in first
    call.press("9")
    assert call.last_language == "de-DE"


def test_returning_caller_is_greeted_in_remembered_language(app, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    first = phone(GERMAN_CALLER)
    first.start()
    first.press("2")
    first.hang_up()
    again = phone(GERMAN_CALLER)
    again.start()
    assert again.waiting_for == "gather"
    again.press("1")  # straight at the purpose menu, in German: 1 = a disruption
    again.press("1")
    assert incident_of(app, again).language == "de"


def test_another_callback_number_is_validated(app, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone()
    call.start()
    for key in ("1", "1", "3", "3"):
        call.press(key)
    call.record(duration=5)
    call.press("2")  # another number
    call.press("12#")
    assert call.waiting_for == "gather"  # not a number: asked again
    call.press("0201234567#")
    assert call.waiting_for is None
    assert incident_of(app, call).callback_number == "+31201234567"


def test_every_answer_is_twiml_even_for_a_replayed_webhook(app, phone, clock) -> None:
    clock.set(SATURDAY_NIGHT)
    call = phone()
    call.start()
    call.press("1")
    call.press("1")
    call.replay_last()  # Twilio retried the same request
    call.press("1")
    call.press("1")
    call.record(duration=3)
    call.press("1")
    call.hang_up()
    assert len(incidents(app)) == 1
