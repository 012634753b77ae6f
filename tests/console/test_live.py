"""The live work list over HTTP: the page polls its live part, which answers 204 when unchanged."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from ivr.clock import FixedClock
from tests.conftest import local

SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)


def version_of(html: str) -> str:
    match = re.search(r'"seen": "([0-9a-f]{16})"', html)
    assert match, html[:500]
    return match.group(1)


def test_the_page_polls_its_live_part_with_htmx_served_by_the_app(staff: FlaskClient) -> None:
    page = staff.get("/console/?category=1").get_data(as_text=True)
    live = re.search(r'<div id="work-live"[^>]*>', page, re.DOTALL)
    assert live, page
    assert 'hx-get="/console/work-list/live?category=1"' in live.group(0)
    assert 'hx-trigger="every 5000ms"' in live.group(0)
    script = re.search(r'<script src="(/console/static/vendor/htmx[^"]+)"', page)
    assert script and "//" not in script.group(1)  # from the app, no CDN
    served = staff.get(script.group(1))
    assert served.status_code == 200 and b"htmx" in served.data[:2000]
    served.close()


def test_unchanged_is_204_and_a_new_call_changes_the_list(
    staff: FlaskClient, report, clock: FixedClock
) -> None:
    first = report(SATURDAY_NIGHT, "1112")
    clock.set(local(2026, 11, 30, 8, 40))
    seen = version_of(staff.get("/console/").get_data(as_text=True))
    assert staff.get(f"/console/work-list/live?seen={seen}").status_code == 204
    second = report(local(2026, 11, 30, 8, 41), "1111", caller="+31687654321")
    clock.set(local(2026, 11, 30, 8, 42))
    changed = staff.get(f"/console/work-list/live?seen={seen}")
    assert changed.status_code == 200
    html = changed.get_data(as_text=True)
    assert html.startswith("<!-- live -->") and "<html" not in html
    assert f"{first[:4]} {first[4:]}" in html and f"{second[:4]} {second[4:]}" in html
    assert f'data-category-one="{second}"' in html
    # The fragment carries its own version: asked again, nothing changed.
    assert staff.get(f"/console/work-list/live?seen={version_of(html)}").status_code == 204


def test_sla_states_change_without_new_calls(staff: FlaskClient, report, clock: FixedClock) -> None:
    report(SATURDAY_NIGHT, "1111")
    clock.set(local(2026, 11, 30, 8, 40))
    seen = version_of(staff.get("/console/").get_data(as_text=True))
    clock.set(local(2026, 11, 30, 9, 5))  # category 1 reaction was due at 09:00
    later = staff.get(f"/console/work-list/live?seen={seen}")
    assert later.status_code == 200 and "breached" in later.get_data(as_text=True)


def test_after_logout_the_poll_sends_the_page_to_the_login(app: Flask) -> None:
    answer = app.test_client().get("/console/work-list/live", headers={"HX-Request": "true"})
    assert answer.status_code == 204
    assert answer.headers["HX-Redirect"] == "/console/login"
