"""The business calendar: when the desk is open, when it opens next, and opening time between."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from ivr.domain.holidays import HolidayCalendar
from ivr.domain.hours import OpeningHours

# How far ahead (and back) the calendar looks for an opening. Beyond it the answer is "no
# opening known" (None): a closure "until further notice" is a fact callers are told, not a fault.
SEARCH_DAYS = 3 * 366


@dataclass(frozen=True)
class Closure:
    """Extra closed days, `start` to `end` inclusive: a decree-equated day, a company event."""

    start: date
    end: date
    reason_nl: str
    reason_de: str


@dataclass(frozen=True)
class ClosedDay:
    date: date
    reason_nl: str
    reason_de: str
    kind: Literal["holiday", "closure"]


Span = tuple[datetime, datetime]  # [start, end) in UTC


@dataclass(frozen=True)
class BusinessCalendar:
    hours: OpeningHours
    tz: ZoneInfo
    holidays: HolidayCalendar
    closures: Sequence[Closure] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "closures", tuple(self.closures))  # hashable, for the cache

    def closure_on(self, day: date) -> Closure | None:
        """The closure covering `day` that runs longest, if any."""
        covering = [c for c in self.closures if c.start <= day <= c.end]
        return max(covering, key=lambda c: c.end) if covering else None

    def closed_day(self, day: date) -> ClosedDay | None:
        """Why the desk is closed on `day` beyond the weekly hours: a holiday or a closure."""
        holiday = self.holidays.holiday_on(day)
        if holiday is not None:
            return ClosedDay(day, holiday.name_nl, holiday.name_de, "holiday")
        for closure in self.closures:
            if closure.start <= day <= closure.end:
                return ClosedDay(day, closure.reason_nl, closure.reason_de, "closure")
        return None

    def is_open(self, t: datetime) -> bool:
        t = _utc(t)
        return any(start <= t < end for start, end in _day_spans(self, self._local_date(t)))

    def next_opening(self, t: datetime) -> datetime | None:
        """`t` itself when open, else the start of the next opening interval; None: none known."""
        t = _utc(t)
        for start, end in self._spans_from(t):
            if end > t:
                return self._local(max(start, t))
        return None

    def current_closing(self, t: datetime) -> datetime | None:
        t = _utc(t)
        for start, end in _day_spans(self, self._local_date(t)):
            if start <= t < end:
                return self._local(end)
        return None

    def closing_on(self, day: date) -> datetime | None:
        """When the desk closes on `day` (the end of its last interval); None: closed all day."""
        spans = _day_spans(self, day)
        return self._local(spans[-1][1]) if spans else None

    def previous_closing(self, t: datetime) -> datetime | None:
        """When the desk last closed at or before `t` (the start of "taken since we closed");
        None when it was not open within the search horizon."""
        t = _utc(t)
        day = self._local_date(t)
        for offset in range(SEARCH_DAYS):
            for _start, end in reversed(_day_spans(self, day - timedelta(days=offset))):
                if end <= t:
                    return self._local(end)
        return None

    def next_working_day(self, day: date) -> date | None:
        for candidate in self._days_from(day + timedelta(days=1)):
            if _day_spans(self, candidate):
                return candidate
        return None

    def add_opening_time(self, t: datetime, delta: timedelta) -> datetime | None:
        """The instant at which `delta` of opening time has passed since `t`; None: not known."""
        if delta < timedelta(0):
            raise ValueError("cannot add negative opening time")
        t = _utc(t)
        remaining = delta
        for start, end in self._spans_from(t):
            # A span ending exactly at `t` still counts: adding nothing at closing time stays
            # there, so adding a then b equals adding a + b (a clock due at 17:00 stays 17:00).
            if end < t:
                continue
            begin = max(start, t)
            if remaining <= end - begin:
                return self._local(begin + remaining)
            remaining -= end - begin
        return None

    def opening_time_between(self, a: datetime, b: datetime) -> timedelta:
        a, b = _utc(a), _utc(b)
        total = timedelta(0)
        if b <= a:
            return total
        day = self._local_date(a)
        last = self._local_date(b)
        while day <= last:
            for start, end in _day_spans(self, day):
                overlap = min(end, b) - max(start, a)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def _spans_from(self, t: datetime) -> Iterator[Span]:
        for day in self._days_from(self._local_date(t)):
            yield from _day_spans(self, day)

    def _days_from(self, first: date) -> Iterator[date]:
        """Days that may hold an opening, up to the horizon; a closure is stepped over whole."""
        last = first + timedelta(days=min(SEARCH_DAYS, (date.max - first).days))
        day = first
        while True:
            closure = self.closure_on(day)
            if closure is None:
                yield day
            elif closure.end >= last:
                return
            else:
                day = closure.end
            if day >= last:
                return
            day += timedelta(days=1)

    def _local_date(self, t: datetime) -> date:
        return t.astimezone(self.tz).date()

    def _local(self, t: datetime) -> datetime:
        return t.astimezone(self.tz)


@lru_cache(maxsize=4096)
def _day_spans(calendar: BusinessCalendar, day: date) -> tuple[Span, ...]:
    """The day's opening intervals as UTC instants (wall clock in the desk's zone, DST-aware)."""
    if calendar.closed_day(day) is not None:
        return ()
    return tuple(
        (
            _utc(datetime.combine(day, start, calendar.tz)),
            _utc(datetime.combine(day, end, calendar.tz)),
        )
        for start, end in calendar.hours.intervals_on(day.weekday())
    )


def _utc(t: datetime) -> datetime:
    if t.tzinfo is None:
        raise ValueError("the business calendar needs aware datetimes")
    return t.astimezone(UTC)
