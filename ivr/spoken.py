"""Dates, times, durations and digits as a Dutch or German speaker says them (Babel)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

_DATE = {"nl": "EEEE d MMMM", "de": "EEEE, d. MMMM"}
_DATE_WITH_YEAR = {"nl": "EEEE d MMMM y", "de": "EEEE, d. MMMM y"}
_WORDS = {
    "nl": {"today": "vandaag", "tomorrow": "morgen", "on": "op {date}", "at": "om {time}"},
    "de": {"today": "heute", "tomorrow": "morgen", "on": "am {date}", "at": "um {time} Uhr"},
}


def time_phrase(when: datetime, locale: str, tz: ZoneInfo) -> str:
    """`om 08:30` / `um 08:30 Uhr`."""
    clock = format_time(when.astimezone(tz), "HH:mm", locale=locale)
    return _WORDS[locale]["at"].format(time=clock)


def when_phrase(when: datetime, now: datetime, locale: str, tz: ZoneInfo) -> str:
    """The adverbial phrase: "morgen om 08:30", "op maandag 28 december om 08:30";
    "morgen um 08:30 Uhr", "am Montag, 28. Dezember um 08:30 Uhr". Today/tomorrow only when true
    in the desk's time zone."""
    local, today = when.astimezone(tz), now.astimezone(tz).date()
    words = _WORDS[locale]
    if local.date() == today:
        day = words["today"]
    elif local.date() == today + timedelta(days=1):
        day = words["tomorrow"]
    else:
        pattern = _DATE if local.year == today.year else _DATE_WITH_YEAR
        day = words["on"].format(date=format_date(local, pattern[locale], locale=locale))
    return f"{day} {time_phrase(local, locale, tz)}"


def digits(text: str) -> str:
    """Read one digit at a time, in groups of four: "1 2 3 4, 5 6 7 8"."""
    chars = [c for c in text if c.isdigit()]
    groups = [" ".join(chars[i : i + 4]) for i in range(0, len(chars), 4)]
    return ", ".join(groups)


_UNITS = {
    "nl": (("uur", "uur"), ("minuut", "minuten")),
    "de": (("Stunde", "Stunden"), ("Minute", "Minuten")),
}


def duration_phrase(duration: timedelta, locale: str) -> str:
    """ "30 minuten", "1 uur", "2 uur"; "30 Minuten", "1 Stunde", "2 Stunden"."""
    minutes = int(duration.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    (hour, hours_word), (minute, minutes_word) = _UNITS[locale]
    parts = []
    if hours:
        parts.append(f"{hours} {hour if hours == 1 else hours_word}")
    if rest:
        parts.append(f"{rest} {minute if rest == 1 else minutes_word}")
    return (" en " if locale == "nl" else " und ").join(parts) or f"0 {minutes_word}"
