"""What every console view needs: the desk, its clock and calendar, times shown in its zone;
the user's desks and roles, and which desk they chose in the header (issue 26)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import TypeVar

from babel.dates import format_skeleton, get_date_format, get_datetime_format
from flask import abort, current_app, g, session
from flask_babel import gettext as _

from ivr import services
from ivr.console.i18n import LANGUAGE_NAMES, language, local_time
from ivr.db import get_session
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.moments import parse_moment
from ivr.services.desk import Desk, business_calendar
from ivr.services.desks import Desks, line_desks
from ivr.services.roles import AGENT, LEAD, Access, Scope

CHOSEN = "desk"  # in the session: the desk chosen in the header; absent or "*": all of mine
ALL_MINE = "*"
View = TypeVar("View", bound=Callable[..., object])


def desks() -> Desks:
    return line_desks(current_app.extensions)


def access() -> Access:
    """The user's roles, read once per request when the login is checked (ivr/console/auth.py)."""
    return g.get("access") or Access()


def my_desks(role: str = AGENT) -> tuple[Desk, ...]:
    """The declared desks where the user has at least `role`, in declaration order."""
    mine = access().desks(desks().keys, role)
    return tuple(d for d in desks() if d.key in mine)


def chosen() -> str | None:
    """The desk the user chose in the header; None: all of theirs (also when they have one)."""
    key = session.get(CHOSEN)
    mine = my_desks()
    if len(mine) < 2 or not any(d.key == key for d in mine):
        return None
    return key


def desk() -> Desk:
    """The desk the user works in: the one chosen, else the first of theirs where they are a
    lead (so a new closure lands where they may make it), else their first. New closures,
    maintenance windows and disruptions are made in this desk."""
    # Asked for every time a page shows (issue 30: five times a row of the work list): worked
    # out once per request for the same choice and roles.
    asked = (session.get(CHOSEN), g.get("access"))
    kept = g.get("desk_worked_in")
    if kept is not None and kept[0] == asked:
        return kept[1]
    found = _desk_worked_in()
    g.desk_worked_in = (asked, found)
    return found


def _desk_worked_in() -> Desk:
    key = chosen()
    if key is not None:
        return desks().get(key) or desks().first
    leading, mine = my_desks(LEAD), my_desks()
    return (leading or mine or (desks().first,))[0]


def scope(role: str = AGENT) -> Scope:
    """The desks a list shows the user: the chosen one or all of theirs where they have at
    least `role`; None (no filter) for an admin over all desks."""
    return access().scope(desks().keys, chosen(), role)


def reach(role: str = AGENT) -> Scope:
    """Every desk where the user has at least `role`, whichever is chosen: a link to an object
    of another desk of theirs still opens. None for an admin."""
    return access().scope(desks().keys, None, role)


def require(desk_key: str, role: str) -> None:
    """An object of `desk_key`: 404 for a user without a role there (it does not exist for
    them), 403 when their role is below `role`."""
    if access().role(desk_key) is None:
        abort(404)
    if not access().may(desk_key, role):
        abort(403)


def needs(role: str) -> Callable[[View], View]:
    """A view for users with at least `role` on a desk in view (else 403)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(*args: object, **kwargs: object) -> object:
            if scope(role) == ():
                abort(403)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


def desk_name(key: str) -> str:
    """A desk's name; the key itself for a desk no longer declared."""
    found = desks().get(key)
    return found.name if found else key


def desk_in_view() -> str:
    """What a list shows, for a user of several desks: the desk chosen, or all of theirs."""
    if len(my_desks()) < 2:
        return ""
    key = chosen()
    return desk_name(key) if key else _("All my desks")


def now() -> datetime:
    return services.now()


def calendar(desk_key: str | None = None) -> BusinessCalendar:
    """The calendar of the desk worked in, or of the desk `desk_key` (an incident's own)."""
    return business_calendar(desk_of(desk_key), get_session(), now())


def desk_of(desk_key: str | None) -> Desk:
    """A row's desk (its own hours, sender); the desk worked in for a key no longer declared."""
    return desks().get(desk_key) or desk()


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
        "my_desks": my_desks,
        "several_desks": lambda: len(my_desks()) > 1,
        "desk_name": desk_name,
        "desk_in_view": desk_in_view,
        "desk_worked_in": lambda: desk().name,
        "chosen_desk": chosen,
        "leads_here": lambda: scope(LEAD) != (),
        "admin": lambda: access().admin,
    }
