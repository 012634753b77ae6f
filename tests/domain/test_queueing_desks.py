"""The queue's order across desks (issue 26): an agent is offered only their desks' callers, and
an agent of several desks the most urgent caller of all of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ivr.domain.queueing import FreeAgent, Waiting, next_pair, position

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def caller(key: int, desk: str, category: int, minutes: int) -> Waiting:
    return Waiting(key, "nl", "incident", category, T0 + timedelta(minutes=minutes), desk)


def test_an_agent_is_offered_only_callers_of_the_desks_they_serve() -> None:
    bram = FreeAgent(1, ("nl",), T0, frozenset({"b"}))
    waiting = [caller(10, "a", 1, 0)]  # more urgent and waiting longer: but desk A's
    assert next_pair([bram], waiting) is None
    theirs = caller(11, "b", 4, 5)
    assert next_pair([bram], [*waiting, theirs]) == (bram, theirs)


def test_an_agent_of_both_desks_gets_the_most_urgent_caller_of_either() -> None:
    sanne = FreeAgent(1, ("nl",), T0, frozenset({"a", "b"}))
    waiting = [caller(10, "a", 3, 0), caller(11, "b", 1, 5)]
    assert next_pair([sanne], waiting)[1].key == 11  # type: ignore[index]


def test_the_agent_of_one_desk_takes_its_caller_and_leaves_the_other_free() -> None:
    anouk = FreeAgent(1, ("nl",), T0, frozenset({"a", "b"}))  # free longest, both desks
    bram = FreeAgent(2, ("nl",), T0 + timedelta(minutes=5), frozenset({"b"}))
    agent, first = next_pair([anouk, bram], [caller(11, "b", 1, 0)])  # type: ignore[misc]
    assert (agent.key, first.key) == (1, 11)  # same languages: the one free longest, as before


def test_an_agent_of_no_desk_list_serves_every_desk() -> None:
    """A FreeAgent without desks (a line of one desk, and the tests before desks) serves all."""
    anyone = FreeAgent(1, ("nl",), T0)
    assert next_pair([anyone], [caller(10, "a", 2, 0)])[1].key == 10  # type: ignore[index]


def test_the_position_counts_the_callers_of_the_same_desk_and_language() -> None:
    waiting = [caller(10, "a", 1, 0), caller(11, "b", 2, 1), caller(12, "a", 2, 2)]
    assert [position(w, waiting) for w in waiting] == [1, 1, 2]
