"""Dates, times, durations and references as a Dutch or German speaker says them."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from ivr import spoken
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.holidays import HolidayCalendar
from ivr.domain.hours import OpeningHours
from tests.conftest import local

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DESK = BusinessCalendar(
    OpeningHours.parse("mon-fri 08:30-17:00"), AMSTERDAM, HolidayCalendar("NL"), ()
)


@pytest.mark.parametrize(
    ("now", "nl", "de"),
    [
        # Christmas evening: Saturday, Sunday (Tweede Kerstdag) closed; Monday is 28 December.
        (
            local(2026, 12, 25, 20, 0),
            "op maandag 28 december om 08:30",
            "am Montag, 28. Dezember um 08:30 Uhr",
        ),
        # Friday evening before an ordinary weekend.
        (
            local(2026, 11, 27, 18, 0),
            "op maandag 30 november om 08:30",
            "am Montag, 30. November um 08:30 Uhr",
        ),
        # Thursday after closing: tomorrow.
        (local(2026, 11, 26, 17, 30), "morgen om 08:30", "morgen um 08:30 Uhr"),
        # Monday before opening: today.
        (local(2026, 11, 30, 7, 0), "vandaag om 08:30", "heute um 08:30 Uhr"),
        # King's Day 2027 is a Tuesday: Monday evening the desk opens on Wednesday.
        (
            local(2027, 4, 26, 19, 0),
            "op woensdag 28 april om 08:30",
            "am Mittwoch, 28. April um 08:30 Uhr",
        ),
        # New Year's Eve: the next opening is in the next year, so the year is said.
        (
            local(2026, 12, 31, 18, 0),
            "op maandag 4 januari 2027 om 08:30",
            "am Montag, 4. Januar 2027 um 08:30 Uhr",
        ),
        # The night the clocks go back (25 October 2026): Monday 08:30 is 07:30 UTC.
        (
            local(2026, 10, 24, 23, 0),
            "op maandag 26 oktober om 08:30",
            "am Montag, 26. Oktober um 08:30 Uhr",
        ),
    ],
)
def test_next_opening_spoken_in_both_languages(now, nl: str, de: str) -> None:
    opening = DESK.next_opening(now)
    assert spoken.when_phrase(opening, now, "nl", AMSTERDAM) == nl
    assert spoken.when_phrase(opening, now, "de", AMSTERDAM) == de


def test_today_and_tomorrow_follow_the_desks_clock_not_utc() -> None:
    now = local(2026, 11, 26, 23, 30)  # Thursday 23:30 here, Thursday 22:30 UTC
    friday_morning = local(2026, 11, 27, 8, 30)
    assert spoken.when_phrase(friday_morning, now, "nl", AMSTERDAM) == "morgen om 08:30"
    just_after_midnight = local(2026, 11, 27, 0, 30)  # Thursday 23:30 UTC, already Friday here
    assert spoken.when_phrase(friday_morning, just_after_midnight, "de", AMSTERDAM) == (
        "heute um 08:30 Uhr"
    )


def test_summer_time_is_spoken_as_wall_clock_time() -> None:
    summer = local(2027, 7, 5, 8, 30)  # 06:30 UTC
    assert summer.utcoffset() == timedelta(hours=2)
    assert spoken.time_phrase(summer, "nl", AMSTERDAM) == "om 08:30"
    assert spoken.time_phrase(summer, "de", AMSTERDAM) == "um 08:30 Uhr"


@pytest.mark.parametrize(
    ("reference", "said"),
    [
        ("12345678", "1 2 3 4, 5 6 7 8"),
        ("1234-5678", "1 2 3 4, 5 6 7 8"),
        ("0612345678", "0 6 1 2, 3 4 5 6, 7 8"),
        ("78", "7 8"),
    ],
)
def test_references_and_numbers_are_read_digit_by_digit(reference: str, said: str) -> None:
    assert spoken.digits(reference) == said


@pytest.mark.parametrize(
    ("minutes", "nl", "de"),
    [
        (30, "30 minuten", "30 Minuten"),
        (60, "1 uur", "1 Stunde"),
        (120, "2 uur", "2 Stunden"),
        (240, "4 uur", "4 Stunden"),
        (90, "1 uur en 30 minuten", "1 Stunde und 30 Minuten"),
        (1, "1 minuut", "1 Minute"),
    ],
)
def test_reaction_targets_are_spoken_as_durations(minutes: int, nl: str, de: str) -> None:
    assert spoken.duration_phrase(timedelta(minutes=minutes), "nl") == nl
    assert spoken.duration_phrase(timedelta(minutes=minutes), "de") == de


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("+31612345678", "0 6, 12, 34, 56, 78"),  # "nul zes, twaalf, vierendertig, ..."
        ("+31201234567", "0 2 0, 1 2 3, 45, 67"),
        ("+31600001234", "0 6, 0 0, 0 0, 12, 34"),  # a pair with a leading 0 digit by digit
        ("+4917612345678", "0 1 7 6, 12, 34, 56, 78"),
        ("+493012345678", "0 3 0, 12, 34, 56, 78"),
        ("+441632960123", "plus 4 4, 1 6 3 2, 9 6 0 1 2 3"),
    ],
)
def test_phone_numbers_are_read_in_the_groups_people_use(number: str, said: str) -> None:
    assert spoken.phone_number(number) == said
