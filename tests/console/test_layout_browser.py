"""The console's layout in Chromium at common desk widths, in Dutch and German: nothing cut off,
no sideways scrolling, long words wrapped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident
from ivr.services.users import set_language
from tests.conftest import local
from tests.console.conftest import PASSWORD, report_into
from tests.console.test_browser import browser, site, twilio  # noqa: F401  fixtures
from tests.console.test_report import march  # noqa: F401  the generated month

pytestmark = pytest.mark.browser
LONG_WORD = "Druckerwarteschlangenverwaltungsdienstneustartanforderung" * 8  # 456 characters
PAGES = [
    "/console/",
    "/console/?view=morning",
    "/console/agents",
    "/console/calendar",
    "/console/calls",
    "/console/disruptions",
    "/console/board",
    "/console/report?month=2027-03",
]
FITS = """() => {
    const width = window.innerWidth;
    const outside = [];
    for (const selector of arguments_) {
        for (const element of document.querySelectorAll(selector)) {
            const box = element.getBoundingClientRect();
            if (box.width && (box.left < 0 || box.right > width + 0.5)) {
                outside.push(selector + " " + Math.round(box.left) + ".." + Math.round(box.right));
            }
        }
    }
    return {scroll: document.documentElement.scrollWidth, width: width, outside: outside};
}"""
KEY_ELEMENTS = [
    "header .logout button",
    "header .my-presence button",
    "header .language button",
    "table",
    "main h1",
    "q.summary",
]


def fits(page, selectors: list[str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    script = FITS.replace("arguments_", repr(selectors))
    return page.evaluate(script)


def legend_inside_its_chart(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Every legend entry of every chart, drawn within the chart's own box."""
    return page.evaluate(
        """() => {
            const cut = [];
            for (const figure of document.querySelectorAll(".charts figure")) {
                const frame = figure.getBoundingClientRect();
                for (const item of figure.querySelectorAll(".legend, .chart-legend li")) {
                    const box = item.getBoundingClientRect();
                    if (box.right > frame.right + 0.5 || box.left < frame.left - 0.5) {
                        cut.push(item.textContent);
                    }
                }
            }
            return cut;
        }"""
    )


@pytest.fixture
def desk(site, march, clock: FixedClock):  # type: ignore[no-untyped-def]  # noqa: F811
    """The generated month, an open report with one very long word as its summary, and the
    console user linked to an agent (their presence buttons in the header)."""
    app, base = site
    # Out of hours (07:00), so the report is recorded whatever the agents do.
    reference = report_into(app, clock, local(2027, 4, 1, 7, 0), "1113", caller="+31611112222")
    with app.app_context():
        row = get_session().scalars(select(Incident).where(Incident.reference == reference)).one()
        row.summary = LONG_WORD
        get_session().commit()
    result = app.test_cli_runner().invoke(args=["agents", "link", "Anouk", "anouk"])
    assert result.exit_code == 0, result.output
    clock.set(local(2027, 4, 1, 9, 30))
    return app, base


@pytest.mark.parametrize("width", [1280, 1440])
@pytest.mark.parametrize("language", ["nl", "de"])
def test_nothing_is_cut_off_and_nothing_scrolls_sideways(
    browser,  # noqa: F811
    desk,
    width: int,
    language: str,
) -> None:  # type: ignore[no-untyped-def]
    app, base = desk
    with app.app_context():
        set_language(get_session(), "anouk", language)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/console/login")
        page.fill("input[name=username]", "anouk")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        problems = []
        for path in PAGES:
            page.goto(f"{base}{path}")
            measured = fits(page, KEY_ELEMENTS)
            if measured["scroll"] > measured["width"] or measured["outside"]:
                problems.append((path, measured))
            shots = os.environ.get("CONSOLE_SCREENSHOTS")
            if shots:
                name = f"layout-{language}-{width}-{path.strip('/').replace('/', '_') or 'list'}"
                page.screenshot(path=str(Path(shots) / f"{name[:80]}.png"), full_page=True)
        assert page.locator("header .logout button").is_visible()
        page.goto(f"{base}/console/report?month=2027-03")
        assert legend_inside_its_chart(page) == []
        assert problems == [], problems
    finally:
        context.close()
