"""Dates, times, durations and digits as a Dutch or German speaker says them (Babel)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
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


def date_phrase(when: datetime, locale: str, tz: ZoneInfo) -> str:
    """For a text read later: never "tomorrow". "op maandag 28 december om 08:30"."""
    local = when.astimezone(tz)
    day = format_date(local, _DATE[locale], locale=locale)
    return f"{_WORDS[locale]['on'].format(date=day)} {time_phrase(local, locale, tz)}"


def digits(text: str) -> str:
    """Read one digit at a time, in groups of four: "1 2 3 4, 5 6 7 8"."""
    chars = [c for c in text if c.isdigit()]
    groups = [" ".join(chars[i : i + 4]) for i in range(0, len(chars), 4)]
    return ", ".join(groups)


HOME_COUNTRIES = (31, 49)  # read in the national form callers know: "06 12 34 56 78"


def phone_number(number: str) -> str:
    """A phone number in the groups people say it: the area or mobile code digit by digit,
    then the subscriber number in pairs (three digits first when odd), pairs said as numbers:
    "+31612345678" -> "0 6, 12, 34, 56, 78" (nul zes, twaalf, vierendertig, ...);
    "+31201234567" -> "0 2 0, 1 2 3, 45, 67"; "+4917612345678" -> "0 1 7 6, 12, 34, 56, 78".
    Numbers of other countries: "plus", then the groups of their international form, digit
    by digit. Anything unparsable: digit by digit in fours."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return digits(number)
    if parsed.country_code not in HOME_COUNTRIES:
        groups = phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ).split()
        return "plus " + ", ".join(" ".join(c for c in g if c.isdigit()) for g in groups)
    national = str(parsed.national_number)
    code = phonenumbers.length_of_national_destination_code(parsed)
    prefix, subscriber = "0" + national[:code], national[code:]
    groups = [" ".join(prefix)]
    if len(subscriber) % 2:
        groups.append(" ".join(subscriber[:3]))
        subscriber = subscriber[3:]
    for i in range(0, len(subscriber), 2):
        pair = subscriber[i : i + 2]
        groups.append(" ".join(pair) if pair.startswith("0") else pair)
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
