"""Messages the services raise, marked for the console catalog and shown in the user's language.

Services stay free of the web layer: they raise English sentences; the console looks them up
here. A message with names or numbers in it stays English (it is not in the catalog).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime

from babel.dates import format_datetime
from flask_babel import gettext, lazy_gettext

from ivr.console.i18n import language
from ivr.domain.maintenance import RuleViolation


def N_(text: str) -> str:
    """Marks `text` for extraction without translating it here."""
    return text


SERVICE_MESSAGES = (
    N_("Write the update first."),
    N_("An update is at most %(most)d characters."),
    # issue 27: wrap-up
    N_("Choose how the call ended."),
    N_("A note is at most %(most)d characters."),
    N_("This incident is resolved."),
    N_("Only incidents restored by appointment (category 4) get one."),
    N_("The appointment must be in the future."),
    N_("Say why the deadline changes."),
    N_("A closure must end on or after the day it starts."),
    N_("Callers hear the reason: give it in Dutch and in German."),
    N_("That closure no longer exists."),
    N_("Callers hear the announcement: give it in Dutch and in German."),
    N_("That maintenance window no longer exists."),
    N_("an agent needs a name"),
    N_("The window must end after it starts."),
    N_("Give the announcement in Dutch and in German."),
    N_("An announcement is at most %(most)d characters."),
    N_("Choose how bad it is."),
    N_("There is no incident %(reference)s."),
    N_("A category is 1, 2, 3 or 4."),
    N_("This disruption has ended already."),
    N_("Say who was consulted: the customer or its ICT partner."),
    N_("Give the name of the person consulted."),
    N_("Give the day of the consultation."),
    N_("The consultation must have taken place: its day cannot be later than today."),
    # Agents (ivr/services/agents.py, names.py)
    N_("an address has at most %(most)d characters"),
    N_("not a SIP address like sip:anouk@pbx.example.nl: %(address)s"),
    N_("not a client identity like client:anouk (letters, digits, - _ . ~): %(address)s"),
    N_("not a phone number: %(address)s"),
    N_("not a valid phone number: %(address)s"),
    N_("languages must be a list of %(known)s; got %(text)s"),
    N_("an agent named %(name)s exists already"),
    N_("%(address)s rings %(name)s already"),
    N_("%(name)s has taken offers from the queue: set them away instead"),
    N_("no agent named %(name)s"),
    N_("an agent serves at least one desk"),
    N_("no desk %(desk)s: the desks are %(known)s"),
    N_("%(what)s must not be empty"),
    N_("%(what)s has at most %(most)d characters (%(given)d given)"),
    N_("%(what)s must not contain control characters"),
    N_("an agent's name"),
    # Texts and dates checked by the one input cleaner (ivr/domain/text_input.py)
    N_("%(what)s must lie after %(earliest)s and no later than %(latest)s."),
    N_("The update"),
    N_("The reason"),
    N_("The announcement"),
    N_("The appointment"),
    N_("The restore deadline"),
    N_("The name of the person consulted"),
    # Closures and maintenance (ivr/services/closures.py, ivr/domain/maintenance.py)
    N_("That closure lies in the past: callers would never hear it."),
    N_(
        "This closes the desk for %(days)d days (more than %(warn_days)d). Callers will hear "
        "that the desk is closed until further notice, or when it reopens. Confirm to save."
    ),
    N_(
        "The desk is closed already from %(first)s to %(last)s (%(reason)s): change that "
        "closure instead."
    ),
    N_(
        "Planned maintenance must lie entirely outside opening hours (the desk is "
        "open during this window from %(opens)s)."
    ),
    N_("At most %(most)d maintenance windows per calendar year; %(year)d has %(count)d already."),
    N_(
        "Planned maintenance must be announced at least %(days)d days ahead (announced "
        "now, it can start at %(earliest)s at the earliest)."
    ),
    # Dates and times typed in a form (ivr/domain/moments.py), led by the field's name
    N_("%(what)s: %(day)s is outside the supported range %(earliest)s to %(latest)s."),
    N_("%(what)s: %(text)s is not a date like 2027-04-27."),
    N_("%(what)s: %(text)s is not a date and time like 2027-04-27 10:00."),
    N_(
        "%(what)s: %(time)s does not exist in %(zone)s: the clocks are put forward that night "
        "(daylight saving time). Choose a time before or after the gap."
    ),
    N_("From"),
    N_("To"),
    N_("Starts"),
    N_("Ends"),
    N_("time"),
    N_("date"),
)


def translated(message: str) -> str:
    """The message in the user's language when the catalog has it, else as it was raised."""
    return gettext(message) if message in SERVICE_MESSAGES else message


def explained(exc: Exception) -> str:
    """A service's error in the user's language; one raised with `message` and `params` (names,
    numbers) is translated with them filled in (a parameter that is itself a known text, such
    as a field's name, is translated too)."""
    message, params = getattr(exc, "message", None), getattr(exc, "params", None)
    if isinstance(message, str) and message in SERVICE_MESSAGES:
        return _filled(message, params or {})
    return translated(str(exc))


def violation(rule: RuleViolation) -> str:
    """A maintenance rule broken, in the user's language."""
    if rule.template in SERVICE_MESSAGES:
        return _filled(rule.template, rule.params)
    return translated(rule.message)


def _filled(message: str, params: Mapping[str, object]) -> str:
    shown = {k: _shown(v) for k, v in params.items()}
    return gettext(message, **shown)


def _shown(value: object) -> object:
    if isinstance(value, str):
        return translated(value)
    if isinstance(value, datetime):  # aware, on the desk's wall clock
        return format_datetime(
            value, "EEE dd MMM yyyy HH:mm", tzinfo=value.tzinfo, locale=language()
        )
    return value


# Why an agent went away, as the line notes it (ivr/services/offers.py, dispatch.py, sweeper.py,
# presence.py): English in the database, shown in the user's language.
_HOW_MISSED = {
    "did not answer": lazy_gettext("did not answer"),
    "no answer": lazy_gettext("did not answer"),
    "was busy": lazy_gettext("was busy"),
    "hung up without taking it": lazy_gettext("hung up without taking it"),
    "failed": lazy_gettext("the phone failed"),
}
_NOTES = (
    (re.compile(r"missed an offer \((?P<how>[^)]*)\) at (?P<at>\d\d:\d\d)"), "missed"),
    (re.compile(r"declined an offer \(no key\) at (?P<at>\d\d:\d\d)"), "no_key"),
    (re.compile(r"declined an offer \(key (?P<key>[^)]*)\) at (?P<at>\d\d:\d\d)"), "key"),
    (re.compile(r"phone failed \(Twilio (?P<code>[^)]*)\)"), "failed"),
    (re.compile(r"logged in by phone"), "in"),
    (re.compile(r"logged out by phone"), "out"),
    (re.compile(r"set available in the console"), "console_in"),
    (re.compile(r"set away in the console"), "console_out"),
)


def presence_note(note: str | None) -> str:
    """The line's note on an agent's presence in the user's language (unknown notes as they are)."""
    if not note:
        return ""
    for pattern, kind in _NOTES:
        match = pattern.fullmatch(note)
        if match is not None:
            return _note(kind, match.groupdict()) or note
    return note


def _note(kind: str, found: dict[str, str]) -> str | None:
    if kind == "missed":
        how = _HOW_MISSED.get(found["how"])
        if how is None:
            return None
        return gettext("missed an offer (%(how)s) at %(at)s", how=str(how), at=found["at"])
    texts: dict[str, Callable[[], str]] = {
        "no_key": lambda: gettext("declined an offer (no key) at %(at)s", at=found["at"]),
        "key": lambda: gettext(
            "declined an offer (key %(key)s) at %(at)s", key=found["key"], at=found["at"]
        ),
        "failed": lambda: gettext("phone failed (Twilio %(code)s)", code=found["code"]),
        "in": lambda: gettext("logged in by phone"),
        "out": lambda: gettext("logged out by phone"),
        "console_in": lambda: gettext("set available in the console"),
        "console_out": lambda: gettext("set away in the console"),
    }
    return texts[kind]()
