"""The softphone and the screen pop in Chromium, with the SDK's Device replaced by a test double
behind the page's own adapter (tests/workplace/fake_twilio_device.js): the tests never reach
Twilio. The line behind it is the real one, its offers placed through the fake Twilio."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, SoftphoneHeartbeat
from ivr.services.users import set_language
from tests.conftest import local
from tests.console.conftest import PASSWORD
from tests.console.test_browser import browser  # noqa: F401  fixture
from tests.voice.conftest import Line
from tests.workplace.conftest import agent_user, queue_up

pytestmark = pytest.mark.browser
OPEN = local(2026, 11, 24, 10, 0)
ANNA, PIET = "client:anna", "+31687000012"
FAKE_DEVICE = (Path(__file__).parent / "fake_twilio_device.js").read_text()
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def served(softphone_line: Line, clock: FixedClock) -> Iterator[tuple[Line, str]]:
    """The line on loopback, its pop polled twice a second, its softphone beating every second."""
    clock.set(OPEN)
    app = softphone_line.app
    app.config.update(SCREEN_POP_POLL_SECONDS=0.5, SOFTPHONE_GRACE_SECONDS=3)
    queue = app.extensions["ivr.queue"]
    app.extensions["ivr.queue"] = dataclasses.replace(queue, softphone_grace_seconds=3)
    agent_user(app, "Anna", ANNA, "anna", "nl,de")
    agent_user(app, "Piet", PIET, "piet", "nl,de")
    busy = InFlight(app.wsgi_app)
    app.wsgi_app = busy  # type: ignore[method-assign]
    app.extensions["test.in_flight"] = busy
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield softphone_line, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


class InFlight:
    """Counts the requests the server is answering: a closed tab's last heartbeat may still be
    on its way, and the test waits for it before it moves the app's clock."""

    def __init__(self, wsgi_app) -> None:  # type: ignore[no-untyped-def]
        self.wsgi_app, self.count, self.total, self.lock = wsgi_app, 0, 0, threading.Lock()

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        with self.lock:
            self.count, self.total = self.count + 1, self.total + 1
        try:
            return list(self.wsgi_app(environ, start_response))
        finally:
            with self.lock:
                self.count -= 1

    def wait_idle(self) -> None:
        """Until nothing was answered or asked for 0.3 s (shorter than the page's polls)."""
        quiet, seen = 0, -1
        for _ in range(100):
            with self.lock:
                idle, total = self.count == 0, self.total
            quiet = quiet + 1 if idle and total == seen else 0
            if quiet == 3:
                return
            seen = total
            time.sleep(0.1)


def open_page(browser, base: str, user: str, path: str):  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # The vendored SDK is answered with the test double (same URL, same origin: the CSP holds).
    page.route(
        "**/static/vendor/twilio-voice-*.min.js",
        lambda route: route.fulfill(body=FAKE_DEVICE, content_type="text/javascript"),
    )
    page.goto(f"{base}/console/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit] >> nth=-1")
    page.goto(f"{base}{path}")
    return page


def presence(line: Line, name: str) -> tuple[str, str | None]:
    with line.app.app_context():
        session = get_session()
        agent = session.scalars(select(Agent).where(Agent.name == name)).one()
        session.expire_all()
        return agent.presence, agent.presence_note


def registered(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(page.locator("#softphone")).to_have_attribute("data-state", "registered")
    expect(page.locator("#softphone")).to_have_attribute("data-presence", "available")


def offer_sid(line: Line) -> str:
    (sid,) = [c.sid for c in line.fake.calls.values() if c.to == ANNA and c.status != "completed"]
    return sid


def test_an_offer_rings_shows_the_caller_and_accept_connects(browser, served) -> None:  # noqa: F811
    from playwright.sync_api import expect

    line, base = served
    page = open_page(browser, base, "anna", "/console/softphone")
    registered(page)
    csp = page.evaluate("1")  # the page's own scripts ran under the console's CSP
    assert csp == 1
    assert page.evaluate("fakeTwilio.device().sdkIncomingSound") is False  # the page rings
    call = queue_up(line, "de", "+31612340001")  # German, all users, some functions fail
    page.evaluate(f"fakeTwilio.ring({{CallSid: '{offer_sid(line)}'}})")
    phone = page.locator("#softphone")
    expect(phone).to_have_attribute("data-call", "incoming")
    expect(phone).to_have_attribute("data-ring", "on")
    pop = page.locator("#screen-pop .screen-pop")
    expect(pop).to_be_visible()
    assert "German" in pop.inner_text() and "all users" in pop.inner_text()
    assert "+31612340001" not in pop.inner_text()
    page.click("#softphone .accept")
    expect(phone).to_have_attribute("data-call", "connected")
    assert page.evaluate("fakeTwilio.calls[0].status") == "open"
    line.board.pump()  # Twilio's side of Accept: the call is answered, the offer bridged
    assert call.bridged_to == ANNA
    expect(pop).to_be_hidden()  # the offer is no longer ringing
    expect(page.locator("#softphone .duration")).to_be_visible()
    expect(page.locator("#softphone .duration .clock")).not_to_have_text("0:00")
    page.click("#softphone .mute")
    expect(phone).to_have_attribute("data-muted", "yes")
    assert page.evaluate("fakeTwilio.calls[0].muted") is True
    page.click("#softphone .hangup")
    expect(phone).to_have_attribute("data-call", "ended")
    # The token is renewed before it expires.
    page.evaluate("fakeTwilio.expire()")
    expect(phone).to_have_attribute("data-renewed", "yes")
    page.context.close()


def test_decline_declines_and_the_next_agent_is_offered(browser, served) -> None:  # noqa: F811
    from playwright.sync_api import expect

    line, base = served
    page = open_page(browser, base, "anna", "/console/softphone")
    registered(page)
    call = queue_up(line, "nl", "+31612340002")
    page.evaluate(f"fakeTwilio.ring({{CallSid: '{offer_sid(line)}'}})")
    page.click("#softphone .decline")
    expect(page.locator("#softphone")).to_have_attribute("data-call", "declined")
    assert page.evaluate("fakeTwilio.calls[0].status") == "rejected"
    line.board.phone(ANNA, "decline")  # Twilio's side of the rejection: busy
    line.board.pump()
    assert call.bridged_to == PIET
    assert presence(line, "Anna")[0] == "away"
    page.context.close()


def test_closing_the_tab_makes_the_agent_away(browser, served, clock: FixedClock) -> None:  # noqa: F811
    from playwright.sync_api import expect

    line, base = served
    page = open_page(browser, base, "anna", "/console/softphone")
    registered(page)
    page.context.close()
    line.app.extensions["test.in_flight"].wait_idle()
    clock.set(OPEN + timedelta(seconds=4))  # the grace (3 s here) is over on the app's clock
    result = line.app.test_cli_runner().invoke(args=["queue", "sweep"])
    assert result.exit_code == 0, result.output
    state, note = presence(line, "Anna")
    assert state == "away" and note and "softphone not registered" in note
    with line.app.app_context():
        stale = get_session().get(SoftphoneHeartbeat, 1)
        assert stale is None or stale.seen_at <= OPEN
    # Nobody is offered to the dead tab: the next caller rings Piet.
    queue_up(line, "nl", "+31612340003")
    assert [c.to for c in line.fake.calls.values()] == [PIET]
    del expect


def test_a_phone_agent_sees_the_pop_on_any_page_while_their_phone_rings(
    browser,  # noqa: F811
    served,
) -> None:
    from playwright.sync_api import expect

    line, base = served
    with line.app.app_context():
        session = get_session()
        anna = session.scalars(select(Agent).where(Agent.name == "Anna")).one()
        anna.presence = "away"  # only Piet's phone is rung
        session.commit()
    page = open_page(browser, base, "piet", "/console/calls")
    other = open_page(browser, base, "anna", "/console/")
    queue_up(line, "nl", "+31612340004", "113")  # all users, can work, cumbersome
    pop = page.locator("#screen-pop .screen-pop")
    expect(pop).to_be_visible()
    assert "Dutch" in pop.inner_text() and "cumbersome" in pop.inner_text()
    assert pop.locator("a").first.get_attribute("href").startswith("/console/incidents/")
    expect(page.locator("#screen-pop")).to_have_attribute("data-state", "ringing")
    expect(other.locator("#screen-pop")).to_have_attribute("data-state", "none")
    line.board.pump()  # Piet's phone takes it: the offer ends
    expect(pop).to_be_hidden()
    page.context.close()
    other.context.close()


@pytest.mark.parametrize("language", ["nl", "de"])
def test_screenshot_of_the_softphone_ringing(
    browser,  # noqa: F811
    served,
    language: str,
    tmp_path: Path,
) -> None:
    """The manual's pictures: written to docs/ with IVR_SCREENSHOTS=1, to a scratch folder
    otherwise (the test still shows the page ringing with its pop, in that language)."""
    from playwright.sync_api import expect

    line, base = served
    if line.app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("one set of screenshots is enough")
    with line.app.app_context():
        set_language(get_session(), "anna", language)
    page = open_page(browser, base, "anna", "/console/softphone")
    registered(page)
    queue_up(line, "nl", "+31612340005")
    page.evaluate(f"fakeTwilio.ring({{CallSid: '{offer_sid(line)}'}})")
    expect(page.locator("#screen-pop .screen-pop")).to_be_visible()
    expect(page.locator("#softphone")).to_have_attribute("data-call", "incoming")
    assert (
        page.locator("#softphone .accept").inner_text()
        == {"nl": "Aannemen", "de": "Annehmen"}[language]
    )
    folder = DOCS if os.environ.get("IVR_SCREENSHOTS") else tmp_path
    page.screenshot(path=str(folder / f"softphone-{language}.png"), full_page=True)
    page.context.close()
