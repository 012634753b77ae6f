"""Messages the services raise, marked for the console catalog and shown in the user's language.

Services stay free of the web layer: they raise English sentences; the console looks them up
here. A message with names or numbers in it stays English (it is not in the catalog).
"""

from __future__ import annotations

from flask_babel import gettext


def N_(text: str) -> str:
    """Marks `text` for extraction without translating it here."""
    return text


SERVICE_MESSAGES = (
    N_("Write the update first."),
    N_("An update is at most %(most)d characters."),
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
)


def translated(message: str) -> str:
    """The message in the user's language when the catalog has it, else as it was raised."""
    return gettext(message) if message in SERVICE_MESSAGES else message


def explained(exc: Exception) -> str:
    """A service's error in the user's language; one raised with `message` and `params` (names,
    numbers) is translated with them filled in."""
    message, params = getattr(exc, "message", None), getattr(exc, "params", None)
    if isinstance(message, str) and message in SERVICE_MESSAGES:
        return gettext(message, **(params or {}))
    return translated(str(exc))
