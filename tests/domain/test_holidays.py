"""The legal Dutch holidays (Algemene termijnenwet art. 3 lid 1 and 2), in Dutch and German."""

from __future__ import annotations

from datetime import date

import pytest

from ivr.domain.holidays import HolidayCalendar

# Hand-listed from the law: Easter 2026 is 5 April, Easter 2027 is 28 March.
LEGAL_2026 = {
    date(2026, 1, 1): ("Nieuwjaarsdag", "Neujahr"),
    date(2026, 4, 3): ("Goede Vrijdag", "Karfreitag"),
    date(2026, 4, 6): ("Tweede Paasdag", "Ostermontag"),
    date(2026, 4, 27): ("Koningsdag", "Königstag"),
    date(2026, 5, 5): ("Bevrijdingsdag", "Befreiungstag"),
    date(2026, 5, 14): ("Hemelvaartsdag", "Christi Himmelfahrt"),
    date(2026, 5, 25): ("Tweede Pinksterdag", "Pfingstmontag"),
    date(2026, 12, 25): ("Eerste Kerstdag", "Erster Weihnachtstag"),
    date(2026, 12, 26): ("Tweede Kerstdag", "Zweiter Weihnachtstag"),
}
LEGAL_2027 = {
    date(2027, 1, 1): "Nieuwjaarsdag",
    date(2027, 3, 26): "Goede Vrijdag",
    date(2027, 3, 29): "Tweede Paasdag",
    date(2027, 4, 27): "Koningsdag",
    date(2027, 5, 5): "Bevrijdingsdag",
    date(2027, 5, 6): "Hemelvaartsdag",
    date(2027, 5, 17): "Tweede Pinksterdag",
    date(2027, 12, 25): "Eerste Kerstdag",
    date(2027, 12, 26): "Tweede Kerstdag",
}


def test_2026_is_exactly_the_legal_list_with_both_names() -> None:
    found = {h.date: (h.name_nl, h.name_de) for h in HolidayCalendar("NL").holidays_in(2026)}
    assert found == LEGAL_2026


def test_2027_is_exactly_the_legal_list() -> None:
    found = {h.date: h.name_nl for h in HolidayCalendar("NL").holidays_in(2027)}
    assert found == LEGAL_2027


@pytest.mark.parametrize("day", [date(2026, 4, 5), date(2026, 5, 24), date(2027, 3, 28)])
def test_easter_and_whit_sunday_are_not_on_the_legal_list(day: date) -> None:
    assert HolidayCalendar("NL").holiday_on(day) is None


def test_liberation_day_counts_every_year_not_only_every_fifth() -> None:
    for year in (2026, 2027, 2028, 2029, 2030):
        assert HolidayCalendar("NL").holiday_on(date(year, 5, 5)) is not None


def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday() -> None:
    calendar = HolidayCalendar("NL")
    assert calendar.holiday_on(date(2025, 4, 26)) is not None  # 27 April 2025 was a Sunday
    assert calendar.holiday_on(date(2025, 4, 27)) is None


def test_configured_categories_replace_the_legal_list() -> None:
    public_only = HolidayCalendar("NL", categories=("public",))
    assert public_only.holiday_on(date(2026, 5, 5)) is None  # the package's public list: 2025, 2030
    assert public_only.holiday_on(date(2026, 4, 5)) is not None  # it has Easter Sunday


def test_another_country_and_subdivision() -> None:
    bavaria = HolidayCalendar("DE", subdiv="BY")
    assert bavaria.holiday_on(date(2026, 1, 6)) is not None  # Heilige Drei Könige
    assert HolidayCalendar("DE", subdiv="NW").holiday_on(date(2026, 1, 6)) is None


def test_a_german_lands_holidays_are_named_in_german_not_english() -> None:
    """A caller of a Bavarian desk hears "Heilige Drei Könige", never the package's "Epiphany";
    the package has no Dutch names for Germany, so a Dutch caller hears the German name too."""
    epiphany = HolidayCalendar("DE", subdiv="BY").holiday_on(date(2026, 1, 6))
    assert epiphany is not None
    assert (epiphany.name_de, epiphany.name_nl) == ("Heilige Drei Könige", "Heilige Drei Könige")
    unity = HolidayCalendar("DE").holiday_on(date(2026, 10, 3))
    assert unity is not None and unity.name_de == "Tag der Deutschen Einheit"
