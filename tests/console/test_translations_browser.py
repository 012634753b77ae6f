"""The console in Chromium: Dutch from the browser's language, German picked in the header."""

from __future__ import annotations

import pytest

from ivr.clock import FixedClock
from tests.conftest import local
from tests.console.conftest import PASSWORD, report_into
from tests.console.test_browser import browser, site, twilio  # noqa: F401  fixtures

pytestmark = pytest.mark.browser


def test_dutch_from_the_browser_then_german_by_choice(browser, site, clock: FixedClock) -> None:  # noqa: F811
    app, base = site
    reference = report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
    clock.set(local(2026, 11, 30, 8, 40))
    context = browser.new_context(locale="nl-NL", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/console/")
    assert page.locator("h1").inner_text() == "Inloggen"
    page.fill("input[name=username]", "anouk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:text-is('Inloggen')")
    assert (
        page.locator("h1").inner_text() == "Openstaande meldingen"
    )  # issue 24: melding, not incident
    row = page.locator("table.incidents tbody tr").first
    assert f"{reference[:4]} {reference[4:]}" in row.inner_text()
    assert "buiten openingstijd" in row.inner_text() and "ma 30 nov 09:00" in row.inner_text()
    assert page.locator("html").get_attribute("lang") == "nl"
    # The user picks German in the header: every page follows, the browser stays Dutch.
    page.select_option("form.language select", "de")
    with page.expect_navigation():
        page.click("form.language button")
    assert page.locator("h1").inner_text() == "Offene Meldungen"  # issue 24: Meldung, not Störung
    assert "Mo. 30 Nov. 09:00" in page.locator("table.incidents tbody tr").first.inner_text()
    page.goto(f"{base}/console/incidents/{reference}")
    assert "Was der Anrufer gesagt hat" in page.content()
    with page.expect_navigation():
        page.click("button:text-is('Annehmen')")
    assert "von anouk" in page.locator("dt:text('Angenommen') + dd").inner_text()
    page.goto(f"{base}/console/report?month=2026-11")
    assert page.locator("h1").inner_text().startswith("Service-Level")
    assert "Anrufe pro Tag nach Ausgang" in page.locator("svg.chart").first.inner_html()
    context.close()
