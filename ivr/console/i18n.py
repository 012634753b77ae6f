"""The console in the user's language: Dutch, German or English, dates and times in its locale.

The language is the one the user picked (kept with the user and in the session); until they
pick one, the browser's (Accept-Language). Callers' prompts have their own catalogs and are
chosen by the call, never by these.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime, get_day_names
from flask import Flask, request, session
from flask_babel import Babel, get_locale

from ivr.console_catalogs import CONSOLE_DIR, DOMAIN

LANGUAGES = ("nl", "de", "en")
LANGUAGE_NAMES = {"nl": "Nederlands", "de": "Deutsch", "en": "English"}
DEFAULT_LANGUAGE = "en"


def select_language() -> str:
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, DEFAULT_LANGUAGE)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(CONSOLE_DIR))
    app.config.setdefault("BABEL_DOMAIN", DOMAIN)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    Babel(app, locale_selector=select_language)


def language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def local_time(value: datetime, tz: object, pattern: str = "EEE d MMM HH:mm") -> str:
    """A time in the desk's zone, with day and month names in the user's language."""
    return format_datetime(value, pattern, tzinfo=tz, locale=language())  # type: ignore[arg-type]


def day_names() -> tuple[str, ...]:
    """Short day names, Monday first, in the user's language; English keeps the opening hours'
    own spelling (`mon`..`sun`, as OPENING_HOURS is written)."""
    from ivr.domain.hours import DAYS

    if language() == DEFAULT_LANGUAGE:
        return DAYS
    names = get_day_names("abbreviated", locale=language())
    return tuple(names[day] for day in range(7))
