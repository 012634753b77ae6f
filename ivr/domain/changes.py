"""Standard changes (seed 004, "Standaardwijzigingen"): carried out within two working days."""

from __future__ import annotations

from datetime import datetime

from ivr.domain.calendar import BusinessCalendar

WORKING_DAYS = 2


def standard_change_due(
    calendar: BusinessCalendar, received_at: datetime, working_days: int = WORKING_DAYS
) -> datetime | None:
    """ "Binnen 2 werkdagen uitgevoerd": by closing time of the second working day after the day
    of the request. Working days, not hours: weekends, holidays and closures do not count, and
    neither does the day the request came in (in or out of hours). None: no working day known.
    """
    day = received_at.astimezone(calendar.tz).date()
    for _ in range(working_days):
        next_day = calendar.next_working_day(day)
        if next_day is None:
            return None
        day = next_day
    return calendar.closing_on(day)
