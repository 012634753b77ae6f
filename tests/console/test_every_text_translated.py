"""Every text the console shows is in the user's language: each page (and the messages after its
forms) is rendered in English, Dutch and German from the same data, and no text may read the same
in all three unless it is a name, a number, a reference or one of the few words the three
languages share. A text someone forgot to mark for translation shows up here by itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, LoginFailure
from ivr.services import queue
from ivr.services.agents import add_agent
from ivr.services.presence import set_presence
from tests.conftest import local
from tests.console.conftest import post_form

OPEN = local(2026, 11, 24, 10, 0)
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-text")
# Texts the same in English, Dutch and German: data the test made, and shared words.
SAME_IN_ALL = {
    "Anouk", "Jonas", "Sanne", "anouk", "Nederlands", "Deutsch", "English", "CSV", "JSON", "SLA",
    "nl", "de", "en", "NL", "DE", "EN", "Dashboard", "Status", "Service", "Agent", "Agents",
    "OK", "Nederlands Deutsch English",
}  # fmt: skip
NEUTRAL = re.compile(r"^[\W\d_]*$|^[\d\s:.,/%–—()+-]*(h|min|s|ms)?$")


class Texts(HTMLParser):
    """The visible texts of a page (and the attributes a user reads), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if value and (
                name in SHOWN_ATTRIBUTES
                or (tag == "input" and name == "value" and ("type", "submit") in attrs)
            ):
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append(text)


def texts(page: str) -> list[str]:
    parser = Texts()
    parser.feed(page)
    return parser.texts


def untranslated(pages: dict[str, str], data: set[str]) -> list[str]:
    """Texts shown the same in en, nl and de that are words (not names, numbers, references)."""
    seen = {lang: set(texts(page)) for lang, page in pages.items()}
    same = seen["en"] & seen["nl"] & seen["de"]
    return sorted(
        t for t in same
        if not NEUTRAL.match(t) and t not in SAME_IN_ALL and t not in data
        and re.search(r"[A-Za-z]{3,}", t)
    )  # fmt: skip


def in_each_language(client: FlaskClient, get: Callable[[FlaskClient], str]) -> dict[str, str]:
    pages = {}
    for lang in ("en", "nl", "de"):
        post_form(client, "/console/", "/console/language", language=lang)
        pages[lang] = get(client)
    return pages


def shown_after(client: FlaskClient, page: str, action: str, **fields: str) -> str:
    """The page the user sees after submitting a form: the redirect's target, or the answer."""
    answer = post_form(client, page, action, **fields)
    if answer.status_code == 302:
        return client.get(answer.location).get_data(as_text=True)
    return answer.get_data(as_text=True)


@pytest.fixture
def desk_with_everything(app: Flask, agents, report, clock: FixedClock) -> list[str]:  # type: ignore[no-untyped-def]
    """Incidents (category 1 and 4), agents, callers waiting in the queue; the references."""
    refs = [report(OPEN - timedelta(days=1), "1111"), report(OPEN, "1133", "+31687000099")]
    clock.set(OPEN + timedelta(minutes=7))
    database = app.extensions["ivr.db"]
    for i, (lang, category) in enumerate([("nl", 3), ("nl", 1), ("de", 2)]):
        caller = queue.Caller(f"CA{i:032d}", lang, "incident", category)
        queue.join(database, caller, OPEN + timedelta(minutes=i), max_length=20)
    # Agents away for the line's reasons: the notes the console shows with them.
    with app.app_context():
        session = get_session()
        add_agent(session, "Sanne", "+31687000003", "nl")
        notes = {
            "Anouk": "missed an offer (did not answer) at 10:02",
            "Jonas": "declined an offer (key 2) at 10:03",
            "Sanne": "logged out by phone",
        }
        for agent in session.scalars(select(Agent)):
            set_presence(agent, "away", OPEN, notes[agent.name])
        session.commit()
    return refs


def test_every_page_in_dutch_and_german(
    staff: FlaskClient, desk_with_everything: list[str]
) -> None:
    first, second = desk_with_everything
    paths = ["/console/", "/console/calls", "/console/agents", "/console/calendar",
             "/console/board", "/console/disruptions", "/console/report?month=2026-11",
             "/console/work-list/live", f"/console/incidents/{first}",
             f"/console/incidents/{second}", "/console/incidents/99999999"]  # fmt: skip
    found = {}
    for path in paths:
        pages = in_each_language(staff, lambda c, p=path: c.get(p).get_data(as_text=True))
        found[path] = untranslated(pages, set(desk_with_everything) | DISRUPTION_EXAMPLES)
    assert not any(found.values()), {p: t for p, t in found.items() if t}


# Forms answered with a reason, each the same in every language: (page, action, fields).
REFUSED = [
    ("/console/agents", "/console/agents", {"name": "Sanne", "number": "12", "languages": "nl"}),
    ("/console/agents", "/console/agents", {"name": "Anouk", "number": "+31611111111",
                                            "languages": "nl"}),
    ("/console/agents", "/console/agents", {"name": "Sanne", "number": "+31687654321",
                                            "languages": "nl"}),
    ("/console/agents", "/console/agents", {"name": "S" * 200, "number": "+31611111111",
                                            "languages": "nl"}),
    ("/console/agents", "/console/agents", {"name": "Sanne", "number": "sip:a b",
                                            "languages": "nl"}),
    ("/console/calendar", "/console/closures", {"start": "27-12-2026", "reason_nl": "x",
                                                "reason_de": "x"}),
    ("/console/calendar", "/console/closures", {"start": "2026-12-28", "end": "2026-12-27",
                                                "reason_nl": "x", "reason_de": "x"}),
    ("/console/calendar", "/console/closures", {"start": "2026-11-02", "end": "2026-11-03",
                                                "reason_nl": "x", "reason_de": "x"}),
    ("/console/calendar", "/console/closures", {"start": "2026-12-28", "reason_nl": "",
                                                "reason_de": ""}),
    ("/console/calendar", "/console/closures", {"start": "2027-01-04", "end": "2027-03-31",
                                                "reason_nl": "x", "reason_de": "x"}),
    ("/console/calendar", "/console/closures", {"start": "2300-01-04", "reason_nl": "x",
                                                "reason_de": "x"}),
    ("/console/calendar", "/console/maintenance", {"start": "2026-12-01T10:00",
                                                   "end": "2026-12-01T11:00",
                                                   "description_nl": "x", "description_de": "x"}),
    ("/console/calendar", "/console/maintenance", {"start": "2026-11-24T22:00",
                                                   "end": "2026-11-24T23:00",
                                                   "description_nl": "x", "description_de": "x"}),
    ("/console/calendar", "/console/maintenance", {"start": "2027-03-28T02:30",
                                                   "end": "2027-03-28T04:00",
                                                   "description_nl": "x", "description_de": "x"}),
    ("/console/calendar", "/console/maintenance", {"start": "tomorrow", "end": "",
                                                   "description_nl": "x", "description_de": "x"}),
]  # fmt: skip
DISRUPTION_EXAMPLES = {
    "De telefooncentrale in Utrecht is uitgevallen",
    "Die Telefonanlage in Utrecht ist ausgefallen",
}


@pytest.mark.parametrize(("page", "action", "fields"), REFUSED)
def test_every_refusal_in_dutch_and_german(
    staff: FlaskClient, desk_with_everything: list[str], page: str, action: str, fields: dict
) -> None:  # type: ignore[type-arg]
    pages = in_each_language(staff, lambda c: shown_after(c, page, action, **fields))
    reasons = {lang: errors_in(shown) for lang, shown in pages.items()}
    assert reasons["en"], pages["en"]
    assert not set(reasons["en"]) & (set(reasons["nl"]) | set(reasons["de"])), reasons
    data = set(desk_with_everything) | set(fields.values())
    assert untranslated(pages, data) == []


def errors_in(page: str) -> list[str]:
    """The reasons shown: flashed errors and the calendar's list."""
    found = re.findall(r'<p class="flash error">(.*?)</p>', page, re.DOTALL)
    listed = page.partition('class="flash error" role="alert"')[2].partition("</div>")[0]
    found += re.findall(r"<li>(.*?)</li>", listed)
    return [" ".join(f.split()) for f in found]


def test_the_check_finds_an_unmarked_text(app: Flask, staff: FlaskClient) -> None:
    """The check itself: a text in a template without _() is found."""
    pages = in_each_language(
        staff, lambda c: c.get("/console/agents").get_data(as_text=True) + "<p>Nobody here</p>"
    )
    assert untranslated(pages, set()) == ["Nobody here"]


def test_why_agents_are_away_in_the_users_language(
    staff: FlaskClient, desk_with_everything: list[str]
) -> None:
    post_form(staff, "/console/", "/console/language", language="de")
    agents = staff.get("/console/agents").get_data(as_text=True)
    board = staff.get("/console/board").get_data(as_text=True)
    for shown in (agents, board):
        assert "Anruf verpasst (nicht angenommen) um 10:02" in shown
        assert "Anruf abgelehnt (Taste 2) um 10:03" in shown
        assert "per Telefon abgemeldet" in shown
    notes = {a["name"]: a["note"] for a in staff.get("/console/board.json").get_json()["agents"]}
    assert notes["Jonas"] == "Anruf abgelehnt (Taste 2) um 10:03"
    post_form(staff, "/console/", "/console/language", language="nl")
    assert "gesprek gemist (niet opgenomen) om 10:02" in staff.get("/console/agents").get_data(
        as_text=True
    )


def test_logging_in_in_dutch_and_german(app: Flask, user: str) -> None:
    """Before login the browser's language: the page, a wrong password, the pause after many."""
    pages: dict[str, str] = {}
    for lang in ("en", "nl", "de"):
        client = app.test_client()
        headers = {"Accept-Language": lang}
        shown = client.get("/console/login", headers=headers).get_data(as_text=True)
        for attempt in range(6):  # the sixth wrong password in a row is refused for a while
            token = re.search(r'name="csrf_token" value="([^"]+)"', shown)
            assert token
            answer = client.post(
                "/console/login",
                data={"username": user, "password": "wrong", "csrf_token": token.group(1)},
                headers={**headers, "X-Forwarded-For": f"10.0.0.{attempt}"},
            )
            shown = answer.get_data(as_text=True)
        pages[lang] = shown
        with app.app_context():  # the next language starts with a clean account
            get_session().query(LoginFailure).delete()
            get_session().commit()
    assert answer.status_code == 429
    assert untranslated(pages, {user}) == []
    assert "Zu viele fehlgeschlagene Anmeldungen" in pages["de"], errors_in(pages["de"])
