"""The days the desk is closed by law: the "algemeen erkende feestdagen" of the Netherlands.

Algemene termijnenwet art. 3: lid 1 names Nieuwjaarsdag, tweede Paas- en Pinksterdag, both
Christmas days, Hemelvaartsdag, Koningsdag and 5 May; lid 2 equates Goede Vrijdag with them.
Days equated by decree (lid 3, e.g. the Friday after Ascension) are configured closures.
The `holidays` package's NL "public" list has Good Friday and the Sundays of Easter and Pentecost,
but Liberation Day only every fifth year ("optional" has it every year), so the legal list is
built from both categories and filtered to the law's days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays as holidays_package

# English names the package uses -> (Dutch, German) as the desk announces them.
LEGAL_NL = {
    "New Year's Day": ("Nieuwjaarsdag", "Neujahr"),
    "Good Friday": ("Goede Vrijdag", "Karfreitag"),
    "Easter Monday": ("Tweede Paasdag", "Ostermontag"),
    "King's Day": ("Koningsdag", "Königstag"),
    "Liberation Day": ("Bevrijdingsdag", "Befreiungstag"),
    "Ascension Day": ("Hemelvaartsdag", "Christi Himmelfahrt"),
    "Pentecost Monday": ("Tweede Pinksterdag", "Pfingstmontag"),
    "Christmas Day": ("Eerste Kerstdag", "Erster Weihnachtstag"),
    "Second Day of Christmas": ("Tweede Kerstdag", "Zweiter Weihnachtstag"),
}


@dataclass(frozen=True)
class Holiday:
    date: date
    name_nl: str
    name_de: str


@dataclass(frozen=True)
class HolidayCalendar:
    """Public holidays of `country`; for NL without categories, the legal list above."""

    country: str = "NL"
    subdiv: str | None = None
    categories: tuple[str, ...] | None = None

    def holiday_on(self, day: date) -> Holiday | None:
        return _year(self, day.year).get(day)

    def holidays_in(self, year: int) -> list[Holiday]:
        return sorted(_year(self, year).values(), key=lambda h: h.date)


@lru_cache(maxsize=64)
def _year(calendar: HolidayCalendar, year: int) -> dict[date, Holiday]:
    legal_nl = calendar.country == "NL" and not calendar.categories
    categories = ("public", "optional") if legal_nl else calendar.categories
    kwargs = {"categories": categories} if categories else {}
    english = holidays_package.country_holidays(
        calendar.country, subdiv=calendar.subdiv, years=year, language="en_US", **kwargs
    )
    days: dict[date, Holiday] = {}
    local = (
        {} if legal_nl else {lang: _named(calendar, year, lang, kwargs) for lang in ("nl", "de")}
    )
    for day, names in english.items():
        for name in names.split("; "):
            if name in LEGAL_NL:
                days[day] = Holiday(day, *LEGAL_NL[name])
            elif not legal_nl:
                days[day] = Holiday(day, local["nl"].get(day, name), local["de"].get(day, name))
    return days


def _named(
    calendar: HolidayCalendar, year: int, language: str, kwargs: dict[str, object]
) -> dict[date, str]:
    """The holidays' names in `language` where the package has them for the country, else in
    the country's own language (a German Land's holidays are named in German to Dutch callers
    too: the package has no Dutch names for Germany)."""
    country = holidays_package.country_holidays(calendar.country, subdiv=calendar.subdiv)
    if language not in getattr(country, "supported_languages", ()):
        # Said explicitly: without it the package follows the process's locale (often English).
        language = getattr(country, "default_language", None) or "en_US"
    return dict(
        holidays_package.country_holidays(
            calendar.country, subdiv=calendar.subdiv, years=year, language=language, **kwargs
        )
    )
