"""Every console page, walked from the URL map, runs only the console's own script files.

The console's Content-Security-Policy (`script-src 'self'`) blocks inline code: a page relying
on an inline `<script>` or an `on…=` attribute silently does nothing in a browser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Agent, Disruption
from tests.conftest import local
from tests.console.conftest import post_form

SAMPLE_ARGUMENTS = {"reference", "agent_id", "disruption_id", "closure_id", "window_id", "row_id"}


class InlineCode(HTMLParser):
    """Collects every inline script and event-handler attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, _value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
        if tag == "script":
            sources = dict(attrs)
            self._in_script = not sources.get("src")
            if self._in_script:
                self.found.append("<script> without src")
        if tag == "a" and (dict(attrs).get("href") or "").lower().startswith("javascript:"):
            self.found.append("<a href=javascript:…>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_checker_finds_inline_code() -> None:
    assert inline_code('<script>alert(1)</script><button onclick="x()">') == [
        "<script> without src",
        "<button onclick=…>",
    ]
    assert inline_code('<script src="/console/static/board.js" defer></script>') == []


def console_urls(app: Flask, values: dict[str, object]) -> list[tuple[str, str]]:
    """(method the rule takes, URL) for every console rule, its arguments filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or rule.endpoint == "console.static":
            continue
        assert rule.arguments <= SAMPLE_ARGUMENTS, f"give {rule.rule} a sample value"
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), path)
        method = "GET" if "GET" in (rule.methods or ()) else "POST"
        urls.append((method, path))
    return sorted(set(urls))


@pytest.fixture
def lead(app: Flask, staff: FlaskClient, agents, report) -> tuple[FlaskClient, dict[str, object]]:  # type: ignore[no-untyped-def]
    """A lead who is also an agent (the header's presence form shows), with one of everything."""
    result = app.test_cli_runner().invoke(args=["agents", "link", "Anouk", "anouk"])
    assert result.exit_code == 0, result.output
    reference = report(local(2026, 11, 24, 10, 0), "1111")
    post_form(
        staff, "/console/disruptions", "/console/disruptions",
        text_nl="De centrale is uitgevallen", text_de="Die Anlage ist ausgefallen",
        severity="functions_fail",
    )  # fmt: skip
    with app.app_context():
        session = get_session()
        agent = session.scalars(select(Agent)).first()
        disruption = session.scalars(select(Disruption)).one()
        values = {"reference": reference, "agent_id": agent.id, "disruption_id": disruption.id}
    values |= {"closure_id": 1, "window_id": 1, "row_id": 1}
    return staff, values


@pytest.mark.parametrize("language", ["nl", "de", "en"])
def test_no_console_page_has_inline_code(app: Flask, lead, language: str) -> None:  # type: ignore[no-untyped-def]
    client, values = lead
    post_form(client, "/console/", "/console/language", language=language)
    checked = 0
    for method, url in console_urls(app, values):
        # A POST-only URL fetched with GET shows the console's error page: checked too.
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert inline_code(html) == [], f"{method} {url} ({response.status_code})"
        checked += 1
    for url in ("/console/no-such-page", "/console/incidents/00000000"):
        assert inline_code(client.get(url).get_data(as_text=True)) == [], url
    logged_out = app.test_client()
    assert inline_code(logged_out.get("/console/login").get_data(as_text=True)) == []
    assert checked >= 20
