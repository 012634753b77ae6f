"""The console in Dutch, German and English: the browser's language first, then the user's pick."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from ivr import console_catalogs
from ivr.catalogs import read_catalog, write_catalog
from ivr.clock import FixedClock
from tests.conftest import local
from tests.console.conftest import PASSWORD, csrf_token, post_form

SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)


def test_the_console_catalogs_are_complete(app: Flask) -> None:
    assert console_catalogs.check() == []
    # Strict: every text the code and templates mark is in the catalogs (extracted), so none
    # shows in English for want of an extract. Texts not marked at all are found by rendering
    # the pages in three languages (tests/console/test_every_text_translated.py).
    result = app.test_cli_runner().invoke(args=["translations", "check", "--strict"])
    assert result.exit_code == 0, result.output


def test_the_check_finds_a_missing_or_broken_translation(tmp_path: Path) -> None:
    copy = tmp_path / "console_translations"
    shutil.copytree(console_catalogs.CONSOLE_DIR, copy)
    path = console_catalogs.po_path("de", copy)
    catalog = read_catalog(path, "de")
    catalog.get("%(name)s is on duty.").string = "%(wer)s ist im Dienst."
    catalog.get("Work list").string = ""
    write_catalog(catalog, path)
    problems = console_catalogs.check(copy)
    assert "de: placeholders differ from the English in '%(name)s is on duty.'" in problems
    assert "de: no translation for 'Work list'" in problems
    assert len(problems) == 2


def test_the_browser_language_is_the_default(staff: FlaskClient, report, clock: FixedClock) -> None:
    report(SATURDAY_NIGHT, "1111")
    clock.set(local(2026, 11, 30, 8, 40))
    dutch = staff.get("/console/", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
    page = dutch.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Openstaande meldingen" in page and "Reactie uiterlijk" in page  # issue 24: melding
    assert "buiten openingstijd" in page and "op tijd" in page
    assert "ma 30 nov 09:00" in page  # reaction due, Monday, in Dutch
    german = staff.get("/console/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    page = german.get_data(as_text=True)
    assert "Offene Meldungen" in page and "Reaktion fällig" in page  # issue 24: Meldung
    assert "Mo. 30 Nov. 09:00" in page
    english = staff.get("/console/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert "Open incidents" in english and "Mon 30 Nov 09:00" in english


def test_a_picked_language_wins_and_stays_with_the_user(
    app: Flask, staff: FlaskClient, user: str
) -> None:
    dutch_browser = {"Accept-Language": "nl"}
    answer = post_form(
        staff, "/console/calls", "/console/language", language="de", next="/console/calls"
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/calls"
    assert "Noch keine Anrufe." in staff.get("/console/calls", headers=dutch_browser).get_data(
        as_text=True
    )
    # Another session of the same user, from a Dutch browser: German, as picked.
    other = app.test_client()
    other.post(
        "/console/login",
        data={
            "username": user,
            "password": PASSWORD,
            "csrf_token": csrf_token(other, "/console/login"),
        },
        headers=dutch_browser,
    )
    assert "Arbeitsliste" in other.get("/console/", headers=dutch_browser).get_data(as_text=True)
    # An unknown language is ignored.
    post_form(staff, "/console/", "/console/language", language="fr")
    assert "Arbeitsliste" in staff.get("/console/").get_data(as_text=True)


def test_messages_and_the_report_in_the_users_language(staff: FlaskClient) -> None:
    post_form(staff, "/console/", "/console/language", language="nl")
    page = post_form(
        staff, "/console/agents", "/console/agents", name="", number="+31612345678", languages="nl"
    )
    assert page.status_code == 302
    assert "een medewerker heeft een naam nodig" in staff.get("/console/agents").get_data(
        as_text=True
    )
    report = staff.get("/console/report?month=2026-11").get_data(as_text=True)
    assert "Serviceniveau" in report and "Reactie binnen de norm" in report
    assert "Gesprekken per dag naar afloop" in report  # a chart's title
    assert "aangenomen door een medewerker" in report  # the chart legend
    assert "nov 2026" in report  # the month axis
    assert "De wachtrij" in report and "Opgehangen tijdens het wachten" in report
