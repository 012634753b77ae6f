"""Roles per desk from the command line (issue 26): users and tokens, and `--desk` on the
commands that read desk data."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.services.users import access_of
from tests.console.conftest import PASSWORD
from tests.console.desks import (
    A_REFERENCE,
    B_REFERENCE,
    Line,
    logged_in,
    two_desks,
    two_desks_with_everything,
)


@pytest.fixture
def desks_ab(app: Flask, clock: FixedClock) -> Line:
    return two_desks_with_everything(app, clock)


def run(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def test_one_desk_a_user_without_a_role_is_an_admin(app: Flask) -> None:
    made = run(app, "users", "create", "anouk", "--password", PASSWORD)
    assert made.exit_code == 0, made.output
    assert "user anouk created (admin)" in made.output
    with app.app_context():
        assert access_of(get_session(), "anouk").admin


def test_several_desks_a_role_is_required_and_desks_are_checked(app: Flask) -> None:
    two_desks(app)
    refused = run(app, "users", "create", "anouk", "--password", PASSWORD)
    assert refused.exit_code == 1
    assert "this line has several desks: give the user a --role" in refused.output
    unknown = run(app, "users", "create", "anouk", "--password", PASSWORD,
                  "--desk", "c", "--role", "agent")  # fmt: skip
    assert unknown.exit_code == 1
    assert "no desk 'c'; the desks are a, b" in unknown.output
    both = run(app, "users", "create", "anouk", "--password", PASSWORD,
               "--desk", "a", "--desk", "b", "--role", "lead")  # fmt: skip
    assert both.exit_code == 0, both.output
    assert "(a:lead b:lead)" in both.output
    admin_with_desk = run(app, "users", "create", "root", "--password", PASSWORD,
                          "--desk", "a", "--role", "admin")  # fmt: skip
    assert admin_with_desk.exit_code == 1
    assert "an admin has every desk" in admin_with_desk.output
    assert run(app, "users", "create", "root", "--password", PASSWORD, "--role", "admin")


def test_roles_are_changed_listed_and_taken_away(app: Flask) -> None:
    two_desks(app)
    run(app, "users", "create", "anouk", "--password", PASSWORD, "--desk", "a", "--role", "agent")
    run(app, "users", "create", "root", "--password", PASSWORD, "--role", "admin")
    changed = run(app, "users", "role", "anouk", "--desk", "b", "--role", "lead")
    assert changed.output.strip() == "anouk: a:agent b:lead"
    assert run(app, "users", "role", "anouk", "--desk", "a", "--role", "none").exit_code == 0
    assert run(app, "users", "list").output.splitlines() == ["anouk  b:lead", "root"]
    admin_kept = run(app, "users", "role", "root", "--desk", "a", "--role", "none")
    assert admin_kept.exit_code == 1 and "root is an admin of every desk" in admin_kept.output
    demoted = run(app, "users", "role", "root", "--desk", "a", "--role", "agent")
    assert demoted.output.strip() == "root: a:agent"  # no longer an admin
    promoted = run(app, "users", "role", "anouk", "--role", "admin")
    assert promoted.output.strip() == "anouk: admin"
    missing = run(app, "users", "role", "nobody", "--desk", "a", "--role", "lead")
    assert missing.exit_code == 1 and "no user 'nobody'" in missing.output
    assert run(app, "users", "delete", "anouk").exit_code == 0  # roles go with the user


def test_a_role_change_holds_from_the_next_request(app: Flask, desks_ab: Line) -> None:
    run(app, "users", "create", "anouk", "--password", PASSWORD, "--desk", "a", "--role", "agent")
    client = logged_in(app, "anouk")
    assert client.get("/console/calendar").status_code == 403
    run(app, "users", "role", "anouk", "--desk", "a", "--role", "lead")
    assert client.get("/console/calendar").status_code == 200
    run(app, "users", "role", "anouk", "--desk", "a", "--role", "none")
    assert client.get(f"/console/incidents/{A_REFERENCE}").status_code == 404
    nothing = client.get("/console/")  # no desk left: an empty work list
    assert nothing.status_code == 200
    assert A_REFERENCE not in nothing.get_data(as_text=True)


def test_tokens_are_scoped_per_desk(app: Flask, desks_ab: Line) -> None:
    assert run(app, "tokens", "create", "tool").exit_code == 1  # several desks: a role needed
    token = run(app, "tokens", "create", "tool", "--desk", "b", "--role", "agent").output.strip()
    assert "tool" in run(app, "tokens", "list").output
    assert "b:agent" in run(app, "tokens", "list").output
    listed = (
        app.test_client().get("/api/incidents", headers={"Authorization": f"Bearer {token}"}).json
    )
    assert [i["reference"] for i in listed["incidents"]] == [B_REFERENCE]
    assert run(app, "tokens", "revoke", "tool").exit_code == 0


def test_commands_on_desk_data_take_a_desk(app: Flask, desks_ab: Line) -> None:
    exported = run(app, "incidents", "export", "--desk", "b")
    assert exported.exit_code == 0, (exported.output, exported.exception)
    assert [json.loads(x)["reference"] for x in exported.output.splitlines()] == [B_REFERENCE]
    every = run(app, "incidents", "export").output
    assert A_REFERENCE in every and B_REFERENCE in every
    one = json.loads(run(app, "report", "sla", "--month", "2026-11", "--format", "json",
                         "--desk", "a").output)  # fmt: skip
    over_all = json.loads(
        run(app, "report", "sla", "--month", "2026-11", "--format", "json").output
    )
    assert (one["line"]["calls"], over_all["line"]["calls"]) == (1, 2)
    disruptions = run(app, "disruptions", "list", "--desk", "b").output
    assert "Bravo storing" in disruptions and "Alfa" not in disruptions
    queue = run(app, "queue", "list", "--desk", "a").output
    assert "Alfa Agent" in queue and "Bravo" not in queue
    assert len([x for x in queue.splitlines() if x.startswith("caller")]) == 1
    outbox = run(app, "outbox", "list", "--desk", "a").output.splitlines()
    assert outbox[0] == "Webhook: 0 waiting, 0 delivered, 1 refused"  # A's hand-off alone
    assert len([line for line in outbox if line.lstrip()[:1].isdigit()]) == 2  # its text, ticket
    wrong = run(app, "outbox", "list", "--desk", "c")
    assert wrong.exit_code == 2 and "no desk 'c'" in wrong.output
    not_here = run(app, "disruptions", "end", str(desks_ab.b["disruption"]), "--desk", "a")
    assert not_here.exit_code == 1 and "no disruption" in not_here.output
