"""The work list in Chromium updates itself when a call comes in, and announces category 1."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from ivr.clock import FixedClock
from tests.conftest import local
from tests.console.conftest import report_into
from tests.console.test_browser import browser, page, twilio  # noqa: F401  fixtures

pytestmark = pytest.mark.browser
MONDAY_0840 = local(2026, 11, 30, 8, 40)


@pytest.fixture
def site(make_app, user: str) -> Iterator[tuple[Flask, str]]:  # type: ignore[no-untyped-def]
    """The app on loopback, its work list polling twice a second."""
    app = make_app(WORKLIST_POLL_SECONDS=0.5)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_a_call_appears_on_the_open_work_list_by_itself(page, site, clock: FixedClock) -> None:  # noqa: F811
    app, base = site
    first = report_into(app, clock, local(2026, 11, 28, 22, 0), "1112")
    from playwright.sync_api import expect

    clock.set(MONDAY_0840)
    page.goto(f"{base}/console/")
    rows = page.locator("table.incidents tbody tr")
    assert rows.count() == 1 and first[4:] in rows.first.inner_text()
    page.evaluate("window.stillTheSamePage = true")
    # A caller reports a category-3 incident while the list is open: no reload.
    second = report_into(app, clock, local(2026, 11, 30, 8, 41), "1113", caller="+31687654321")
    # A locator waits without evaluating a string in the page: the console's CSP forbids eval.
    expect(rows).to_have_count(2)
    assert f"{second[:4]} {second[4:]}" in page.locator("table.incidents").inner_text()
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator("#announcement").is_hidden()  # not category 1: no announcement
    # A category-1 incident is announced, with the sound.
    urgent = report_into(app, clock, local(2026, 11, 30, 8, 42), "1111", caller="+31611112222")
    announcement = page.locator("#announcement")
    announcement.wait_for(state="visible")
    assert f"{urgent[:4]} {urgent[4:]}" in announcement.inner_text()
    assert announcement.get_attribute("data-sound") == "played"
    assert announcement.locator("a").get_attribute("href") == f"/console/incidents/{urgent}"
    assert page.evaluate("window.stillTheSamePage") is True
    # Switched off, the next one is announced on screen only; the choice survives a reload.
    announcement.locator("button").click()
    page.uncheck("#sound-toggle")
    page.reload()
    assert not page.is_checked("#sound-toggle")
    another = report_into(app, clock, local(2026, 11, 30, 8, 43), "1111", caller="+31633334444")
    announcement.wait_for(state="visible")
    assert f"{another[:4]} {another[4:]}" in announcement.inner_text()
    assert announcement.get_attribute("data-sound") == "off"
