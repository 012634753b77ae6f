"""The screen pop: while the line rings an agent, that agent's console shows the caller."""

from __future__ import annotations

import pytest

from ivr.clock import FixedClock
from tests.conftest import local
from tests.voice.conftest import Line
from tests.workplace.conftest import agent_user, logged_in, plain_user, queue_up

OPEN = local(2026, 11, 24, 10, 0)
ANNA = "+31687000011"
CALLER = "+31612340001"


@pytest.fixture
def desk(line: Line, clock: FixedClock) -> Line:
    clock.set(OPEN)
    agent_user(line.app, "Anna", ANNA, "anna")
    plain_user(line.app, "bert")
    return line


def test_the_ringing_agent_sees_the_caller_and_nobody_else_does(desk: Line) -> None:
    anna, bert = logged_in(desk.app, "anna"), logged_in(desk.app, "bert")
    assert anna.get("/console/pop").get_data(as_text=True).strip() == ""
    queue_up(desk, "de", CALLER)  # German, all users, certain functions fail: category 2
    page = anna.get("/console/pop")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "screen-pop" in html
    assert "German" in html and "all users" in html and "certain functions fail" in html
    assert "category 2" in html
    assert CALLER not in html and "+316******01" in html
    assert 'href="/console/incidents/' in html
    # Unchanged: 204; another user's console shows nothing.
    assert anna.get(f"/console/pop?seen={page.headers['X-Pop-Version']}").status_code == 204
    assert "screen-pop" not in bert.get("/console/pop").get_data(as_text=True)
    assert "Ringing for you" not in bert.get("/console/").get_data(as_text=True)
    # Every page has the slot and the script; the pop goes when the offer ends.
    work_list = anna.get("/console/").get_data(as_text=True)
    assert 'id="screen-pop"' in work_list and "pop.js" in work_list
    desk.board.pump()  # Anna's phone accepts: the offer is no longer ringing
    assert "screen-pop" not in anna.get("/console/pop").get_data(as_text=True)


def test_the_pop_lists_the_callers_other_open_incidents(desk: Line, clock: FixedClock) -> None:
    desk.board.phone(ANNA, "accept")
    first = queue_up(desk, "nl", CALLER)
    desk.board.pump()
    desk.board.finish(ANNA)
    anna = logged_in(desk.app, "anna")
    with desk.app.app_context():
        from tests.voice.conftest import incident_of

        earlier = incident_of(desk.app, first).reference
    queue_up(desk, "nl", "+31612349999")  # someone else first: not theirs
    desk.board.pump()
    desk.board.finish(ANNA)
    queue_up(desk, "nl", CALLER, again=True)
    html = anna.get("/console/pop").get_data(as_text=True)
    assert f"{earlier[:4]} {earlier[4:]}" in html and "other open incidents" in html
    assert html.count("<li>") == 1


def test_polling_the_pop_does_not_keep_the_session_alive(desk: Line) -> None:
    anna = logged_in(desk.app, "anna")
    with anna.session_transaction() as session:
        seen = session["seen"]
    anna.get("/console/pop")
    with anna.session_transaction() as session:
        assert session["seen"] == seen


def test_the_pop_shows_the_summary_and_the_disruption_they_joined(desk: Line) -> None:
    from ivr.db import get_session
    from ivr.models import AffectedCaller, Disruption, Incident
    from ivr.services.users import set_language
    from tests.voice.conftest import incident_of

    call = queue_up(desk, "nl", CALLER)
    with desk.app.app_context():
        session = get_session()
        incident = session.get(Incident, incident_of(desk.app, call).id)
        incident.summary = "de printer op de tweede verdieping doet niets"
        disruption = Disruption(
            text_nl="Storing in de telefonie", text_de="Störung der Telefonie", severity="high",
            started_at=OPEN, started_by="lead",
        )  # fmt: skip
        session.add(disruption)
        session.flush()
        session.add(AffectedCaller(disruption_id=disruption.id, call_sid=call.call_sid, at=OPEN))
        session.commit()
        set_language(session, "anna", "de")
    html = logged_in(desk.app, "anna").get("/console/pop").get_data(as_text=True)
    assert "de printer op de tweede verdieping doet niets" in html
    assert "Störung der Telefonie" in html and "Klingelt für Sie" in html
