"""Status reports and known disruptions in Chromium, as an agent uses them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ivr.clock import FixedClock
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.console.conftest import report_into
from tests.console.test_browser import browser, page, site, twilio  # noqa: F401  fixtures

pytestmark = pytest.mark.browser


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    shots = os.environ.get("CONSOLE_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / name), full_page=True)


def test_an_agent_writes_a_status_update(page, site, clock: FixedClock) -> None:  # noqa: F811
    app, base = site
    reference = report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
    clock.set(local(2026, 11, 30, 9, 40))  # the first report was due at 10:30
    page.goto(f"{base}/console/incidents/{reference}")
    assert "Status update, in Dutch" in page.inner_text("#history")
    page.fill("#update-text", "De centrale in Utrecht wordt herstart; verwacht herstel 11:00.")
    page.click("text=Save and send update")
    history = page.inner_text("#history")
    assert "Status update by anouk" in history and "verwacht herstel 11:00" in history
    assert "Mon 30 Nov 11:40" in history  # two hours of opening time from the update
    shoot(page, "status-reports.png")


def test_an_agent_declares_and_watches_a_disruption(page, site, clock: FixedClock) -> None:  # noqa: F811
    app, base = site
    clock.set(local(2026, 11, 30, 9, 0))
    page.goto(f"{base}/console/disruptions")
    page.fill("input[name=text_nl]", "De telefooncentrale in Utrecht is uitgevallen")
    page.fill("input[name=text_de]", "Die Telefonanlage in Utrecht ist ausgefallen")
    page.select_option("select[name=severity]", "cannot_work")
    page.click("text=Declare and announce")
    for n, language in enumerate("1212"):
        call = TwilioCall(InProcess(app, token=TOKEN), from_number=f"+316123455{n:02d}")
        call.start()
        call.press(language)
        call.press("1")  # this is my problem
    page.reload()
    assert "Affected callers: 4" in page.inner_text("main")
    shoot(page, "disruption.png")
