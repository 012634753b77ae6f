"""Several known disruptions at once: callers hear each in turn, newest first and at most three,
and the one they press 1 at counts them as affected."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import AffectedCaller, Disruption
from tests.console.conftest import csrf_token, post_form
from tests.console.test_disruptions import TUESDAY, app, call_in, fake  # noqa: F401  fixtures

TEXTS = [
    ("De mail is traag", "Die Mail ist langsam"),
    ("Het portaal is onbereikbaar", "Das Portal ist nicht erreichbar"),
    ("De printers in Utrecht staan stil", "Die Drucker in Utrecht stehen still"),
    ("De VPN valt weg", "Das VPN bricht ab"),
]


def declare_all(staff: FlaskClient, clock: FixedClock, count: int) -> None:
    for n, (nl, de) in enumerate(TEXTS[:count]):
        clock.set(TUESDAY + timedelta(minutes=n))
        reply = post_form(staff, "/console/disruptions", "/console/disruptions",
                          text_nl=nl, text_de=de, severity="functions_fail")  # fmt: skip
        assert reply.status_code == 302
    clock.set(TUESDAY + timedelta(minutes=10))


def affected_at(line: Flask) -> list[str]:
    with line.app_context():
        session = get_session()
        rows = session.scalars(select(AffectedCaller).join(Disruption))
        return [r.disruption.text_nl for r in rows]


def test_the_caller_hears_each_active_disruption_newest_first(
    app: Flask,  # noqa: F811
    staff: FlaskClient,
    clock: FixedClock,
) -> None:
    declare_all(staff, clock, 2)
    call = call_in(app, "+31612000001", "1")
    assert "Het portaal is onbereikbaar" in call.heard and "De mail" not in call.heard
    call.press("2")  # something else: the older one is asked about next
    assert "De mail is traag" in call.heard and "Druk 1" in call.heard
    call.press("1")
    assert affected_at(app) == ["De mail is traag"]
    german = call_in(app, "+4915100000002", "2")
    assert "Das Portal ist nicht erreichbar" in german.heard
    german.press("2")
    assert "Die Mail ist langsam" in german.heard
    german.press("2")  # neither: on to the menu as usual
    assert not any(de in german.heard for _nl, de in TEXTS) and "Taste 1" in german.heard
    assert affected_at(app) == ["De mail is traag"]


def test_the_console_says_how_callers_hear_several(staff: FlaskClient, clock: FixedClock) -> None:
    declare_all(staff, clock, 2)
    german = {"Accept-Language": "de"}
    form = {"text_nl": "De VPN valt weg", "text_de": "Das VPN bricht ab",
            "severity": "functions_fail",
            "csrf_token": csrf_token(staff, "/console/disruptions")}  # fmt: skip
    reply = staff.post("/console/disruptions", data=form, headers=german)
    shown = staff.get(reply.location, headers=german).get_data(as_text=True)
    assert "3 Störungen sind aktiv: Anrufer hören sie nacheinander, die neueste zuerst" in shown


def test_at_most_three_are_heard(app: Flask, staff: FlaskClient, clock: FixedClock) -> None:  # noqa: F811
    declare_all(staff, clock, 4)
    call = call_in(app, "+31612000001", "1")
    heard = [call.heard]
    for _ in range(3):
        call.press("2")
        heard.append(call.heard)
    assert "De VPN valt weg" in heard[0]
    assert "Het portaal is onbereikbaar" in heard[2] and "De printers" in heard[1]
    assert "De mail is traag" not in " ".join(heard)  # the oldest of four is not heard
    assert not any(text in heard[3] for text, _de in TEXTS)
