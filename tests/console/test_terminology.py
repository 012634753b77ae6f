"""The console's words as a native speaker would write them, and its dates as Babel writes them."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from tests.conftest import local
from tests.console.conftest import post_form

WEDNESDAY = local(2026, 12, 2, 10, 5)


def in_language(client: FlaskClient, language: str) -> FlaskClient:
    post_form(client, "/console/", "/console/language", language=language)
    return client


def text_of(client: FlaskClient, path: str) -> str:
    return client.get(path).get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "heading", "proper"),
    [("de", "Offene Meldungen", "Störung"), ("nl", "Openstaande meldingen", "storing")],
)
def test_a_report_of_any_kind_is_a_meldung_a_fault_a_stoerung(
    staff: FlaskClient, report, clock: FixedClock, language: str, heading: str, proper: str
) -> None:  # type: ignore[no-untyped-def]
    reference = report(WEDNESDAY, "1111")
    client = in_language(staff, language)
    work_list = text_of(client, "/console/")
    assert f"<h1>{heading}</h1>" in work_list
    assert proper in work_list  # the incident itself is of the kind "Störung" / "storing"
    clock.set(local(2026, 12, 2, 11, 0))
    page = f"/console/incidents/{reference}"
    post_form(client, page, f"{page}/resolve")
    refused = post_form(client, page, f"{page}/updates", text="Nog een update")
    after = refused.get_data(as_text=True) + text_of(client, page)
    resolved = {"de": "Diese Meldung ist erledigt.", "nl": "Deze melding is afgehandeld."}
    assert resolved[language] in after
    assert "Diese Störung ist behoben." not in after and "Dit incident is opgelost." not in after


@pytest.mark.parametrize(
    ("language", "name"), [("de", "Servicedesk-Telefon"), ("nl", "Servicedesklijn"), ("en", "")]
)
def test_one_product_name_in_the_title_and_the_header(
    staff: FlaskClient, language: str, name: str
) -> None:
    page = text_of(in_language(staff, language), "/console/agents")
    title = re.search(r"<title>.* · (.*)</title>", page)
    brand = re.search(r'<span class="brand">(.*)</span>', page)
    assert title and brand
    assert title.group(1) == brand.group(1)
    assert name in title.group(1)
    assert "Leitung" not in page  # reads as the desk's management


@pytest.mark.parametrize(
    ("language", "long_date"),
    [
        ("de", "Mittwoch, 2. Dezember 2026, 10:05"),
        ("nl", "woensdag 2 december 2026, 10:05"),
        ("en", "Wednesday, December 2, 2026, 10:05<"),
    ],
)
def test_the_long_date_is_babels(staff: FlaskClient, report, language: str, long_date: str) -> None:  # type: ignore[no-untyped-def]
    reference = report(WEDNESDAY, "1111")
    page = text_of(in_language(staff, language), f"/console/incidents/{reference}")
    assert long_date in page


@pytest.mark.parametrize(
    ("language", "day", "hours"),
    [
        ("de", "Do., 11. Feb. 2027", "Mo.–Fr. 08:30–17:00"),
        ("nl", "do 11 feb 2027", "ma–vr 08:30–17:00"),
    ],
)
def test_closures_and_opening_hours_read_as_the_rest(
    staff: FlaskClient, clock: FixedClock, language: str, day: str, hours: str
) -> None:
    clock.set(WEDNESDAY)
    post_form(
        staff, "/console/calendar", "/console/closures",
        start="2027-02-11", end="2027-02-11", reason_nl="Dicht", reason_de="Geschlossen",
    )  # fmt: skip
    page = text_of(in_language(staff, language), "/console/calendar")
    assert f"<td>{day}</td>" in page and "2027-02-11</td>" not in page
    assert f'<span class="opening-hours">{hours}</span>' in page
    assert "<code>" not in page.split("<h1>", 1)[1].split("</p>", 1)[0]
