"""The expected wait counts from the agents really free: a caller whose agent's phone rings
hears that an agent is being called, not "about 3 minutes"; one behind busy agents hears the
minutes. In Dutch and German."""

from __future__ import annotations

from datetime import timedelta

from ivr.domain.queueing import NOW, expected_wait
from tests.voice.conftest import Line


def queued(line: Line, number: str, keys: str):  # type: ignore[no-untyped-def]
    call = line.caller(number)
    call.start()
    for key in keys:
        call.press(key)
    assert call.queued, call.as_text()
    return call


def test_next_in_line_with_free_agents_hears_an_agent_is_being_called(
    line: Line, agents: None
) -> None:
    call = queued(line, "+31612000001", "12")
    assert "U bent nummer 1 in de wachtrij." in call.heard
    assert "Er wordt nu een medewerker voor u gebeld." in call.heard
    assert "wachttijd" not in call.heard
    call.keep_waiting()
    assert "Er wordt nu een medewerker voor u gebeld." in call.heard and "minut" not in call.heard
    german = queued(line, "+4915100000002", "22")
    assert "Ein Mitarbeiter wird jetzt für Sie angerufen." in german.heard
    assert "Wartezeit" not in german.heard


def test_behind_busy_agents_the_minutes_count_from_them(line: Line, agents: None) -> None:
    first = queued(line, "+31612000001", "12")
    line.board.pump()  # Anouk, the only Dutch speaker, takes the first caller
    assert first.bridged_to
    second = queued(line, "+31612000002", "12")
    assert "U bent nummer 1 in de wachtrij." in second.heard
    assert "De verwachte wachttijd is ongeveer" in second.heard
    assert "Er wordt nu een medewerker" not in second.heard


def test_the_estimate_serves_free_agents_first_then_rounds_of_all() -> None:
    assert expected_wait(1, 2, 360, free=2) == NOW
    assert expected_wait(2, 2, 360, free=2) == NOW
    assert expected_wait(1, 2, 360, being_called=True) == NOW
    assert expected_wait(3, 2, 360, free=1) == timedelta(seconds=180)  # 2 ahead for 2 agents
    assert expected_wait(4, 2, 360, free=1) == timedelta(seconds=540)
    assert expected_wait(1, 1, 360) == timedelta(seconds=180)  # busy: halfway through a call
    assert expected_wait(1, 0, 360, free=0) is None
