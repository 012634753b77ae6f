"""Opening hours per weekday, parsed from configuration such as `mon-fri 08:30-17:00`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from itertools import pairwise

DEFAULT_OPENING_HOURS = "mon-fri 08:30-17:00"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

Interval = tuple[time, time]


@dataclass(frozen=True)
class OpeningHours:
    """Wall-clock intervals per weekday (0 = Monday), sorted and not overlapping."""

    weekly: tuple[tuple[Interval, ...], ...]

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """`mon-fri 08:30-12:00,13:00-17:00; sat 09:00-12:00`; days not named are closed."""
        weekly: list[list[Interval]] = [[] for _ in DAYS]
        for group in filter(None, (part.strip() for part in text.split(";"))):
            try:
                days_text, intervals_text = group.split(None, 1)
            except ValueError:
                raise ValueError(f"opening hours: {group!r} needs days and times") from None
            intervals = [_interval(item.strip()) for item in intervals_text.split(",")]
            for day in _days(days_text):
                weekly[day].extend(intervals)
        for day, intervals in enumerate(weekly):
            intervals.sort()
            for (_, end), (start, _) in pairwise(intervals):
                if start < end:
                    raise ValueError(f"opening hours: overlapping intervals on {DAYS[day]}")
        if not any(weekly):
            raise ValueError("opening hours: the desk is never open")
        return cls(tuple(tuple(intervals) for intervals in weekly))

    def intervals_on(self, weekday: int) -> tuple[Interval, ...]:
        return self.weekly[weekday]

    def describe(self, day_names: Sequence[str] = DAYS) -> str:
        """`mon 08:30-17:00; tue ...`; `day_names` (Monday first) for another language."""
        groups = []
        for day, intervals in enumerate(self.weekly):
            if intervals:
                times = ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in intervals)
                groups.append(f"{day_names[day]} {times}")
        return "; ".join(groups)


def describe_compact(hours: OpeningHours, day_names: Sequence[str] = DAYS) -> str:
    """`mon-fri 08:30-17:00`: consecutive days with the same hours as one range; `day_names`
    (Monday first) for another language."""
    groups: list[tuple[int, int, tuple[Interval, ...]]] = []
    for day, intervals in enumerate(hours.weekly):
        if groups and groups[-1][2] == intervals and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, intervals)
        else:
            groups.append((day, day, intervals))
    parts = []
    for first, last, intervals in groups:
        if intervals:
            days = day_names[first] if first == last else f"{day_names[first]}-{day_names[last]}"
            parts.append(days + " " + ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in intervals))
    return "; ".join(parts)


def _days(text: str) -> list[int]:
    days: list[int] = []
    for item in text.lower().split(","):
        first, _, last = item.partition("-")
        try:
            start = DAYS.index(first.strip())
            end = DAYS.index(last.strip()) if last else start
        except ValueError:
            raise ValueError(f"opening hours: unknown day in {text!r} (use mon..sun)") from None
        if end < start:
            raise ValueError(f"opening hours: {item!r} runs backwards")
        days.extend(range(start, end + 1))
    return days


def _interval(text: str) -> Interval:
    match = _INTERVAL.match(text)
    if not match:
        raise ValueError(f"opening hours: {text!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"opening hours: {text!r} is not a time of day")
    start = time(h1, m1)
    end = time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)
    if end <= start:
        raise ValueError(f"opening hours: {text!r} ends before it starts")
    return start, end
