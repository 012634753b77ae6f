"""Planned maintenance, the rest of the rule (issue 13, seed 004): only after consultation with
the customer or its ICT partner (who, and when, kept with the window), preferably at the weekend
(a weekday window is saved with a warning), at most 24 per calendar year."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import MaintenanceWindow
from tests.conftest import local
from tests.console.conftest import csrf_token

LANGUAGES = {"en": "en", "nl": "nl-NL,nl;q=0.9", "de": "de-DE,de;q=0.9"}
CONSULTED = {
    "consulted_party": "ict_partner",
    "consulted_name": "Jan de Vries",
    "consulted_on": "2026-11-30",
}
SATURDAY_NIGHT = {"start": "2026-12-05T22:00", "end": "2026-12-06T02:00"}
TUESDAY_EVENING = {"start": "2026-12-08T19:00", "end": "2026-12-08T23:00"}
TEXTS = {"description_nl": "Telefooncentrale", "description_de": "Telefonanlage"}


def plan(staff: FlaskClient, lang: str = "en", **form: str):  # type: ignore[no-untyped-def]
    headers = {"Accept-Language": LANGUAGES[lang]}
    token = csrf_token(staff, "/console/calendar")
    return staff.post(
        "/console/maintenance",
        data={**form, "csrf_token": token},
        headers=headers,
        follow_redirects=True,
    )


def stored(app: Flask) -> list[MaintenanceWindow]:
    with app.app_context():
        return list(get_session().scalars(select(MaintenanceWindow)))


def test_who_was_consulted_and_when_is_kept_and_shown(
    app: Flask, staff: FlaskClient, clock: FixedClock
) -> None:
    clock.set(local(2026, 12, 1, 10, 0))
    page = plan(staff, **SATURDAY_NIGHT, **TEXTS, **CONSULTED).get_data(as_text=True)
    assert "Maintenance window saved" in page
    assert "weekday" not in page  # the weekend: no warning
    (window,) = stored(app)
    assert (window.consulted_party, window.consulted_name, window.consulted_on) == (
        "ict_partner",
        "Jan de Vries",
        date(2026, 11, 30),
    )
    assert "the ICT partner: Jan de Vries, 2026-11-30" in page


@pytest.mark.parametrize(
    ("lang", "warning"),
    [
        (
            "en",
            "falls on a weekday (Tuesday 8 December): the agreement prefers maintenance",
        ),
        ("nl", "valt op een werkdag (dinsdag 8 december): de overeenkomst geeft de voorkeur"),
        (
            "de",
            "fällt auf einen Werktag (Dienstag, 8. Dezember): die Vereinbarung bevorzugt Wartung",
        ),
    ],
)
def test_a_weekday_window_is_saved_with_a_warning(
    app: Flask, staff: FlaskClient, clock: FixedClock, lang: str, warning: str
) -> None:
    clock.set(local(2026, 12, 1, 10, 0))
    response = plan(staff, lang, **TUESDAY_EVENING, **TEXTS, **CONSULTED)
    assert response.status_code == 200  # after the redirect: saved, not refused
    page = response.get_data(as_text=True)
    assert 'class="flash warning"' in page and warning in page
    assert len(stored(app)) == 1


def test_a_night_from_sunday_into_monday_touches_a_weekday(
    app: Flask, staff: FlaskClient, clock: FixedClock
) -> None:
    clock.set(local(2026, 12, 1, 10, 0))
    night = {"start": "2026-12-06T22:00", "end": "2026-12-07T03:00"}
    page = plan(staff, **night, **TEXTS, **CONSULTED).get_data(as_text=True)
    assert "falls on a weekday (Monday 7 December)" in page


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", ["Say who was consulted", "Give the name", "Give the day of the consultation"]),
        ("nl", ["Geef aan met wie overlegd is", "Vul de naam in", "Vul de dag van het overleg in"]),
        ("de", ["Geben Sie an, mit wem", "Geben Sie den Namen", "Geben Sie den Tag der Absprache"]),
    ],
)
def test_without_a_consultation_nothing_is_planned(
    app: Flask, staff: FlaskClient, clock: FixedClock, lang: str, says: list[str]
) -> None:
    clock.set(local(2026, 12, 1, 10, 0))
    response = plan(staff, lang, **SATURDAY_NIGHT, **TEXTS)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert all(s in page for s in says), page
    assert stored(app) == []


def test_a_consultation_cannot_be_in_the_future(
    app: Flask, staff: FlaskClient, clock: FixedClock
) -> None:
    clock.set(local(2026, 12, 1, 10, 0))
    later = {**CONSULTED, "consulted_on": "2026-12-02", "consulted_party": "customer"}
    response = plan(staff, **SATURDAY_NIGHT, **TEXTS, **later)
    assert response.status_code == 422
    assert "cannot be later than today" in response.get_data(as_text=True)
    assert stored(app) == []


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", "At most 24 per calendar year (1 January to 31 December"),
        ("nl", "Hoogstens 24 per kalenderjaar (1 januari tot en met 31 december"),
        ("de", "Höchstens 24 pro Kalenderjahr (1. Januar bis 31. Dezember"),
    ],
)
def test_the_24_are_per_calendar_year(
    app: Flask, staff: FlaskClient, clock: FixedClock, lang: str, says: str
) -> None:
    clock.set(local(2026, 12, 1, 10, 0))
    plan(staff, **SATURDAY_NIGHT, **TEXTS, **CONSULTED)
    page = staff.get("/console/calendar", headers={"Accept-Language": LANGUAGES[lang]})
    text = page.get_data(as_text=True)
    assert says in text
    assert {"en": "1 planned in 2026", "nl": "1 gepland in 2026", "de": "1 geplant in 2026"}[
        lang
    ] in text
