"""The wall board in Chromium refreshes itself: a change made in another process shows up
without a reload, under the console's Content-Security-Policy."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.console.test_browser import browser, page, twilio  # noqa: F401  fixtures

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(make_app, user: str, agents) -> Iterator[tuple[Flask, str]]:  # type: ignore[no-untyped-def]
    """The app on loopback, its wall board asking twice a second."""
    app = make_app(BOARD_POLL_SECONDS=0.5)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def flask_command(app: Flask, *args: str) -> None:
    """A `flask` command in a process of its own, on the same database (as an operator runs it)."""
    environment = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": "test-secret",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_presence_change_elsewhere_appears_without_a_reload(page, site) -> None:  # noqa: F811
    from playwright.sync_api import expect

    app, base = site
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/board.json") else None)
    page.goto(f"{base}/console/board")
    rows = page.locator("#agents tr")
    anouk = rows.filter(has_text="Anouk")
    expect(anouk).to_contain_text("available")
    page.evaluate("window.stillTheSamePage = true")
    flask_command(app, "agents", "presence", "Anouk", "away")
    expect(anouk).to_contain_text("away", timeout=5000)
    flask_command(app, "agents", "presence", "Anouk", "available")
    expect(anouk).to_contain_text("available", timeout=5000)
    assert page.evaluate("window.stillTheSamePage") is True
    assert asked and blocked == []
