"""The caller's first minute (issue 18): a shorter path, measured; every sentence true; phone
numbers in the groups people use."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import delete

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import CallerLanguage, MaintenanceWindow
from ivr.phone import timing
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from ivr.voice.menus import choice_texts
from tests.conftest import TOKEN, local
from tests.voice.conftest import GERMAN_CALLER, incident_of

OPEN = local(2026, 11, 24, 10, 0)  # a Tuesday
CLOSED = local(2026, 11, 24, 20, 0)
KINGS_DAY = local(2027, 4, 27, 10, 0)

# Measured with `flask --app app flow --timing` on the script before issue 18 (words until the
# line rings or records; the returning caller could not interrupt the welcome).
BEFORE = {
    ("disruption, open", "nl"): 138,
    ("disruption, open", "de"): 141,
    ("question, open", "nl"): 60,
    ("question, open", "de"): 56,
    ("disruption, closed", "nl"): 172,
    ("disruption, closed", "de"): 179,
    ("question, closed", "nl"): 94,
    ("question, closed", "de"): 94,
}
# Half of before, except a question out of hours: the welcome, "closed until ...", the privacy
# notice and how to record are most of it, and none of them can go (see docs/journey/prompts.md).
SHARE = {"question, closed": 0.57}
RETURNING_TO_AGENT_SECONDS = 20
BUSY = re.compile(r"in gesprek|bezet|druk bezig|im gespräch|besetzt|beschäftigt", re.IGNORECASE)


@pytest.fixture
def measured(line, agents, clock: FixedClock) -> list[timing.Measure]:
    """In hours the callers queue, and a free agent is offered the call at once (fake Twilio)."""
    with line.app.app_context():
        choices = choice_texts()
    results = timing.measure(
        line.app, clock, open_at=OPEN, closed_at=CLOSED, choices=choices, token=TOKEN
    )
    print("\n" + timing.table(results))
    return results


def test_first_time_callers_hear_half_of_what_they_heard(measured) -> None:
    first = {(m.route, m.language): m for m in measured if m.caller == "first-time"}
    assert BEFORE.keys() <= first.keys()  # standard changes are new: no before
    for (route, language), m in first.items():
        if (route, language) not in BEFORE:
            continue
        limit = BEFORE[route, language] * SHARE.get(route, 0.5)
        assert m.words <= limit, f"{route} ({language}): {m.words} words, target {limit:.0f}"


def test_returning_callers_ring_an_agent_within_20_seconds(measured) -> None:
    ringing = [m for m in measured if m.caller == "returning" and m.ends_at == "ringing"]
    assert len(ringing) == 6
    for m in ringing:
        assert m.seconds < RETURNING_TO_AGENT_SECONDS, m


def test_every_menu_is_interruptible_and_names_the_choice_before_its_key(
    line, agents, clock: FixedClock
) -> None:
    clock.set(OPEN)
    call = line.caller()
    call.start()
    for key in "1111":
        menu = [h for h in call.heard_items if h.kind == "say"]
        assert menu and all(h.interruptible for h in menu), menu
        named = [h.text for h in menu if re.search(rf"(druk|Taste) {key}\.$", h.text, re.I)]
        assert named, f"no sentence ends with key {key}: {menu}"
        call.press(key)
    assert call.queued


def test_star_repeats_is_said_once_per_call(app: Flask, phone, agents, clock) -> None:
    clock.set(OPEN)
    call = phone()
    call.start()
    call.press("1")
    call.press("1")
    call.press("*")  # the impact menu again
    call.press("1")
    call.press("1")
    said = [h.text for h in call.transcript if h.kind == "say"]
    assert said.count("Herhalen: sterretje.") == 1
    assert said.count("Wie heeft er last van?") == 2


@pytest.mark.parametrize(("language", "number"), [("1", "+31612345678"), ("2", GERMAN_CALLER)])
def test_nobody_on_duty_is_not_told_colleagues_are_busy(
    app: Flask, phone, clock: FixedClock, language: str, number: str
) -> None:
    clock.set(OPEN)  # open, but no agent exists: nobody is rung
    call = phone(number)
    call.start()
    for key in (language, "2"):
        call.press(key)
    assert call.dialled == []
    heard = call.heard
    assert not BUSY.search(heard), heard
    assert ("geen collega beschikbaar" if language == "1" else "niemand vom Servicedesk") in heard


def test_nobody_answering_is_said_as_it_is(make_app, clock) -> None:
    """The database is down: the fallback number rings, and nobody picks up."""
    app = make_app(
        DATABASE_URL="postgresql+psycopg://ivr:ivr@127.0.0.1:9/ivr",  # nothing listens there
        DB_TIMEOUT_SECONDS=1,
        FALLBACK_NUMBER="+31201234567",
    )
    clock.set(OPEN)
    call = TwilioCall(InProcess(app, token=TOKEN), from_number="+31612345678")
    call.start()
    for key in "12":
        call.press(key)
    call.dial_outcome("no-answer")
    assert "Er neemt op dit moment niemand op." in call.heard
    assert not BUSY.search(call.heard)


@pytest.mark.parametrize(
    ("language", "closed", "reason"),
    [("1", "gesloten", "Koningsdag"), ("2", "geschlossen", "Königstag")],
)
def test_a_holiday_says_closed_once_with_the_reason(
    app: Flask, phone, clock, language: str, closed: str, reason: str
) -> None:
    clock.set(KINGS_DAY)
    call = phone()
    call.start()
    call.press(language)
    announcement = call.heard.split(". ")[0:2]
    assert call.heard.count(closed) == 1, call.heard
    assert reason in " ".join(announcement)


@pytest.mark.parametrize(
    ("description", "heard", "unheard"),
    [
        ("Onderhoud", "Let op: gepland onderhoud begint", "Onderwerp"),
        ("Telefooncentrale", "Onderwerp: Telefooncentrale.", "Telefooncentrale.."),
    ],
)
def test_a_maintenance_announcement_reads_well_with_a_short_description(
    app: Flask, phone, clock, description: str, heard: str, unheard: str
) -> None:
    with app.app_context():
        session = get_session()
        session.add(
            MaintenanceWindow(
                starts_at=local(2026, 11, 28, 22, 0),
                ends_at=local(2026, 11, 29, 2, 0),
                announced_at=local(2026, 11, 20, 9, 0),
                description_nl=description,
                description_de="Wartung",
            )
        )
        session.commit()
    clock.set(local(2026, 11, 26, 10, 0))  # within three days of the window
    call = phone()
    call.start()
    call.press("1")
    assert heard in call.heard and unheard not in call.heard
    assert call.heard.lower().count("onderhoud") == 1, call.heard


def test_the_callback_number_is_read_in_the_groups_people_use(app: Flask, phone, clock) -> None:
    clock.set(CLOSED)
    call = phone()  # +31612345678
    call.start()
    for key in "12":
        call.press(key)
    call.record(duration=5)
    assert "Wij bellen u terug op 0 6, 12, 34, 56, 78." in call.heard
    call.press("2")  # another number
    call.press("0201234567#")
    assert "Wij bellen u terug op 0 2 0, 1 2 3, 45, 67." in call.heard
    assert incident_of(app, call).callback_number == "+31201234567"


@pytest.mark.parametrize("language", ["1", "2"])
def test_a_standard_change_is_a_choice_of_the_purpose_menu(
    line, agents, clock, language: str
) -> None:
    clock.set(OPEN)
    call = line.caller()
    call.start()
    call.press(language)
    assert ("Standaardwijziging: druk 3." if language == "1" else "Standardänderung: Taste 3.") in (
        call.heard
    )
    call.press("3")
    assert call.queued  # routed in hours like a question
    line.board.pump()
    # A German caller goes to Jonas, who speaks only German (Anouk stays free for both).
    agent, word = ("+31687654321", "standaardwijziging")
    if language == "2":
        agent, word = ("+4917612345678", "Standardänderung")
    assert call.bridged_to == agent
    (offer,) = line.board.legs.values()
    heard_by_agent = " ".join(h.text for h in offer.transcript if h.kind == "say")
    assert word in heard_by_agent  # in the agent's first language
    line.board.finish(agent)
    assert incident_of(line.app, call).kind == "standard_change"


def test_asking_for_the_sentence_adds_nothing_before_an_agent_rings(
    line, agents, clock: FixedClock, measured
) -> None:
    """Issue 13: in hours the sentence (and a standard change's due day) comes while waiting in
    the queue, after the agent's phone started ringing; the path to an agent stays as short."""
    line.app.config["ASK_SUMMARY"] = True
    with line.app.app_context():
        choices = choice_texts()
        session = get_session()
        session.execute(delete(CallerLanguage))  # the same numbers call as first-time callers
        session.commit()
    asking = timing.measure(
        line.app, clock, open_at=OPEN + timedelta(days=7), closed_at=CLOSED + timedelta(days=7),
        choices=choices, token=TOKEN,
    )  # fmt: skip
    before = {(m.route, m.language, m.caller): m.words for m in measured if m.ends_at == "ringing"}
    after = {(m.route, m.language, m.caller): m.words for m in asking if m.ends_at == "ringing"}
    assert before and after == before
