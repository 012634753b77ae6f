"""The console in a real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Incident
from tests.conftest import local
from tests.console.conftest import PASSWORD, report_into
from tests.console.receivers import serving

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]


def ensure_chromium() -> None:
    if not CHROMIUM.exists() and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run([ROOT / ".ci" / "chromium"], check=False)
    if CHROMIUM.exists():
        return
    message = (
        "Debian's chromium is not installed and cannot be installed here (run .ci/chromium as root)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def silent_wav(seconds: float = 1.0) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * int(8000 * seconds))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def twilio() -> Iterator[object]:
    with serving(reply=silent_wav(), content_type="audio/wav") as server:
        yield server


@pytest.fixture
def site(make_app, user: str, twilio) -> Iterator[tuple[Flask, str]]:  # type: ignore[no-untyped-def]
    """The app on a real loopback HTTP server, as staff reach it."""
    app = make_app(TWILIO_ACCOUNT_SID="AC123", TWILIO_API_BASE=twilio.url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(browser, site):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    _app, base = site
    tab.goto(f"{base}/console/")
    tab.fill("input[name=username]", "anouk")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    yield tab
    context.close()


def test_login_then_the_night_report_is_on_the_work_list(page, site, clock: FixedClock) -> None:
    app, base = site
    reference = report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
    clock.set(local(2026, 11, 30, 8, 40))
    page.goto(f"{base}/console/")
    row = page.locator("table.incidents tbody tr").first
    assert row.locator("td").first.inner_text() == f"{reference[:4]} {reference[4:]}"
    assert "out of hours" in row.inner_text() and "on time" in row.inner_text()
    shots = os.environ.get("CONSOLE_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "work-list.png"), full_page=True)


def test_the_recording_plays_in_the_browser(page, site, twilio, clock: FixedClock) -> None:
    app, base = site
    reference = report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
    with app.app_context():
        row = get_session().scalars(select(Incident)).one()
        row.recording_url = f"{twilio.url}/2010-04-01/Accounts/AC123/Recordings/RE1"
        get_session().commit()
    page.goto(f"{base}/console/incidents/{reference}")
    played = page.evaluate(
        """async () => {
            const audio = document.querySelector('audio');
            await audio.play();
            return {duration: audio.duration, src: audio.currentSrc};
        }"""
    )
    assert played["duration"] == pytest.approx(1.0, abs=0.05)
    assert played["src"].endswith(f"/console/incidents/{reference}/recording")
    assert twilio.received[-1].path.endswith("/Recordings/RE1.mp3")


def test_acknowledging_turns_the_reaction_clock_to_met(page, site, clock: FixedClock) -> None:
    app, base = site
    reference = report_into(app, clock, local(2026, 11, 28, 22, 0), "1111")
    clock.set(local(2026, 11, 30, 8, 45))
    page.goto(f"{base}/console/incidents/{reference}")
    reaction = page.locator("dt:text('Reaction due') + dd")
    assert "on time" in reaction.inner_text()
    with page.expect_navigation():
        page.click("button:text-is('Acknowledge')")
    clock.set(local(2026, 11, 30, 10, 0))
    page.reload()
    assert "met" in reaction.inner_text()
    assert "by anouk" in page.locator("dt:text('Acknowledged') + dd").inner_text()


def test_maintenance_breaking_a_rule_shows_the_error(page, site, clock: FixedClock) -> None:
    _app, base = site
    clock.set(local(2026, 12, 3, 10, 0))
    page.goto(f"{base}/console/calendar")
    form = page.locator("#maintenance-form")
    form.locator("input[name=start]").fill("2026-12-04T16:00")
    form.locator("input[name=end]").fill("2026-12-04T18:00")
    form.locator("input[name=description_nl]").fill("Onderhoud telefooncentrale")
    form.locator("input[name=description_de]").fill("Wartung der Telefonanlage")
    form.locator("select[name=consulted_party]").select_option("customer")
    form.locator("input[name=consulted_name]").fill("Jan de Vries")
    form.locator("input[name=consulted_on]").fill("2026-12-02")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    alert = page.locator("[role=alert]")
    assert "outside opening hours" in alert.inner_text()
    assert "announced at least 3 days ahead" in alert.inner_text()
    assert "None planned." in page.content()
