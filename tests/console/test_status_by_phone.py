"""Status by phone, end to end in Dutch and German: the reporter hears the last update and when
the next is due; a stranger hears only that the reference exists, unless they know the last four
digits of the callback number; a wrong reference gets two more tries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.domain.reference import new_reference
from ivr.models import Incident
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.console.conftest import post_form

SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)
MONDAY_0900 = local(2026, 11, 30, 9, 0)
MONDAY_0930 = local(2026, 11, 30, 9, 30)
STRANGER = "+31698765432"
SPEAK = {
    "nl": {
        "update": "De centrale is herstart, we testen nu.",
        "state": "Melding {ref} is ontvangen; een collega pakt haar op.",
        "next": "U hoort uiterlijk vandaag om 13:00 meer.",  # category 2: four hours
        "exists": "Referentie {ref} bestaat, en de servicedesk handelt haar af.",
        "unknown": "Die referentie kunnen wij niet vinden.",
        "menu": "Status: druk 4.",
    },
    "de": {
        "update": "Die Zentrale wurde neu gestartet, wir testen jetzt.",
        "state": "Die Meldung {ref} ist eingegangen; ein Kollege wird sie bearbeiten.",
        "next": "Sie hören spätestens heute um 13:00 Uhr mehr.",
        "exists": "Die Referenz {ref} existiert, und der Servicedesk bearbeitet sie.",
        "unknown": "Diese Referenz finden wir nicht.",
        "menu": "Status: Taste 4.",
    },
}
LANGUAGES = [("nl", "1", "+31612345678"), ("de", "2", "+4915123456789")]


def spoken(reference: str) -> str:
    return f"{' '.join(reference[:4])}, {' '.join(reference[4:])}"


def ask_status(app: Flask, number: str, language_key: str, reference: str) -> TwilioCall:
    call = TwilioCall(InProcess(app, token=TOKEN), from_number=number)
    call.start()
    if "Status" not in call.heard:  # a first-time caller chooses the language first
        call.press(language_key)
    call.press("4")
    call.press(reference)
    return call


@pytest.fixture
def updated(app: Flask, staff: FlaskClient, report, clock: FixedClock):  # type: ignore[no-untyped-def]
    def make(language: str, key: str, caller: str) -> str:
        reference = report(SATURDAY_NIGHT, f"{key}112", caller=caller)
        clock.set(MONDAY_0900)
        page = f"/console/incidents/{reference}"
        post_form(staff, page, f"{page}/updates", text=SPEAK[language]["update"])
        clock.set(MONDAY_0930)
        return reference

    return make


@pytest.mark.parametrize(("language", "key", "caller"), LANGUAGES)
def test_the_reporter_hears_the_state_the_last_update_and_the_next_one(
    app: Flask, updated, language, key, caller
) -> None:
    reference = updated(language, key, caller)
    said = SPEAK[language]
    call = ask_status(app, caller, key, reference)
    heard = call.heard
    assert said["state"].format(ref=spoken(reference)) in heard
    assert said["update"] in heard and said["next"] in heard
    (update,) = [h for h in call.transcript if h.text == said["update"]]
    assert update.language == {"nl": "nl-NL", "de": "de-DE"}[language]  # its language's voice
    assert call.waiting_for is None  # then goodbye
    with app.app_context():  # asking is not reporting
        assert get_session().scalar(select(func.count()).select_from(Incident)) == 1


@pytest.mark.parametrize(("language", "key", "caller"), LANGUAGES)
def test_a_stranger_hears_nothing_personal(app: Flask, updated, language, key, caller) -> None:
    reference = updated(language, key, caller)
    said = SPEAK[language]
    call = ask_status(app, STRANGER, key, reference)
    assert call.waiting_for == "gather"  # the last four digits of the callback number
    call.press("1234")
    heard = call.heard
    assert said["exists"].format(ref=spoken(reference)) in heard
    assert said["update"] not in heard and said["next"] not in heard
    assert "ontvangen" not in heard and "eingegangen" not in heard
    assert call.waiting_for is None


def test_a_stranger_who_knows_the_last_four_digits_hears_the_details(app: Flask, updated) -> None:
    reference = updated("nl", "1", "+31612345678")
    call = ask_status(app, STRANGER, "1", reference)
    call.press("5678")
    assert SPEAK["nl"]["update"] in call.heard


def test_three_wrong_guesses_a_day_stop_even_the_right_digits(
    app: Flask, updated, staff: FlaskClient, clock: FixedClock
) -> None:
    """Four digits can be found by redialling: after three wrong tries in 24 hours nobody but
    the reporter's own phone hears the details, the tries show in the history, and a day later
    the digits work again."""
    reference = updated("nl", "1", "+31612345678")
    for guess in ("1111", "2222", "3333"):
        ask_status(app, STRANGER, "1", reference).press(guess)
    call = ask_status(app, STRANGER, "1", reference)
    call.press("5678")
    assert SPEAK["nl"]["exists"].format(ref=spoken(reference)) in call.heard
    assert SPEAK["nl"]["update"] not in call.heard
    assert SPEAK["nl"]["update"] in ask_status(app, "+31612345678", "1", reference).heard
    page = staff.get(f"/console/incidents/{reference}").get_data(as_text=True)
    assert page.count("wrong last four digits") == 3
    clock.set(MONDAY_0930 + timedelta(hours=24, minutes=1))
    call = ask_status(app, STRANGER, "1", reference)
    call.press("5678")
    assert SPEAK["nl"]["update"] in call.heard


@pytest.mark.parametrize(("language", "key", "caller"), LANGUAGES)
def test_a_wrong_reference_gets_two_more_tries_then_the_menu(
    app: Flask, updated, language, key, caller
) -> None:
    reference = updated(language, key, caller)
    said = SPEAK[language]
    wrong = reference[:-1] + str((int(reference[-1]) + 1) % 10)  # the check digit catches it
    other = new_reference()  # valid, but nobody reported it
    call = ask_status(app, caller, key, wrong)
    assert said["unknown"] in call.heard and call.waiting_for == "gather"
    call.press(other)
    assert said["unknown"] in call.heard
    call.press(reference[:5])  # too short
    assert said["unknown"] in call.heard and said["menu"] in call.heard  # back to the menu
    call.press("4")
    call.press(reference)
    assert said["update"] in call.heard


@pytest.mark.parametrize(
    ("key", "said", "wrong"),
    [
        ("1", "Wij kunnen meldingen op dit moment niet opzoeken.", "kunnen wij niet vinden"),
        ("2", "Wir können Meldungen gerade nicht nachschlagen.", "finden wir nicht"),
    ],
)
def test_without_the_database_the_caller_hears_so_and_the_menu(
    make_app, clock: FixedClock, key: str, said: str, wrong: str
) -> None:
    app = make_app(
        DATABASE_URL="postgresql+psycopg://ivr:ivr@127.0.0.1:9/ivr",  # nothing listens there
        DB_TIMEOUT_SECONDS=1,
        FALLBACK_NUMBER="+31201234567",
    )
    clock.set(MONDAY_0930)
    call = TwilioCall(InProcess(app, token=TOKEN), from_number="+31612345678")
    call.start()
    call.press(key)
    call.press("4")
    call.press(new_reference())
    now_heard = " ".join(h.text for h in call.heard_items)  # since the reference was keyed
    assert said in now_heard and wrong not in now_heard  # not "that reference is wrong"
    assert call.waiting_for == "gather" and ("druk 1" in now_heard or "Taste 1" in now_heard)
