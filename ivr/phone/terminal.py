"""A phone in the terminal: plays a call through `TwilioCall`, printing what is heard.

Interactive, it asks the person at the keyboard at every `<Gather>`, `<Record>` and `<Dial>`.
Unattended, it answers from a script (`--keys`, `--say`) and takes the defaults for the rest;
when the script runs out at a menu it stays silent, as a caller who says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ivr.phone.switchboard import Switchboard
from ivr.phone.twilio_call import Heard, TwilioCall

KEYS = re.compile(r"^[0-9*#]+$")
DIAL_OUTCOMES = ("completed", "no-answer", "busy", "failed")
SAY_PREFIX = "say:"


@dataclass
class Script:
    """Answers given in order at each menu: keys ("1", "*"), or "say:<words>" for speech."""

    answers: list[str] = field(default_factory=list)
    recording_seconds: int = 20
    dial_outcome: str = "completed"
    recording_text: str | None = None

    def next_answer(self) -> str | None:
        return self.answers.pop(0) if self.answers else None


def keys_to_answers(keys: str) -> list[str]:
    """ "2,1,1" -> one answer per menu."""
    return [k.strip() for k in keys.split(",") if k.strip()]


def seconds_to_say(words: str) -> int:
    return max(2, len(words.split()) // 2)  # about two words a second


class EndOfInput(Exception):
    """The person at the keyboard ended the input (Ctrl-D): the caller puts the phone down."""


Ask = Callable[[str], str]
Show = Callable[[str], None]


@dataclass
class TerminalPhone:
    """Runs one call to its end; `ask` is None when unattended."""

    call: TwilioCall
    show: Show
    script: Script
    ask: Ask | None = None
    shown: int = 0
    board: Switchboard | None = None  # simulated agents' phones, in-process
    max_rounds_waiting: int = 20

    def run(self, max_turns: int = 100) -> None:
        self.show(f"calling {self.call.transport.base_url} from {self.call.from_number} ...")
        if self.board is not None:  # the simulated agents' queue calls reach this caller
            self.board.callers[self.call.call_sid] = self.call
        self.call.start()
        for _ in range(max_turns):
            self._print_new()
            if self.call.waiting_for is None:
                break
            try:
                self._answer(self.call.waiting_for)
            except EndOfInput:
                self.call.hang_up()
                break
        else:
            self.show(f"hanging up after {max_turns} turns")
            self.call.hang_up()
        self._print_new()
        self.show("call ended")

    def _answer(self, waiting_for: str) -> None:
        if waiting_for == "gather":
            self._gather()
        elif waiting_for == "record":
            self._record()
        elif waiting_for == "queue":
            self._wait()
        elif waiting_for == "agent":
            self._talk()
        else:
            self._dial()

    def _wait(self) -> None:
        """In the queue: the simulated agents' phones ring; if nobody took the call, wait on."""
        if self.board is not None:
            legs = len(self.board.legs)
            self.board.pump()
            for leg in list(self.board.legs.values())[legs:]:
                said = " ".join(h.text for h in leg.transcript if h.kind == "say")
                what = dict(self.board.rung).get(leg.to_number, "")
                self.show(f"  [agent {leg.to_number} phone: {what}] {said}".rstrip())
        if self.call.waiting_for != "queue":
            return
        self.max_rounds_waiting -= 1
        if self.max_rounds_waiting <= 0:
            self.call.hang_up()
            return
        self.call.keep_waiting()

    def _talk(self) -> None:
        agent = self.call.bridged_to or "?"
        self.show(f"  ... talking with {agent}; the agent hangs up")
        if self.board is not None and agent in self.board.live:
            self.board.finish(agent)
        else:
            self.call.hang_up()

    def _gather(self) -> None:
        answer = self.script.next_answer()
        if answer is None and self.ask is not None:
            typed = self.ask("keys, or words to say (empty: silence, 'hangup' ends the call)")
            answer = typed.strip()
            if answer and not KEYS.match(answer) and answer != "hangup":
                answer = SAY_PREFIX + answer
        if not answer:
            self.call.silence()
        elif answer == "hangup":
            self.call.hang_up()
        elif answer.startswith(SAY_PREFIX):
            self.call.speak(answer.removeprefix(SAY_PREFIX))
        else:
            self.call.press(answer)

    def _record(self) -> None:
        seconds = self.script.recording_seconds
        words = self.script.recording_text
        if words:
            self.call.record(duration=seconds_to_say(words), words=words)
            return
        if self.ask is not None:
            said = self.ask("what do you say for the recording (empty: nothing, 'hangup')")
            if said.strip() == "hangup":
                self.call.hang_up(recorded_seconds=seconds)
                return
            if not said.strip():
                self.call.silence()
                return
            self.call.record(duration=seconds_to_say(said), words=said.strip())
            return
        self.call.record(duration=seconds)

    def _dial(self) -> None:
        outcome = self.script.dial_outcome
        if self.ask is not None:
            choices = "/".join(DIAL_OUTCOMES)
            typed = self.ask(f"the agent's phone rings: {choices}").strip()
            outcome = typed if typed in DIAL_OUTCOMES else outcome
        self.call.dial_outcome(outcome)

    def _print_new(self) -> None:
        for heard in self._new():
            self.show(describe(heard))

    def _new(self) -> Iterator[Heard]:
        new = self.call.transcript[self.shown :]
        self.shown = len(self.call.transcript)
        return iter(new)


def describe(heard: Heard) -> str:
    if heard.kind == "say":
        return f"  [{heard.language or '?'}] {heard.text}"
    if heard.kind == "play":
        return f"  [plays] {heard.text}"
    if heard.kind == "pause":
        return f"  ... ({heard.text} s)"
    if heard.kind == "whisper":
        return f"  [agent hears] {heard.text}"
    return f"  > {heard.text}"
