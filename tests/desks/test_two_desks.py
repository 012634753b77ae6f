"""Two desks on one deployment (issue 26), driven through the signed webhooks as Twilio would:
at moments where one is open and the other closed, by their hours and by a holiday that one
country or Land keeps and the other does not. Each caller hears their own desk's first language
and reopening time; their call, incident and text message are in their desk."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Call, Incident, OutboxMessage
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.desks.conftest import (
    BAYERN_NUMBER,
    DUTCH_CALLER,
    GERMAN_CALLER,
    OZMO_NUMBER,
    dial,
)

TUESDAY_0815 = local(2026, 11, 24, 8, 15)  # ozmo opens 08:30, bayern 08:00
TUESDAY_1715 = local(2026, 11, 24, 17, 15)  # ozmo closed 17:00, bayern open till 17:30
TUESDAY_1745 = local(2026, 11, 24, 17, 45)  # both closed
EPIPHANY = local(2026, 1, 6, 10, 0)  # Heilige Drei Könige: Bavaria only (a Tuesday)
KINGS_DAY = local(2026, 4, 27, 10, 0)  # Koningsdag: the Netherlands only (a Monday)

CLOSED_NL = re.compile(r"gesloten.* (\w+) om (\d\d:\d\d) weer bereikbaar")
CLOSED_DE = re.compile(r"geschlossen", re.IGNORECASE)


def first_menu(
    app: Flask, clock: FixedClock, when: datetime, number: str, caller: str
) -> TwilioCall:
    clock.set(when)
    call = dial(app, number, caller)
    call.start()
    return call


def said(call: TwilioCall) -> list[tuple[str, str]]:
    return [(h.language or "", h.text) for h in call.transcript if h.kind == "say"]


def test_each_desk_greets_in_its_own_first_language(two_desks: Flask, clock: FixedClock) -> None:
    ozmo = first_menu(two_desks, clock, TUESDAY_0815, OZMO_NUMBER, DUTCH_CALLER)
    bayern = first_menu(two_desks, clock, TUESDAY_0815, BAYERN_NUMBER, GERMAN_CALLER)
    assert said(ozmo)[:3] == [
        ("nl-NL", "Welkom bij de servicedesk."),
        ("nl-NL", "Nederlands: druk 1."),
        ("de-DE", "Deutsch: Taste 2."),
    ]
    assert said(bayern)[:3] == [
        ("de-DE", "Willkommen beim Servicedesk."),
        ("de-DE", "Deutsch: Taste 2."),
        ("nl-NL", "Nederlands: druk 1."),
    ]
    # The menu listens in the desk's first language.
    assert ozmo.waiting_attributes_of("Gather")["language"] == "nl-NL"
    assert bayern.waiting_attributes_of("Gather")["language"] == "de-DE"


@pytest.mark.parametrize(
    ("when", "closed", "open_", "reopens"),
    [
        (TUESDAY_0815, OZMO_NUMBER, BAYERN_NUMBER, ("vandaag", "08:30")),
        (TUESDAY_1715, OZMO_NUMBER, BAYERN_NUMBER, ("morgen", "08:30")),
        (KINGS_DAY, OZMO_NUMBER, BAYERN_NUMBER, ("morgen", "08:30")),
    ],
    ids=["ozmo opens later", "ozmo closes earlier", "Koningsdag"],
)
def test_one_desk_closed_by_its_hours_or_holiday_the_other_open(
    two_desks: Flask, clock: FixedClock, when, closed, open_, reopens
) -> None:
    shut = first_menu(two_desks, clock, when, closed, DUTCH_CALLER)
    shut.press("1")  # Nederlands
    found = CLOSED_NL.search(shut.heard)
    assert found, shut.heard
    assert found.groups() == reopens
    answering = first_menu(two_desks, clock, when, open_, "+31622223333")
    answering.press("1")
    assert "gesloten" not in answering.heard, answering.heard
    assert "Storing: druk 1." in answering.heard


def test_on_epiphany_bavaria_is_closed_and_the_dutch_desk_open(
    two_desks: Flask, clock: FixedClock
) -> None:
    bayern = first_menu(two_desks, clock, EPIPHANY, BAYERN_NUMBER, GERMAN_CALLER)
    bayern.press("2")  # Deutsch
    assert CLOSED_DE.search(bayern.heard), bayern.heard
    assert "morgen um 08:00" in bayern.heard, bayern.heard
    ozmo = first_menu(two_desks, clock, EPIPHANY, OZMO_NUMBER, DUTCH_CALLER)
    ozmo.press("1")
    assert "gesloten" not in ozmo.heard, ozmo.heard


def test_when_both_are_closed_each_names_its_own_reopening(
    two_desks: Flask, clock: FixedClock
) -> None:
    ozmo = first_menu(two_desks, clock, TUESDAY_1745, OZMO_NUMBER, DUTCH_CALLER)
    ozmo.press("1")
    assert CLOSED_NL.search(ozmo.heard).groups() == ("morgen", "08:30")  # type: ignore[union-attr]
    bayern = first_menu(two_desks, clock, TUESDAY_1745, BAYERN_NUMBER, GERMAN_CALLER)
    bayern.press("2")
    assert "morgen um 08:00" in bayern.heard, bayern.heard


def report(call: TwilioCall, language_key: str) -> str:
    """Report an incident (everybody, some functions fail), record it, keep the caller's number;
    returns everything said after the recording."""
    for key in (language_key, "1", "1", "2"):
        call.press(key)
    call.record(duration=20)
    call.press("1")
    return call.heard


def row_of(app: Flask, model, call: TwilioCall):  # type: ignore[no-untyped-def]
    with app.app_context():
        session = get_session()
        call_id = session.scalars(select(Call.id).where(Call.call_sid == call.call_sid)).one()
        if model is Call:
            return session.get(Call, call_id)
        return session.scalars(select(Incident).where(Incident.call_id == call_id)).one()


def test_reports_are_in_their_desk_and_promise_its_own_opening(
    two_desks: Flask, clock: FixedClock
) -> None:
    ozmo = first_menu(two_desks, clock, TUESDAY_1745, OZMO_NUMBER, DUTCH_CALLER)
    told_nl = report(ozmo, "1")
    bayern = first_menu(two_desks, clock, TUESDAY_1745, BAYERN_NUMBER, GERMAN_CALLER)
    told_de = report(bayern, "2")
    assert "08:30" in told_nl and "08:00" not in told_nl, told_nl
    assert "08:00" in told_de and "08:30" not in told_de, told_de
    assert row_of(two_desks, Call, ozmo).desk == "ozmo"
    assert row_of(two_desks, Call, bayern).desk == "bayern"
    dutch, german = row_of(two_desks, Incident, ozmo), row_of(two_desks, Incident, bayern)
    assert (dutch.desk, dutch.language) == ("ozmo", "nl")
    assert (german.desk, german.language) == ("bayern", "de")
    # Picked up at each desk's own next opening (Wednesday 08:30 in Amsterdam, 08:00 in Munich).
    assert dutch.pickup_at == local(2026, 11, 25, 8, 30)
    assert german.pickup_at == local(2026, 11, 25, 8, 0)


ACCOUNT = "AC" + "7" * 32


def test_text_messages_go_from_their_desks_sender(make_app, desks_file, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    with FakeTwilio(ACCOUNT, TOKEN) as fake:
        app = make_app(
            DESKS_FILE=str(desks_file), TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_API_BASE=fake.base_url
        )
        for number, caller, key in (
            (OZMO_NUMBER, DUTCH_CALLER, "1"),
            (BAYERN_NUMBER, GERMAN_CALLER, "2"),
        ):
            report(first_menu(app, clock, TUESDAY_1745, number, caller), key)
        with app.app_context():
            rows = get_session().scalars(select(OutboxMessage)).all()
            assert sorted((m.recipient, m.desk) for m in rows) == sorted(
                [(DUTCH_CALLER, "ozmo"), (GERMAN_CALLER, "bayern")]
            )
        output = app.test_cli_runner().invoke(args=["outbox", "deliver"]).output
        assert "delivered 2, failed 0" in output, output
        senders = {m["to"]: m["from"] for m in fake.messages}
        assert senders == {DUTCH_CALLER: "+31970102030", GERMAN_CALLER: "+4915799999999"}


def test_a_number_no_desk_claims_reaches_the_first_desk(
    two_desks: Flask, clock: FixedClock, caplog
) -> None:  # type: ignore[no-untyped-def]
    call = first_menu(two_desks, clock, TUESDAY_0815, "+31201110000", DUTCH_CALLER)
    assert said(call)[0] == ("nl-NL", "Welkom bij de servicedesk.")
    call.press("1")
    assert CLOSED_NL.search(call.heard)  # ozmo's hours: it opens at 08:30
    assert row_of(two_desks, Call, call).desk == "ozmo"
    assert "no desk claims +31201110000" in caplog.text


def test_a_spooled_call_is_replayed_into_its_own_desk(two_desks: Flask) -> None:
    """Facts spooled while the database was down carry their desk (a line of several desks);
    `flask spool replay` puts the call and its incident in it, with that desk's calendar."""
    from ivr import spool

    at = local(2026, 11, 24, 17, 45).isoformat()  # Bavaria opens again at 08:00
    sid = "CA" + "b" * 32
    events = [
        {"type": "call_started", "call_sid": sid, "at": at, "from": GERMAN_CALLER,
         "to": BAYERN_NUMBER, "caller_key": None, "desk": "bayern"},
        {"type": "incident", "call_sid": sid, "at": at, "reference": "87654321",
         "kind": "incident", "language": "de", "impact": "all_users",
         "severity": "functions_fail", "status": "open", "desk": "bayern"},
    ]  # fmt: skip
    spool.append_all(two_desks.extensions["ivr.desk"].spool_dir, events)
    result = two_desks.test_cli_runner().invoke(args=["spool", "replay"])
    assert result.exit_code == 0, result.output
    with two_desks.app_context():
        session = get_session()
        call = session.scalars(select(Call).where(Call.call_sid == sid)).one()
        incident = session.scalars(select(Incident).where(Incident.call_id == call.id)).one()
        assert (call.desk, incident.desk) == ("bayern", "bayern")
        assert incident.pickup_at == local(2026, 11, 25, 8, 0)


def test_a_desk_of_one_language_asks_for_none(make_app, tmp_path, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "one-language.toml"
    path.write_text(
        f'[desk.berlin]\nnumbers = ["{BAYERN_NUMBER}"]\nlanguages = ["de"]\n'
        'holidays = "DE"\nholiday_subdivision = "BE"\ntimezone = "Europe/Berlin"\n',
        encoding="utf-8",
    )
    app = make_app(DESKS_FILE=str(path))
    call = first_menu(app, clock, local(2026, 3, 9, 10, 0), BAYERN_NUMBER, GERMAN_CALLER)
    assert [text for _lang, text in said(call)][:1] == ["Willkommen beim Servicedesk."]
    assert all(lang == "de-DE" for lang, _text in said(call)), said(call)
    assert "Störung" in call.heard  # straight at the purpose menu, in German
    call.press("9")  # nothing to switch to: the menu again, in German
    assert call.last_language == "de-DE"
    assert row_of(app, Call, call).language == "de"
    again = first_menu(app, clock, local(2026, 3, 9, 10, 5), BAYERN_NUMBER, GERMAN_CALLER)
    assert "Status: Taste 4." in again.heard  # a returning caller, remembered in German
    assert "Taste 9" not in again.heard and "druk" not in again.heard


def test_a_desks_own_targets_set_its_clocks_and_the_consoles(
    make_app, tmp_path, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    """Reaction 15 and a status report every 30 minutes for category 2 at this desk: the caller
    hears the 15 minutes, the incident's clocks follow, and so does an update in the console."""
    from ivr.services.users import create_user
    from tests.console.conftest import PASSWORD, csrf_token, post_form

    path = tmp_path / "agreement.toml"
    path.write_text(
        f'[desk.ozmo]\nnumbers = ["{OZMO_NUMBER}"]\n'
        "targets = {2 = {reaction = 15, restore = 120, status_report = 30}}\n",
        encoding="utf-8",
    )
    app = make_app(DESKS_FILE=str(path))
    monday = local(2026, 11, 30, 9, 0)
    call = first_menu(app, clock, monday, OZMO_NUMBER, DUTCH_CALLER)
    told = report(call, "1")  # everybody, some functions fail: category 2
    assert "15 minuten" in told, told
    incident = row_of(app, Incident, call)
    assert incident.category == 2
    assert incident.reaction_due == local(2026, 11, 30, 9, 15)
    assert incident.status_report_due == local(2026, 11, 30, 9, 30)
    with app.app_context():
        create_user(get_session(), "lead", PASSWORD)
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    client.post(
        "/console/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token}
    )
    clock.set(local(2026, 11, 30, 9, 20))
    page = f"/console/incidents/{incident.reference}"
    post_form(client, page, f"{page}/updates", text="We zijn ermee bezig.")
    assert row_of(app, Incident, call).status_report_due == local(2026, 11, 30, 9, 50)
    # The desk's monthly report measures against its own 15 minutes: at 09:20, not acknowledged,
    # the reaction is late (the seed's hour would still be running, not yet measured).
    from ivr.domain.service_level import Period
    from ivr.services.reports import service_level

    with app.app_context():
        desk = app.extensions["ivr.desk"]
        month = Period.month(2026, 11)
        figures = service_level(get_session(), desk, month, local(2026, 11, 30, 9, 20))
        category_2 = next(c for c in figures.categories if c.category == 2)
        assert (category_2.reaction_measured, category_2.reaction_met) == (1, 0)
