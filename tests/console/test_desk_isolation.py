"""Nobody sees another desk's callers (issue 26): every console and API route, walked as a user
(and a token) of desk A against the objects of desk B, shows none of B and changes none of B.

The route list below names, for every rule of the app's URL map under /console and /api, the
object of desk B that fills each of its URL parameters; a new route fails the test until it is
added here (and so walked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import (
    Agent,
    AgentDesk,
    Closure,
    Disruption,
    Incident,
    IncidentEvent,
    MaintenanceWindow,
    OutboxMessage,
)
from tests.console.desks import (
    A_REFERENCE,
    B_REFERENCE,
    Line,
    logged_in,
    session_csrf,
    token_with,
    two_desks_with_everything,
    user_with,
)

# What only desk B's objects say: a page showing any of it to a user of desk A leaks.
B_MARKS = (B_REFERENCE, "3333 4444", "Bravo", "Desk B")

# Form fields that would change an object if the view let them through.
FORMS: dict[str, dict[str, str]] = {
    "closure": {"start": "2027-03-01", "end": "2027-03-01", "reason_nl": "x", "reason_de": "y"},
    "window": {
        "start": "2027-03-06T22:00",
        "end": "2027-03-07T02:00",
        "description_nl": "x",
        "description_de": "y",
        "consulted_party": "customer",
        "consulted_name": "Klant",
        "consulted_on": "2026-11-20",
    },
    "disruption": {
        "text_nl": "Storing",
        "text_de": "Störung",
        "severity": "functions_fail",
        "incident": B_REFERENCE,
    },
    "update": {"text": "We are on it."},
    "when": {"when": "2026-12-10T10:00", "reason": "agreed"},
    "support": {"support": "1"},
    "category": {"category": "1"},
    "duty": {"on_duty": "0"},
    "agent": {"name": "Nieuw", "number": "+31612000999", "languages": "nl", "desks": "b"},
    "desks": {"desks": "a"},
    "presence": {"presence": "away"},
    "language": {"language": "de"},
    "desk": {"desk": "b"},
}


@dataclass(frozen=True)
class Route:
    """How to walk one rule: which of B's objects fills each URL parameter, the form it posts,
    a query string; `own` for a route with no desk object (nothing of B to name)."""

    params: dict[str, str] = field(default_factory=dict)
    form: str | None = None
    query: str = ""
    own: bool = False


# Every /console and /api rule, by (rule, method). Parameters: the object of desk B to use.
ROUTES: dict[tuple[str, str], Route] = {
    ("/console/", "GET"): Route(),
    ("/console/work-list/live", "GET"): Route(),
    ("/console/calls", "GET"): Route(),
    ("/console/handoff", "GET"): Route(),
    ("/console/desks", "GET"): Route(),
    ("/console/handoff/<int:row_id>/retry", "POST"): Route({"row_id": "ticket"}),
    ("/console/board", "GET"): Route(),
    ("/console/board.json", "GET"): Route(),
    ("/console/incidents/<reference>", "GET"): Route({"reference": "incident"}),
    ("/console/incidents/<reference>/recording", "GET"): Route({"reference": "incident"}),
    ("/console/incidents/<reference>/acknowledge", "POST"): Route({"reference": "incident"}),
    ("/console/incidents/<reference>/resolve", "POST"): Route({"reference": "incident"}),
    ("/console/incidents/<reference>/support", "POST"): Route({"reference": "incident"}, "support"),
    ("/console/incidents/<reference>/updates", "POST"): Route({"reference": "incident"}, "update"),
    ("/console/incidents/<reference>/appointment", "POST"): Route(
        {"reference": "incident"}, "when"
    ),
    ("/console/incidents/<reference>/restore-due", "POST"): Route(
        {"reference": "incident"}, "when"
    ),
    ("/console/agents", "GET"): Route(),
    ("/console/agents", "POST"): Route(form="agent"),
    ("/console/agents/<int:agent_id>/remove", "GET"): Route({"agent_id": "agent"}),
    ("/console/agents/<int:agent_id>/delete", "POST"): Route({"agent_id": "agent"}),
    ("/console/agents/<int:agent_id>/duty", "POST"): Route({"agent_id": "agent"}, "duty"),
    ("/console/agents/<int:agent_id>/desks", "POST"): Route({"agent_id": "agent"}, "desks"),
    ("/console/calendar", "GET"): Route(),
    ("/console/closures", "POST"): Route(form="closure"),
    ("/console/closures/<int:closure_id>", "POST"): Route({"closure_id": "closure"}, "closure"),
    ("/console/closures/<int:row_id>/delete", "POST"): Route({"row_id": "closure"}),
    ("/console/maintenance", "POST"): Route(form="window"),
    ("/console/maintenance/<int:window_id>", "POST"): Route({"window_id": "window"}, "window"),
    ("/console/maintenance/<int:row_id>/delete", "POST"): Route({"row_id": "window"}),
    ("/console/disruptions", "GET"): Route(),
    ("/console/disruptions", "POST"): Route(form="disruption"),
    ("/console/disruptions/<int:disruption_id>", "GET"): Route({"disruption_id": "disruption"}),
    ("/console/disruptions/<int:disruption_id>/category", "POST"): Route(
        {"disruption_id": "disruption"}, "category"
    ),
    ("/console/disruptions/<int:disruption_id>/end", "POST"): Route(
        {"disruption_id": "disruption"}
    ),
    ("/console/report", "GET"): Route(query="?month=2026-11"),
    ("/console/report.csv", "GET"): Route(query="?month=2026-11"),
    ("/console/report.json", "GET"): Route(query="?month=2026-11"),
    ("/console/incidents.csv", "GET"): Route(query="?month=2026-11"),
    ("/console/incidents.json", "GET"): Route(query="?month=2026-11"),
    ("/console/me/presence", "POST"): Route(form="presence", own=True),
    ("/console/language", "POST"): Route(form="language", own=True),
    ("/console/desk", "POST"): Route(form="desk", own=True),
    # The user's own agent: the offer ringing them, their wrap-up, their softphone (issue 27).
    ("/console/pop", "GET"): Route(own=True),
    ("/console/wrap-up", "POST"): Route(own=True),
    ("/console/wrap-up/ready", "POST"): Route(own=True),
    ("/console/softphone", "GET"): Route(own=True),
    ("/console/softphone/token", "POST"): Route(own=True),
    ("/console/softphone/heartbeat", "POST"): Route(own=True),
    ("/console/softphone/unregistered", "POST"): Route(own=True),
    ("/console/login", "GET"): Route(own=True),
    ("/console/login", "POST"): Route(own=True),
    ("/console/logout", "POST"): Route(own=True),  # walked last: it ends the session
    ("/console/static/<path:filename>", "GET"): Route({"filename": "static"}, own=True),
    ("/api/incidents", "GET"): Route(),
    ("/api/incidents/<reference>", "GET"): Route({"reference": "incident"}),
}


@pytest.fixture
def desks_ab(app: Flask, clock: FixedClock) -> Line:
    return two_desks_with_everything(app, clock)


def b_state(app: Flask) -> tuple:
    """Everything of desk B a request could change (compared before and after each request)."""
    with app.app_context():
        session = get_session()
        session.expire_all()

        def rows(model: Any, *columns: Any) -> list:
            query = select(*columns)
            if hasattr(model, "desk"):
                query = query.where(model.desk == "b")
            return [tuple(r) for r in session.execute(query.order_by(model.id))]

        agents = select(AgentDesk.agent_id).where(AgentDesk.desk == "b")
        events = select(func.count(IncidentEvent.id)).join(Incident).where(Incident.desk == "b")
        return (
            rows(Incident, Incident.id, Incident.status, Incident.acknowledged_at,
                 Incident.resolved_at, Incident.support_incident, Incident.restore_due,
                 Incident.appointment_at, Incident.status_report_due),
            session.scalar(events),
            rows(Closure, Closure.id, Closure.start_date, Closure.end_date, Closure.reason_nl),
            rows(MaintenanceWindow, MaintenanceWindow.id, MaintenanceWindow.starts_at,
                 MaintenanceWindow.ends_at, MaintenanceWindow.description_nl),
            rows(Disruption, Disruption.id, Disruption.ended_at, Disruption.category_set),
            [tuple(r) for r in session.execute(
                select(Agent.id, Agent.on_duty, Agent.presence).where(Agent.id.in_(agents))
            )],
            rows(OutboxMessage, OutboxMessage.id, OutboxMessage.payload,
                 OutboxMessage.given_up_at, OutboxMessage.next_attempt_at),
        )  # fmt: skip


def console_and_api_rules(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/console", "/api"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def url(rule: str, route: Route, objects: dict[str, Any]) -> str:
    path = rule
    for name, which in route.params.items():
        path = path.replace(_placeholder(rule, name), str(objects[which]))
    assert "<" not in path, f"{rule}: a parameter without an object in ROUTES"
    return path + route.query


def _placeholder(rule: str, name: str) -> str:
    start = rule.index(f"{name}>")
    return rule[rule.rindex("<", 0, start) : start + len(name) + 1]


def leaked(body: str) -> list[str]:
    return [mark for mark in B_MARKS if mark in body]


def test_every_console_and_api_route_is_in_the_list(app: Flask) -> None:
    rules = console_and_api_rules(app)
    assert rules - ROUTES.keys() == set(), "new routes: add them to ROUTES, to be walked"
    assert ROUTES.keys() - rules == set(), "routes no longer in the app: drop them from ROUTES"


Request = Callable[[str, str, dict[str, str]], Any]


def walk(app: Flask, line: Line, send: Request, prefix: str) -> list[str]:
    """Every route under `prefix` against desk B's objects: what leaked, or changed B."""
    problems = []
    before = b_state(app)
    walked = sorted(
        (key for key in ROUTES if key[0].startswith(prefix)),
        key=lambda key: key[0] == "/console/logout",  # the session ends last
    )
    for rule, method in walked:
        route = ROUTES[(rule, method)]
        path = url(rule, route, line.b)
        response = send(method, path, FORMS.get(route.form or "", {}))
        body = response.get_data(as_text=True)
        if response.status_code < 300 and leaked(body):
            problems.append(f"{method} {path}: {response.status_code} shows {leaked(body)}")
        if route.params and not route.own and response.status_code != 404:
            problems.append(f"{method} {path}: {response.status_code}, not 404")
        after = b_state(app)
        if after != before:
            problems.append(f"{method} {path}: {response.status_code} changed desk B's objects")
            before = after
    return problems


def console_sender(client: FlaskClient) -> Request:
    csrf = session_csrf(client)

    def send(method: str, path: str, form: dict[str, str]) -> Any:
        if method == "GET":
            return client.get(path)
        return client.post(path, data={**form, "csrf_token": csrf})

    return send


@pytest.mark.parametrize("role", ["agent", "lead"])
def test_a_user_of_desk_a_never_sees_nor_changes_desk_b(
    app: Flask, desks_ab: Line, role: str
) -> None:
    user_with(app, "anna", {"a": role})
    client = logged_in(app, "anna")
    problems = walk(app, desks_ab, console_sender(client), "/console")
    assert problems == [], "\n".join(problems)


def test_a_token_of_desk_a_never_reads_desk_b(
    app: Flask, desks_ab: Line, clock: FixedClock
) -> None:
    token = token_with(app, "tool-a", {"a": "agent"}, clock.now())
    client = app.test_client()

    def send(method: str, path: str, form: dict[str, str]) -> Any:
        return client.open(path, method=method, headers={"Authorization": f"Bearer {token}"})

    problems = walk(app, desks_ab, send, "/api")
    assert problems == [], "\n".join(problems)
    listed = send("GET", "/api/incidents", {}).json
    assert [i["reference"] for i in listed["incidents"]] == [A_REFERENCE]
    assert send("GET", f"/api/incidents/{A_REFERENCE}", {}).status_code == 200


def test_the_switcher_never_chooses_a_desk_without_a_role(app: Flask, desks_ab: Line) -> None:
    user_with(app, "anna", {"a": "lead"})
    client = logged_in(app, "anna")
    send = console_sender(client)
    send("POST", "/console/desk", {"desk": "b", "next": "/console/"})
    page = client.get("/console/").get_data(as_text=True)
    assert A_REFERENCE in page
    assert leaked(page) == []


def test_a_lead_of_desk_a_sees_all_of_desk_a(app: Flask, desks_ab: Line) -> None:
    user_with(app, "anna", {"a": "lead"})
    client = logged_in(app, "anna")
    a = desks_ab.a
    seen = {
        "/console/": A_REFERENCE,
        "/console/work-list/live": A_REFERENCE,
        "/console/calls": "Alfa Caller-agent",
        f"/console/incidents/{A_REFERENCE}": "Alfa printer on fire",
        "/console/agents": "Alfa Agent",
        f"/console/agents/{a['agent']}/remove": "Alfa Agent",
        "/console/board": "Alfa Agent",
        "/console/board.json": "Alfa Agent",
        "/console/calendar": "Alfa onderhoud",
        "/console/disruptions": "Alfa storing",
        f"/console/disruptions/{a['disruption']}": "Alfa storing",
        "/console/incidents.csv?month=2026-11": A_REFERENCE,
        "/console/incidents.json?month=2026-11": A_REFERENCE,
    }
    for path, text in seen.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert text in response.get_data(as_text=True), path
    assert "Alfa sluiting" in client.get("/console/calendar").get_data(as_text=True)
    assert client.get("/console/board.json").json["callbacks"] == 0
    assert len(client.get("/console/board.json").json["callers"]) == 1  # A's caller only
    report = client.get("/console/report.json?month=2026-11").json
    assert report["line"]["calls"] == 1  # desk A's call, not B's
    # The recording is fetched (here: Twilio's account is not configured), not hidden.
    assert client.get(f"/console/incidents/{A_REFERENCE}/recording").status_code != 404


def test_an_agent_may_work_incidents_but_not_lead_pages(app: Flask, desks_ab: Line) -> None:
    user_with(app, "anna", {"a": "agent"})
    client = logged_in(app, "anna")
    send = console_sender(client)
    assert A_REFERENCE in client.get("/console/").get_data(as_text=True)
    assert client.get(f"/console/incidents/{A_REFERENCE}").status_code == 200
    for path in ("/console/agents", "/console/calendar", "/console/disruptions",
                 "/console/report", "/console/report.csv", "/console/incidents.csv",
                 f"/console/disruptions/{desks_ab.a['disruption']}",
                 f"/console/agents/{desks_ab.a['agent']}/remove"):  # fmt: skip
        assert client.get(path).status_code == 403, path
    done = send("POST", f"/console/incidents/{A_REFERENCE}/acknowledge", {})
    assert done.status_code == 302
    assert send("POST", f"/console/closures/{desks_ab.a['closure']}/delete", {}).status_code == 403
    page = client.get(f"/console/incidents/{A_REFERENCE}").get_data(as_text=True)
    assert "anna" in page  # acknowledged by them


def test_a_user_of_both_desks_switches_and_sees_all_of_theirs(app: Flask, desks_ab: Line) -> None:
    user_with(app, "bo", {"a": "agent", "b": "lead"})
    client = logged_in(app, "bo")
    send = console_sender(client)
    both = client.get("/console/").get_data(as_text=True)
    assert A_REFERENCE in both and B_REFERENCE in both
    assert "All my desks" in both and "Desk B" in both  # the switcher
    assert both.count('class="tag desk"') == 2  # each incident says its desk
    send("POST", "/console/desk", {"desk": "a", "next": "/console/"})
    only_a = client.get("/console/").get_data(as_text=True)
    assert A_REFERENCE in only_a and B_REFERENCE not in only_a
    # Lead of B only: B's closures, not A's, whichever desk is chosen for the lists.
    send("POST", "/console/desk", {"desk": "*", "next": "/console/"})
    calendar = client.get("/console/calendar").get_data(as_text=True)
    assert "Bravo sluiting" in calendar and "Alfa sluiting" not in calendar
    assert "New closures and maintenance windows are made in Desk B" in calendar  # B they lead
    # An object of a desk where they are an agent: 403 (it is theirs), not 404.
    assert client.get(f"/console/disruptions/{desks_ab.a['disruption']}").status_code == 403
    assert client.get(f"/console/disruptions/{desks_ab.b['disruption']}").status_code == 200


def test_an_admin_sees_every_desk_and_reports_over_all(app: Flask, desks_ab: Line) -> None:
    user_with(app, "root", {"*": "admin"})
    client = logged_in(app, "root")
    page = client.get("/console/").get_data(as_text=True)
    assert A_REFERENCE in page and B_REFERENCE in page
    assert client.get("/console/report.json?month=2026-11").json["line"]["calls"] == 2
    send = console_sender(client)
    send("POST", "/console/desk", {"desk": "b", "next": "/console/"})
    assert client.get("/console/report.json?month=2026-11").json["line"]["calls"] == 1
    named = client.get("/console/report.csv?month=2026-11").headers["Content-Disposition"]
    assert named == 'attachment; filename="sla-b-2026-11.csv"'
    assert "Desk B" in client.get("/console/report?month=2026-11").get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("nl", ("Al mijn desks", "Wissel", "Nieuwe sluitingen en onderhoudsvensters komen in")),
        ("de", ("Alle meine Desks", "Wechseln", "Neue Schließungen und Wartungsfenster werden")),
    ],
)
def test_the_switcher_speaks_the_users_language(
    app: Flask, desks_ab: Line, language: str, texts: tuple[str, ...]
) -> None:
    user_with(app, "bo", {"a": "lead", "b": "lead"})
    client = logged_in(app, "bo")
    console_sender(client)("POST", "/console/language", {"language": language, "next": "/"})
    page = client.get("/console/calendar").get_data(as_text=True)
    for text in texts:
        assert text in page
