"""The service-level report in Chromium: the charts render, and it prints on A4."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.console.test_browser import browser, page, site, twilio  # noqa: F401  fixtures
from tests.console.test_report import march  # noqa: F401  the generated month

pytestmark = pytest.mark.browser


def test_the_report_page_renders_its_charts_and_prints_on_a4(page, site, march) -> None:  # noqa: F811
    _app, base = site
    page.goto(f"{base}/console/report?month=2027-03")
    charts = page.locator("svg.chart")
    assert charts.count() == 3
    for n in range(3):
        box = charts.nth(n).bounding_box()
        assert box and box["width"] > 500 and box["height"] > 150
    # Bars are drawn with their figures as tooltips: the 1st of March had an agent call.
    assert "01-03 answered by an agent: 1" in charts.first.inner_html()
    shots = os.environ.get("CONSOLE_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "service-level-report.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3, pages
    # Printed, the console's navigation and the export links are left out.
    page.emulate_media(media="print")
    assert not page.locator("header nav").is_visible()
    assert not page.locator(".exports").is_visible()
    assert page.locator("#categories").is_visible()
