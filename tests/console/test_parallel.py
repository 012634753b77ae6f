"""Parallel requests: constraints and the seed's yearly limit hold, and answer as validation."""

from __future__ import annotations

import threading
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ivr.clock import FixedClock
from ivr.db import get_session
from ivr.models import Agent, MaintenanceWindow
from tests.conftest import local
from tests.console.conftest import PASSWORD, csrf_token

PARALLEL = 8


def logged_in(app: Flask, user: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client, "/console/login")
    response = client.post(
        "/console/login", data={"username": user, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def at_once(app: Flask, user: str, page: str, action: str, forms: list[dict[str, str]]):  # type: ignore[no-untyped-def]
    """Each form posted by its own logged-in browser, all released at the same instant."""
    clients = [logged_in(app, user) for _ in forms]
    tokens = [csrf_token(client, page) for client in clients]
    start = threading.Barrier(len(forms))
    statuses: list[int] = []

    def post(client: FlaskClient, token: str, form: dict[str, str]) -> None:
        start.wait()
        statuses.append(client.post(action, data={**form, "csrf_token": token}).status_code)

    threads = [
        threading.Thread(target=post, args=(client, token, form))
        for client, token, form in zip(clients, tokens, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_parallel_adds_of_one_agent_store_one_and_answer_each(app: Flask, user: str) -> None:
    form = {"name": "Piet", "number": "+31612345670", "languages": "nl"}
    statuses = at_once(app, user, "/console/agents", "/console/agents", [form] * PARALLEL)
    assert statuses == [302] * PARALLEL  # back to the list, with the reason for the others
    with app.app_context():
        assert [a.name for a in get_session().scalars(select(Agent))] == ["Piet"]


def test_parallel_adds_of_one_number_under_different_names(app: Flask, user: str) -> None:
    forms = [
        {"name": f"Piet {i}", "number": "06 1234 5670", "languages": "nl"} for i in range(PARALLEL)
    ]
    statuses = at_once(app, user, "/console/agents", "/console/agents", forms)
    assert statuses == [302] * PARALLEL
    with app.app_context():
        assert len(get_session().scalars(select(Agent)).all()) == 1


def test_the_yearly_maintenance_limit_holds_under_parallel_posts(
    app: Flask, user: str, clock: FixedClock
) -> None:
    clock.set(local(2027, 1, 1, 10, 0))
    first_saturday = local(2027, 1, 9, 22, 0)
    with app.app_context():
        session = get_session()
        for week in range(23):
            start = first_saturday + timedelta(weeks=week)
            session.add(MaintenanceWindow(starts_at=start, ends_at=start + timedelta(hours=2),
                                          announced_at=clock.now(), description_nl="Onderhoud",
                                          description_de="Wartung"))  # fmt: skip
        session.commit()
    forms = [
        {
            "start": f"2027-09-{4 + 7 * (i // 2):02d}T{20 + i % 2}:00",  # Saturdays, two a night
            "end": f"2027-09-{4 + 7 * (i // 2):02d}T{20 + i % 2}:30",
            "description_nl": "Onderhoud",
            "description_de": "Wartung",
            "consulted_party": "customer",
            "consulted_name": "Jan de Vries",
            "consulted_on": "2027-01-01",
        }
        for i in range(PARALLEL)
    ]
    statuses = at_once(app, user, "/console/calendar", "/console/maintenance", forms)
    assert sorted(statuses) == [302] + [422] * (PARALLEL - 1)
    with app.app_context():
        assert len(get_session().scalars(select(MaintenanceWindow)).all()) == 24


def test_parallel_closures_on_the_same_days_store_one(
    app: Flask, user: str, clock: FixedClock
) -> None:
    form = {"start": "2027-05-07", "end": "2027-05-07", "reason_nl": "Brugdag",
            "reason_de": "Brückentag"}  # fmt: skip
    statuses = at_once(app, user, "/console/calendar", "/console/closures", [form] * PARALLEL)
    assert sorted(statuses) == [302] + [422] * (PARALLEL - 1)
    from ivr.models import Closure

    with app.app_context():
        assert len(get_session().scalars(select(Closure)).all()) == 1
