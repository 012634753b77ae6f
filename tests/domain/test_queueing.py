"""Who goes first, where a caller stands, and how long it will take."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ivr.domain.queueing import (
    FreeAgent,
    Waiting,
    expected_wait,
    in_order,
    mean_handling,
    next_for,
    next_pair,
    passes_closing,
    position,
    spoken_minutes,
    told_position,
)

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def caller(key: int, lang: str, category: int | None, minutes: int, kind: str = "incident"):  # type: ignore[no-untyped-def]
    return Waiting(key, lang, kind, category, T0 + timedelta(minutes=minutes))


def test_category_1_goes_before_callers_who_waited_longer() -> None:
    waiting = [caller(1, "nl", 3, 0), caller(2, "nl", 2, 1), caller(3, "nl", 1, 9)]
    assert [w.key for w in in_order(waiting)] == [3, 2, 1]


def test_same_urgency_goes_by_waiting_time() -> None:
    waiting = [caller(1, "nl", 2, 5), caller(2, "nl", 2, 1), caller(3, "nl", 2, 3)]
    assert [w.key for w in in_order(waiting)] == [2, 3, 1]


def test_a_question_waits_after_incidents_of_its_urgency_and_before_less_urgent_ones() -> None:
    waiting = [
        caller(1, "nl", None, 0, kind="question"),
        caller(2, "nl", 4, 5),
        caller(3, "nl", 3, 9),
    ]
    assert [w.key for w in in_order(waiting)] == [3, 2, 1]  # question ranks as category 4
    assert [w.key for w in in_order(waiting, question_category=3)] == [3, 1, 2]


def test_an_agent_is_offered_the_first_caller_in_a_language_they_speak() -> None:
    waiting = [caller(1, "de", 1, 0), caller(2, "nl", 2, 0), caller(3, "nl", 1, 5)]
    assert next_for(["nl"], waiting).key == 3  # type: ignore[union-attr]
    assert next_for(["de"], waiting).key == 1  # type: ignore[union-attr]
    assert next_for(["nl", "de"], waiting).key == 1  # type: ignore[union-attr]
    assert next_for(["fr"], waiting) is None


def test_a_specialist_takes_the_caller_so_the_multilingual_agent_stays_free() -> None:
    agents = [
        FreeAgent(1, ("nl", "de"), T0),  # free longest
        FreeAgent(2, ("nl",), T0 + timedelta(minutes=5)),
    ]
    waiting = [caller(10, "nl", 1, 0), caller(11, "de", 1, 1)]
    agent, first = next_pair(agents, waiting)  # type: ignore[misc]
    assert (agent.key, first.key) == (2, 10)
    assert next_pair(agents[:1], waiting[1:])[0].key == 1  # type: ignore[index]
    assert next_pair(agents[1:], waiting[1:]) is None  # nobody free speaks German


def test_position_counts_callers_of_the_same_language_ahead() -> None:
    waiting = [caller(1, "de", 1, 0), caller(2, "nl", 2, 0), caller(3, "nl", 1, 5)]
    assert position(waiting[1], waiting) == 2  # the category-1 Dutch caller is ahead
    assert position(waiting[2], waiting) == 1
    assert position(waiting[0], waiting) == 1  # German callers are a line of their own


def test_the_position_told_never_goes_up() -> None:
    assert told_position(3, None) == 3
    assert told_position(2, 3) == 2
    assert told_position(4, 2) == 2  # a more urgent caller went ahead: not announced as worse


def test_expected_wait_is_from_measured_handling_and_agents() -> None:
    assert expected_wait(1, 1, 240) == timedelta(seconds=120)
    assert expected_wait(3, 1, 240) == timedelta(seconds=600)
    assert expected_wait(3, 3, 240) == timedelta(seconds=120)
    assert expected_wait(1, 0, 240) is None  # nobody on duty: no honest estimate
    assert mean_handling([100, 200], default=300) == 300  # too few measurements yet
    assert mean_handling([100, 200, 300, 400, 500], default=300) == 300
    assert mean_handling([60] * 5, default=300) == 60
    assert spoken_minutes(timedelta(seconds=10)) == 1
    assert spoken_minutes(timedelta(seconds=190)) == 4


def test_a_wait_past_closing_time_is_noticed() -> None:
    closes = T0 + timedelta(minutes=10)
    assert passes_closing(T0, timedelta(minutes=11), closes)
    assert not passes_closing(T0, timedelta(minutes=9), closes)
    assert not passes_closing(T0, None, closes)


callers = st.lists(
    st.builds(
        Waiting,
        key=st.integers(0, 10_000),
        language=st.sampled_from(["nl", "de"]),
        kind=st.sampled_from(["incident", "question"]),
        category=st.one_of(st.none(), st.integers(1, 4)),
        since=st.integers(0, 600).map(lambda m: T0 + timedelta(minutes=m)),
    ),
    max_size=30,
    unique_by=lambda w: w.key,
)


@given(callers)
def test_positions_are_one_to_n_per_language_in_the_offer_order(waiting: list[Waiting]) -> None:
    for lang in ("nl", "de"):
        mine = [w for w in in_order(waiting) if w.language == lang]
        assert [position(w, waiting) for w in mine] == list(range(1, len(mine) + 1))
        if mine:
            assert next_for([lang], waiting) == mine[0]
