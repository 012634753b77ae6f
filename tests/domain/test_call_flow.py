"""The call flow as data: keys, spoken answers in Dutch and German, and no dead ends."""

from __future__ import annotations

import pytest

from ivr.domain.call_flow import (
    GIVE_UP,
    MENUS,
    TRANSITIONS,
    Signal,
    Step,
    interpret,
    next_step,
)

LANGUAGE, PURPOSE, IMPACT, SEVERITY, CALLBACK = (
    MENUS[s] for s in (Step.LANGUAGE, Step.PURPOSE, Step.IMPACT, Step.SEVERITY, Step.CALLBACK)
)


@pytest.mark.parametrize(
    ("menu", "keys"),
    [
        (LANGUAGE, {"1": "nl", "2": "de"}),
        (PURPOSE, {"1": "incident", "2": "question", "3": "standard_change", "4": "status"}),
        (IMPACT, {"1": "all_users", "2": "some_users", "3": "one_user"}),
        (SEVERITY, {"1": "cannot_work", "2": "functions_fail", "3": "cumbersome"}),
        (CALLBACK, {"1": "keep", "2": "other", "3": "no_messages"}),
    ],
    ids=lambda v: getattr(v, "step", ""),
)
def test_keys_as_the_issue_names_them(menu, keys: dict[str, str]) -> None:
    assert {c.key: c.value for c in menu.choices} == keys
    for key, value in keys.items():
        assert interpret(menu, key, None, "nl").choice.value == value  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("menu", "speech", "locale", "value"),
    [
        (LANGUAGE, "Deutsch bitte", "nl", "de"),
        (LANGUAGE, "Nederlands", "de", "nl"),
        (PURPOSE, "Ik wil een storing melden", "nl", "incident"),
        (PURPOSE, "Ich habe eine Frage", "de", "question"),
        (IMPACT, "alleen ik", "nl", "one_user"),  # longer phrase beats "ik"
        (IMPACT, "Alle Benutzer", "de", "all_users"),
        (SEVERITY, "ik kan niet bellen", "nl", "cannot_work"),
        (SEVERITY, "es ist umständlich", "de", "cumbersome"),
        (SEVERITY, "Bestimmte Funktionen gehen nicht", "de", "functions_fail"),
        (IMPACT, "drie", "nl", "one_user"),
        (IMPACT, "zwei", "de", "some_users"),
    ],
)
def test_spoken_answers(menu, speech: str, locale: str, value: str) -> None:
    assert interpret(menu, None, speech, locale).choice.value == value  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("menu", "digits", "speech", "signal"),
    [
        (PURPOSE, "*", None, Signal.REPEAT),
        (PURPOSE, "9", None, Signal.SWITCH_LANGUAGE),
        (LANGUAGE, "9", None, Signal.INVALID),  # nothing to switch before a language is chosen
        (IMPACT, "7", None, Signal.INVALID),
        (IMPACT, "12", None, Signal.INVALID),
        (IMPACT, None, "banaan", Signal.INVALID),
        (IMPACT, None, "iedereen of enkele", Signal.INVALID),  # two choices: unclear
        (IMPACT, None, None, Signal.NO_INPUT),
        (IMPACT, "", "   ", Signal.NO_INPUT),
    ],
)
def test_signals(menu, digits, speech, signal: Signal) -> None:
    assert interpret(menu, digits, speech, "nl").signal is signal


def test_keys_win_over_speech() -> None:
    assert interpret(IMPACT, "1", "alleen ik", "nl").choice.value == "all_users"  # type: ignore[union-attr]


@pytest.mark.parametrize("desk_open", [True, False])
def test_every_step_leads_to_the_end_whatever_the_caller_does(desk_open: bool) -> None:
    """From every step, every outcome has a transition, and following them always ends."""
    outcomes: dict[Step, set[str]] = {}
    for t in TRANSITIONS:
        outcomes.setdefault(t.source, set()).add(t.outcome)
    for step, step_outcomes in outcomes.items():
        if step in MENUS and step is not Step.CALLBACK:
            assert GIVE_UP in step_outcomes, f"{step} has no way out for a silent caller"
        for outcome in step_outcomes:
            assert _reaches_end(next_step(step, outcome, desk_open), desk_open, outcomes)


def _reaches_end(step: Step, desk_open: bool, outcomes: dict[Step, set[str]]) -> bool:
    seen: set[Step] = set()
    frontier = [step]
    while frontier:
        current = frontier.pop()
        if current is Step.END:
            return True
        if current in seen:
            continue
        seen.add(current)
        for outcome in outcomes.get(current, ()):
            try:
                frontier.append(next_step(current, outcome, desk_open))
            except LookupError:
                continue
    return False


def test_open_and_closed_branches_differ_only_where_routing_is_decided() -> None:
    assert next_step(Step.SEVERITY, "cumbersome", True) is Step.ROUTE
    assert next_step(Step.SEVERITY, "cumbersome", False) is Step.INTAKE
    assert next_step(Step.ROUTE, "no agent answered", True) is Step.INTAKE
    with pytest.raises(LookupError):
        next_step(Step.IMPACT, "everyone", True)
