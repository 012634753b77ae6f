"""What the caller is told is what is stored: one start for every clock, on either side of
opening and closing time (issue 13)."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask

from ivr.clock import FixedClock
from tests.conftest import local
from tests.voice.conftest import incident_of

LANGUAGES = {
    "nl": ("1", "morgen om {}", "vandaag om {}", "zo snel mogelijk"),
    "de": ("2", "morgen um {} Uhr", "heute um {} Uhr", "so schnell wie möglich"),
}


def report_category_one(phone, clock: FixedClock, lang: str, received: datetime,
                        confirmed: datetime):  # type: ignore[no-untyped-def]  # fmt: skip
    """Nobody on duty: the caller chooses "disruption" at `received`, confirms at `confirmed`."""
    clock.set(received)
    call = phone()
    call.start()
    call.press(LANGUAGES[lang][0])
    call.press("1")  # a disruption: the incident is received now
    call.press("1")  # all users
    call.press("1")  # cannot work: category 1, "< 30 min"
    assert call.waiting_for == "record"
    call.record(duration=20)
    clock.set(confirmed)
    call.press("1")  # the callback number is right
    assert call.waiting_for is None
    return call


@pytest.mark.parametrize("lang", ["nl", "de"])
def test_report_finished_after_closing_hears_the_stored_deadline(
    app: Flask, phone, clock: FixedClock, lang: str
) -> None:
    _, tomorrow, _, asap = LANGUAGES[lang]
    call = report_category_one(
        phone, clock, lang, local(2026, 11, 24, 16, 57), local(2026, 11, 24, 17, 3)
    )
    heard = call.heard
    incident = incident_of(app, call)
    assert incident.received_at == local(2026, 11, 24, 16, 57)
    # 3 minutes on Tuesday, 27 on Wednesday: counted from receipt, not from the confirmation.
    assert incident.reaction_due == local(2026, 11, 25, 8, 57)
    assert tomorrow.format("08:57") in heard
    # Nothing happens before the desk opens, and the caller is told so, not "as soon as possible".
    assert incident.pickup_at == local(2026, 11, 25, 8, 30)
    assert tomorrow.format("08:30") in heard
    assert asap not in heard


@pytest.mark.parametrize("lang", ["nl", "de"])
def test_report_started_before_opening_hears_the_stored_deadline(
    app: Flask, phone, clock: FixedClock, lang: str
) -> None:
    _, _, today, _ = LANGUAGES[lang]
    call = report_category_one(
        phone, clock, lang, local(2026, 11, 24, 8, 27), local(2026, 11, 24, 8, 33)
    )
    incident = incident_of(app, call)
    assert incident.reaction_due == local(2026, 11, 24, 9, 0)  # from the 08:30 opening
    assert today.format("09:00") in call.heard
    assert today.format("09:03") not in call.heard
    assert incident.pickup_at == local(2026, 11, 24, 8, 33)  # open by now: picked up at once


@pytest.mark.parametrize(
    ("lang", "when", "confirmed"),
    [
        ("nl", "op woensdag 19 mei om 17:00", local(2027, 5, 14, 14, 3)),  # open, nobody on duty
        ("de", "am Mittwoch, 19. Mai um 17:00 Uhr", local(2027, 5, 14, 17, 4)),  # after closing
    ],
)
def test_a_standard_change_on_the_friday_before_whitsun_hears_its_stored_due_day(
    app: Flask, phone, clock: FixedClock, lang: str, when: str, confirmed: datetime
) -> None:
    clock.set(local(2027, 5, 14, 14, 0) if confirmed.hour == 14 else local(2027, 5, 14, 16, 58))
    call = phone()
    call.start()
    call.press(LANGUAGES[lang][0])
    call.press("3")  # a standard change
    assert call.waiting_for == "record"  # nobody on duty: the request is recorded
    call.record(duration=15)
    clock.set(confirmed)
    call.press("1")
    incident = incident_of(app, call)
    assert incident.kind == "standard_change" and incident.category is None
    # Whit Monday is a holiday: Tuesday and Wednesday are the two working days.
    assert incident.change_due == local(2027, 5, 19, 17, 0)
    assert when in call.heard
