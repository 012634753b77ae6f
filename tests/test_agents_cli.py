"""`flask --app app agents add ... --desk KEY`, `agents desks`, `agents list` (issue 26)."""

from __future__ import annotations

from flask import Flask

from ivr.db import get_session
from ivr.services.agents import by_name, desks_of
from tests.support.desks import two_desks


def run(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def served(app: Flask, name: str) -> list[str]:
    with app.app_context():
        session = get_session()
        agent = by_name(session, name)
        return desks_of(session, [agent.id])[agent.id]


def test_an_agent_added_without_a_desk_serves_the_first(app: Flask) -> None:
    two_desks(app)
    result = run(app, "agents", "add", "--name", "Anouk", "--number", "+31687000001")
    assert result.exit_code == 0, result.output
    assert "desks a" in result.output
    assert served(app, "Anouk") == ["a"]


def test_an_agent_serves_every_desk_given(app: Flask) -> None:
    two_desks(app)
    args = ["agents", "add", "--name", "Sanne", "--number", "+31687000003"]
    result = run(app, *args, "--desk", "b", "--desk", "a", "--desk", "b")
    assert result.exit_code == 0, result.output
    assert served(app, "Sanne") == ["a", "b"]
    listed = run(app, "agents", "list").output
    (line,) = [row for row in listed.splitlines() if row.startswith("Sanne")]
    assert " a,b " in line


def test_an_unknown_desk_is_refused_naming_the_known_ones(app: Flask) -> None:
    two_desks(app)
    args = ["agents", "add", "--name", "Jonas", "--number", "+4917600000002"]
    result = run(app, *args, "--desk", "a", "--desk", "ozmo")
    assert result.exit_code == 1
    assert "no desk 'ozmo': the desks are a, b" in result.output
    assert "Jonas" not in run(app, "agents", "list").output  # nothing half added


def test_the_desks_of_an_agent_are_changed(app: Flask) -> None:
    two_desks(app)
    run(app, "agents", "add", "--name", "Anouk", "--number", "+31687000001")
    result = run(app, "agents", "desks", "Anouk", "--desk", "b")
    assert result.exit_code == 0, result.output
    assert "Anouk serves b" in result.output
    assert served(app, "Anouk") == ["b"]
    refused = run(app, "agents", "desks", "Anouk", "--desk", "c")
    assert refused.exit_code == 1 and "the desks are a, b" in refused.output
    assert served(app, "Anouk") == ["b"]


def test_a_line_of_one_desk_puts_agents_in_it(app: Flask) -> None:
    result = run(app, "agents", "add", "--name", "Anouk", "--number", "+31687000001")
    assert result.exit_code == 0, result.output
    assert served(app, "Anouk") == ["default"]
    assert run(app, "agents", "remove", "Anouk").exit_code == 0  # its desks go with it
