"""What every console view needs: the desk, its clock and calendar, times shown in its zone."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_skeleton, get_date_format, get_datetime_format
from flask import current_app
from flask_babel import gettext as _

from ivr import services
from ivr.console.i18n import LANGUAGE_NAMES, language, local_time
from ivr.db import get_session
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.moments import parse_moment
from ivr.services.desk import Desk, business_calendar


def desk() -> Desk:
    return current_app.extensions["ivr.desk"]


def now() -> datetime:
    return services.now()


def calendar() -> BusinessCalendar:
    return business_calendar(desk(), get_session(), now())


# The console's strftime patterns as CLDR patterns: names of days and months in the user's language.
CLDR_PATTERNS = {
    "%a %d %b %H:%M": "EEE dd MMM HH:mm",
    "%d-%m-%Y %H:%M": "dd-MM-yyyy HH:mm",
    "%a %d %b %Y %H:%M": "EEE dd MMM yyyy HH:mm",
}
TIME = "HH:mm"  # every time in the console, English too (the desk's clock is 24-hour)
LONG = "%A %d %B %Y %H:%M"  # the language's own full date: "Mittwoch, 2. Dezember 2026, 10:05"


def shown(value: datetime | None, pattern: str = "%a %d %b %H:%M") -> str:
    """A time as the desk reads it: in its own zone, in the user's language."""
    if not value:
        return "—"
    if pattern == LONG:
        return local_time(value, desk().tz, _full_pattern())
    if pattern in CLDR_PATTERNS:
        return local_time(value, desk().tz, CLDR_PATTERNS[pattern])
    return value.astimezone(desk().tz).strftime(pattern)


def _full_pattern() -> str:
    """Babel's full date and the desk's 24-hour time, joined as the language joins them."""
    locale = language()
    joined = str(get_datetime_format("full", locale=locale))
    date_part = get_date_format("full", locale=locale).pattern
    return joined.replace("{1}", date_part).replace("{0}", TIME)


def day_shown(day: date) -> str:
    """A day spoken style, as Babel writes it in the user's language ("Do., 11. Feb. 2027")."""
    return format_skeleton("yMMMEd", day, locale=language())


def parse_local(text: str, what: str = "time") -> datetime:
    """`2026-12-05T22:00` from a form, read in the desk's zone; DateInputError says why not."""
    return parse_moment(text, desk().tz, what)


def template_helpers() -> dict[str, object]:
    from ivr.console.alerts import line_alert_texts
    from ivr.console.me import my_agent, presence_name
    from ivr.console.messages import presence_note
    from ivr.console.softphone import softphone_offered
    from ivr.privacy import mask_number

    return {
        "shown": shown,
        "day_shown": day_shown,
        "masked": mask_number,
        "presence_note": presence_note,
        "ui_language": language,
        "ui_languages": LANGUAGE_NAMES,
        "my_agent": my_agent,
        "presence_name": presence_name,
        "line_alert_texts": line_alert_texts,
        "softphone_offered": softphone_offered,  # issue 27
        "product_name": _("Servicedesk line"),  # one name, in the title and in the header
    }
