"""The Zammad connector against the fake Zammad: tickets, customers, once only, faults, progress."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ivr.connectors.base import ConnectorSetupError, Delivery, Result
from ivr.connectors.zammad import ZammadConnector, ZammadSettings, parse_priority_names
from tests.support.fake_zammad import FakeZammad

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def zammad() -> Iterator[FakeZammad]:
    with FakeZammad(token="secret-token") as fake:
        fake.now = lambda: T0
        yield fake


def connector(fake: FakeZammad, **changes: Any) -> ZammadConnector:
    settings = ZammadSettings(
        url=fake.base_url,
        token="secret-token",
        group="Users",
        priorities=parse_priority_names("1=3 high,2=3 high,3=2 normal,4=1 low"),
        timeout=2.0,
    )
    return ZammadConnector(ZammadSettings(**{**settings.__dict__, **changes}))


def record(**changes: Any) -> dict[str, Any]:
    return {
        "reference": "12345674",
        "kind": "incident",
        "language": "nl",
        "impact": "all_users",
        "severity": "cannot_work",
        "category": 1,
        "caller_number": "+31201234567",
        "summary": "mail server down",
        "received_at": "2026-12-03T09:00:00+00:00",
        "restore_due": "2026-12-03T13:00:00+00:00",
        **changes,
    }


def delivery(attempt: int = 1, maybe_written: bool = False, **changes: Any) -> Delivery:
    external_id = changes.pop("external_id", None)
    return Delivery(
        message_id=7,
        event="incident.created",
        attempt=attempt,
        maybe_written=maybe_written,
        incident=record(**changes),
        desk="default",
        external_id=external_id,
    )


def test_an_incident_becomes_a_ticket_with_phone_article_priority_customer_and_tag(zammad):
    outcome = connector(zammad).deliver(delivery())

    assert outcome.result is Result.DELIVERED
    ticket = zammad.tickets[int(outcome.external_id)]
    assert ticket["title"].startswith("IVR 12345674: incident")
    assert ticket["priority_id"] == 3  # "3 high" for category 1
    assert ticket["group_id"] == 1
    customer = zammad.users[ticket["customer_id"]]
    assert customer["phone"] == "+31201234567"
    (article,) = zammad.articles_of(ticket["id"])
    assert article["type"] == "phone" and article["internal"] is False
    assert "Reference: 12345674" in article["body"] and "mail server down" in article["body"]
    assert zammad.tags[ticket["id"]] == ["ivr-12345674"]
    sent = zammad.requests[-1]
    assert sent.authorization == "Token token=secret-token"


def test_a_known_caller_is_found_by_mobile_number_however_it_was_typed(zammad):
    known = zammad.add_user(firstname="Anna", lastname="de Vries", mobile="0031201234567")

    outcome = connector(zammad).deliver(delivery(category=4))

    ticket = zammad.tickets[int(outcome.external_id)]
    assert ticket["customer_id"] == known
    assert ticket["priority_id"] == 1  # "1 low" for category 4
    assert not [r for r in zammad.requests if r.method == "POST" and r.path == "/api/v1/users"]


def test_a_withheld_number_is_the_desks_withheld_customer(zammad):
    one = connector(zammad).deliver(delivery(caller_number=None))
    two = connector(zammad).deliver(delivery(caller_number=None, reference="76543214"))

    first, second = zammad.tickets[int(one.external_id)], zammad.tickets[int(two.external_id)]
    assert first["customer_id"] == second["customer_id"]
    assert zammad.users[first["customer_id"]]["email"] == "withheld-number@phone-line.invalid"


@pytest.mark.parametrize("lose_with", [None, 504])
def test_a_lost_reply_is_retried_and_the_ticket_found_not_made_twice(zammad, lose_with):
    zammad.lose_replies, zammad.lose_with = 1, lose_with
    line = connector(zammad)

    first = line.deliver(delivery())
    assert first.result is Result.RETRY and first.external_id is None
    again = line.deliver(delivery(attempt=2, maybe_written=True))

    assert again.result is Result.DELIVERED
    assert len(zammad.tickets_titled("12345674")) == 1
    assert again.external_id == str(zammad.tickets_titled("12345674")[0]["id"])
    assert zammad.tags[int(again.external_id)] == ["ivr-12345674"]


def test_a_ticket_made_but_not_tagged_is_only_tagged_next_time(zammad):
    line = connector(zammad)
    zammad.failing_paths["/api/v1/tags/add"] = 503
    first = line.deliver(delivery())
    assert first.result is Result.RETRY and first.external_id is not None
    del zammad.failing_paths["/api/v1/tags/add"]

    again = line.deliver(delivery(attempt=2, maybe_written=True, external_id=first.external_id))

    assert again.result is Result.DELIVERED and again.external_id == first.external_id
    assert len(zammad.tickets) == 1


def test_zammad_down_is_a_retry_with_its_status_then_delivered(zammad):
    line = connector(zammad)
    zammad.failing = 503
    down = line.deliver(delivery())
    assert down.result is Result.RETRY and "HTTP 503" in (down.message or "")
    zammad.failing = None

    up = line.deliver(delivery(attempt=2, maybe_written=True))

    assert up.result is Result.DELIVERED and len(zammad.tickets) == 1


def test_nothing_listening_is_a_retry():
    with FakeZammad() as gone:
        url = gone.base_url
    line = ZammadConnector(ZammadSettings(url=url, token="t", group="Users", timeout=1.0))
    outcome = line.deliver(delivery())
    assert outcome.result is Result.RETRY and "ConnectionError" in (outcome.message or "")


def test_a_slow_zammad_is_a_retry(zammad):
    zammad.slow_seconds = 0.5
    outcome = connector(zammad, timeout=0.1).deliver(delivery())
    assert outcome.result is Result.RETRY and "Timeout" in (outcome.message or "")


def test_a_refusal_is_kept_with_zammads_own_words(zammad):
    zammad.refuse = (422, "Title is too long (maximum is 250 characters)")
    outcome = connector(zammad).deliver(delivery())
    assert outcome.result is Result.REFUSED
    assert outcome.message == "HTTP 422: Title is too long (maximum is 250 characters)"


def test_a_group_zammad_does_not_know_is_refused(zammad):
    outcome = connector(zammad, group="Nope").deliver(delivery())
    assert outcome.result is Result.REFUSED
    assert "No lookup value found for 'group'" in (outcome.message or "")


def test_a_wrong_token_waits_with_the_error_until_it_is_fixed(zammad):
    outcome = connector(zammad, token="wrong").deliver(delivery())
    assert outcome.result is Result.RETRY
    assert outcome.message == "HTTP 401: Authentication required"
    assert not zammad.tickets
    assert connector(zammad).deliver(delivery(attempt=2, maybe_written=True)).result is (
        Result.DELIVERED
    )


def test_a_ticket_already_known_is_not_made_again(zammad):
    line = connector(zammad)
    first = line.deliver(delivery())
    again = line.deliver(delivery(attempt=1, external_id=first.external_id))
    assert again.result is Result.DELIVERED and again.external_id == first.external_id
    assert len(zammad.tickets) == 1


def test_setup_check_accepts_a_matching_zammad(zammad):
    connector(zammad).setup()


def test_setup_check_names_the_setting_that_does_not_match(zammad):
    with pytest.raises(ConnectorSetupError, match=r"ZAMMAD_GROUP.*'2nd Level'.*Users"):
        connector(zammad, group="2nd Level").setup()
    with pytest.raises(ConnectorSetupError, match=r"ZAMMAD_PRIORITY_NAMES.*'5 urgent'"):
        connector(zammad, priorities={1: "5 urgent"}).setup()
    with pytest.raises(ConnectorSetupError, match=r"ZAMMAD_URL/ZAMMAD_TOKEN.*401"):
        connector(zammad, token="wrong").setup()


def test_priority_names_must_be_category_equals_name():
    assert parse_priority_names("1=3 high, 4=1 low") == {1: "3 high", 4: "1 low"}
    with pytest.raises(ValueError, match="ZAMMAD_PRIORITY_NAMES"):
        parse_priority_names("3 high")


def test_progress_tells_public_agent_articles_and_closing_not_internal_notes(zammad):
    line = connector(zammad)
    ticket_id = int(line.deliver(delivery()).external_id)
    zammad.add_user(firstname="x")
    other = zammad._create_ticket(
        {"title": "Someone else's ticket", "group": "Users", "customer_id": 1}
    )
    since = T0
    zammad.now = lambda: T0 + timedelta(minutes=5)
    zammad.reply(ticket_id, "<p>We are <b>restarting</b> the mail server.</p>")
    zammad.reply(ticket_id, "internal: it was the disk", internal=True)
    zammad.reply(other["id"], "not ours")
    zammad.now = lambda: T0 + timedelta(minutes=9)
    zammad.close(ticket_id)

    news = line.progress(since)

    assert [(p.reference, p.text, p.resolved) for p in news] == [
        ("12345674", "We are restarting the mail server.", False),
        ("12345674", None, True),
    ]
    assert news[0].at == T0 + timedelta(minutes=5) and news[1].at == T0 + timedelta(minutes=9)
    again = line.progress(T0 + timedelta(minutes=9))  # from the last item on: only itself
    assert [(p.resolved, p.at) for p in again] == [(True, T0 + timedelta(minutes=9))]
    assert line.progress(T0 + timedelta(minutes=10)) == []


def test_progress_while_zammad_is_down_says_so(zammad):
    from ivr.connectors.zammad import ZammadError

    zammad.failing = 502
    with pytest.raises(ZammadError, match="HTTP 502"):
        connector(zammad).progress(T0)


def test_setup_check_lets_the_line_start_while_zammad_is_down(zammad):
    zammad.failing = 503
    connector(zammad).setup()  # deliveries wait and retry; nothing to refuse yet


def test_settings_name_what_is_missing_or_malformed():
    from ivr.config import load_config

    config = load_config({"ZAMMAD_URL": "https://desk.example", "ZAMMAD_TOKEN": "t"})
    settings = ZammadSettings.from_config(config)
    assert settings.group == "Users" and settings.priorities[1] == "3 high"
    assert settings.closed_states == {"closed"}
    with pytest.raises(ConnectorSetupError, match="ZAMMAD_TOKEN is not set"):
        ZammadSettings.from_config({**config, "ZAMMAD_TOKEN": ""})
    with pytest.raises(ConnectorSetupError, match="ZAMMAD_PRIORITY_NAMES"):
        ZammadSettings.from_config({**config, "ZAMMAD_PRIORITY_NAMES": "high"})


def test_a_number_is_searched_in_the_ways_desks_type_it():
    from ivr.connectors.zammad import same_number, written_forms

    assert written_forms("+31201234567") == [
        "+31201234567", "0031201234567", "31201234567", "0201234567",
    ]  # fmt: skip
    assert written_forms("+15551234567") == ["+15551234567", "0015551234567", "15551234567"]
    assert same_number("+31 20 123 4567", "020-1234567")
    assert not same_number("+31201234567", "+31201234568")


def test_a_lost_reply_to_creating_the_customer_finds_that_customer_next_time(zammad):
    zammad.lose_replies, zammad.lose_path = 1, "/api/v1/users"
    line = connector(zammad)
    assert line.deliver(delivery()).result is Result.RETRY
    again = line.deliver(delivery(attempt=2, maybe_written=True))
    assert again.result is Result.DELIVERED
    callers = [u for u in zammad.users.values() if u.get("phone") == "+31201234567"]
    assert (
        len(callers) == 1
        and zammad.tickets[int(again.external_id)]["customer_id"] == callers[0]["id"]
    )


def test_a_later_delivery_of_the_incident_adds_to_its_ticket_once(zammad):
    line = connector(zammad)
    partial = line.deliver(delivery(category=None, summary=None))
    ticket_id = int(partial.external_id)
    assert zammad.tickets[ticket_id]["priority_id"] == 2  # Zammad's default: no category yet

    later = Delivery(
        message_id=8, event="incident.completed", attempt=1, maybe_written=False,
        incident=record(category=2), desk="default", external_id=partial.external_id,
    )  # fmt: skip
    zammad.lose_replies, zammad.lose_path = 1, "/api/v1/ticket_articles"
    assert line.deliver(later).result is Result.RETRY  # the article was written, the reply lost
    again = line.deliver(Delivery(**{**later.__dict__, "attempt": 2, "maybe_written": True}))

    assert again.result is Result.DELIVERED and again.external_id == partial.external_id
    assert len(zammad.tickets) == 1
    ticket = zammad.tickets[ticket_id]
    assert ticket["priority_id"] == 3 and "category 2" in ticket["title"]
    bodies = [a["body"] for a in zammad.articles_of(ticket_id)]
    assert len(bodies) == 2 and sum("Line delivery: 8" in b for b in bodies) == 1
    assert all(
        a["internal"] is False and a["type"] == "phone" for a in zammad.articles_of(ticket_id)
    )
    assert line.progress(T0) == []  # the line's own articles tell nothing
