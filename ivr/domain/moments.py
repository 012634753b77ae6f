"""Dates and times people type: one supported range, wall-clock times that exist, clear errors.

Every date that enters the line (console forms, API filters, CLI options, the test clock header)
goes through here, so none reaches the calendar, the database or a spooled event out of range.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ivr.domain.explained import Explained

EARLIEST = date(1970, 1, 1)
LATEST = date(2199, 12, 31)


class DateInputError(Explained):
    """A date or time that cannot be used; the message says why and what would do."""


def _refused(what: str, message: str, **params: object) -> DateInputError:
    """The error, led by the field's name when there is one (`From: ...`)."""
    if what:
        return DateInputError("%(what)s: " + message, what=what, **params)
    return DateInputError(message, **params)


def check_day(day: date, what: str = "date") -> date:
    if not EARLIEST <= day <= LATEST:
        raise _refused(
            what,
            "%(day)s is outside the supported range %(earliest)s to %(latest)s.",
            day=day.isoformat(),
            earliest=EARLIEST.isoformat(),
            latest=LATEST.isoformat(),
        )
    return day


def parse_day(text: str, what: str = "date") -> date:
    """`2026-12-05`, within the range."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise _refused(
            what, "%(text)s is not a date like 2027-04-27.", text=repr(text[:40])
        ) from None
    return check_day(day, what)


def parse_moment(text: str, tz: ZoneInfo, what: str = "time") -> datetime:
    """`2026-12-05T22:00` (or a space, or a date alone, or with an offset): an aware datetime.

    Without an offset it is read as the desk's wall clock, which must exist there (not in the
    hour skipped when the clocks go forward); the hour that happens twice is the first one.
    """
    try:
        given = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _refused(
            what, "%(text)s is not a date and time like 2027-04-27 10:00.", text=repr(text[:40])
        ) from None
    return check_moment(given, tz, what)


def check_moment(given: datetime, tz: ZoneInfo, what: str = "time") -> datetime:
    """`given` made aware in `tz` if naive, within the range and existing on the wall clock."""
    check_day(given.date(), what)  # before any arithmetic: year 1 or 9999 overflow in it
    if given.tzinfo is not None:
        check_day(given.astimezone(UTC).date(), what)
        return given
    aware = given.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != given:
        raise _refused(
            what,
            "%(time)s does not exist in %(zone)s: the clocks are put forward that night "
            "(daylight saving time). Choose a time before or after the gap.",
            time=f"{given:%Y-%m-%d %H:%M}",
            zone=tz.key,
        )
    return aware
