"""The fake Zammad itself answers as Zammad documents: token, field checks, error shapes, CTI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.support.fake_zammad import FakeZammad

AUTH = {"Authorization": "Token token=zammad-token"}


@pytest.fixture
def zammad() -> Iterator[FakeZammad]:
    with FakeZammad() as fake:
        yield fake


def post(fake: FakeZammad, path: str, body: object, headers: dict | None = None):
    return requests.post(fake.base_url + path, json=body, headers=headers or AUTH, timeout=5)


def test_without_the_token_every_call_is_401_with_zammads_error_shape(zammad):
    answer = requests.get(f"{zammad.base_url}/api/v1/groups", timeout=5)
    assert answer.status_code == 401
    assert set(answer.json()) == {"error", "error_human"}
    bearer = {"Authorization": "Bearer zammad-token"}
    answer = requests.get(f"{zammad.base_url}/api/v1/groups", headers=bearer, timeout=5)
    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("missing", "words"),
    [("title", "Title can't be blank"), ("group", "Group can't be blank"),
     ("customer_id", "Customer can't be blank")],
)  # fmt: skip
def test_a_ticket_without_title_group_or_customer_is_422(zammad, missing, words):
    ticket = {"title": "t", "group": "Users", "customer_id": 1}
    del ticket[missing]
    answer = post(zammad, "/api/v1/tickets", ticket)
    assert answer.status_code == 422
    assert answer.json()["error"] == words
    assert not zammad.tickets


def test_a_created_ticket_is_201_with_id_and_number_and_is_found_by_search(zammad):
    ticket = {"title": "IVR 12345674: x", "group": "Users", "customer_id": 1, "priority": "3 high"}
    answer = post(zammad, "/api/v1/tickets", ticket)
    assert answer.status_code == 201
    ticket = answer.json()
    assert ticket["id"] == 1 and ticket["number"] == "31001" and ticket["priority_id"] == 3
    found = requests.get(
        f"{zammad.base_url}/api/v1/tickets/search",
        params={"query": 'title:"IVR 12345674"'}, headers=AUTH, timeout=5,
    ).json()  # fmt: skip
    assert found["tickets"] == [1] and found["assets"]["Ticket"]["1"]["title"] == "IVR 12345674: x"


def test_unknown_priority_is_a_lookup_error(zammad):
    answer = post(zammad, "/api/v1/tickets", {"title": "t", "group": "Users", "customer_id": 1,
                                                "priority": "9 panic"})  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["error"] == "No lookup value found for 'priority': \"9 panic\""


def test_the_cti_endpoint_checks_the_token_in_its_url_and_keeps_events(zammad):
    event = {"event": "newCall", "from": "493055571600", "to": "491711234567890",
             "direction": "in", "callId": "abc", "user[]": ["Emma"]}  # fmt: skip
    wrong = requests.post(f"{zammad.base_url}/api/v1/cti/nope", json=event, timeout=5)
    assert wrong.status_code == 401 and zammad.cti == []
    right = requests.post(zammad.cti_url, data=event, timeout=5)  # form-data, as documented
    assert right.status_code == 200 and right.json() == {}
    assert zammad.cti[0]["event"] == "newCall" and zammad.cti[0]["user[]"] == ["Emma"]


def test_a_lost_reply_still_wrote(zammad):
    zammad.lose_replies = 1
    with pytest.raises(requests.ConnectionError):
        post(zammad, "/api/v1/tickets", {"title": "t", "group": "Users", "customer_id": 1})
    assert len(zammad.tickets) == 1
