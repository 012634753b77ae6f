"""Twilio's voice side for tests and simulations: callers in queues and the agents' phones.

The line places offers through the fake REST API (`ivr.phone.fake_twilio`); `pump` rings each
new call the way the agent's phone behaves (answers and presses 1, declines, a voicemail that
answers and says nothing, no answer, busy, a phone that fails), plays the TwiML with the same
`TwilioCall` that plays the callers, and posts the status callbacks Twilio would post, signed.
An agent's `<Dial><Queue>` bridges them to the caller waiting in that queue; `finish` ends the
conversation on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ivr.phone.fake_twilio import FakeCall, FakeTwilio
from ivr.phone.transport import Transport, absolute
from ivr.phone.twilio_call import TwilioCall

ACCEPT, DECLINE, VOICEMAIL = "accept", "decline", "voicemail"
NO_ANSWER, BUSY, FAIL = "no-answer", "busy", "failed"
ANSWER = "answer"  # answers and hears the whisper; the test presses (or not) on `legs[sid]`
BEHAVIOURS = (ACCEPT, DECLINE, VOICEMAIL, NO_ANSWER, BUSY, FAIL, ANSWER)
DIAL_OUTCOMES = ("completed", NO_ANSWER, BUSY, FAIL)  # Twilio's DialCallStatus values
# A callback answered by a mailbox: Twilio's detection says so (AnsweredBy), or it cannot tell
# ("unknown") and the greeting talks but presses nothing. Both are "completed" to the <Dial>.
MAILBOX, SILENT_MAILBOX = "voicemail", "voicemail-undetected"
# A browser agent (`client:anna`, the console's softphone; issue 27): Accept answers the call,
# which is the screening (Twilio fetches the offer's url: twilio.com/docs/voice/sdks/javascript
# /twiliocall#callaccept); Decline rejects it, which Twilio reports as busy (github.com/twilio/
# voice-quickstart-ios/issues/238); a browser has no voicemail: unanswered, it rings out.
CLIENT = "client:"
BROWSER_PLAYS = {DECLINE: BUSY, VOICEMAIL: NO_ANSWER}
CALLEE_OUTCOMES = (*DIAL_OUTCOMES, MAILBOX, SILENT_MAILBOX)


@dataclass
class AgentLeg(TwilioCall):
    """An outbound call the line placed through the REST API, as Twilio plays it."""

    direction: str = "outbound-api"

    def _params(self, status: str = "in-progress") -> dict[str, str]:
        return {**super()._params(status), "Direction": self.direction}

    def not_answered(self, status: str) -> None:
        """The phone never answered: only the status callback comes, with `status`."""
        self._ended = True
        self._post(
            absolute(self.transport.base_url, self.status_url),
            {"CallDuration": "0"},
            step="status callback",
            status=status,
        )


@dataclass
class Connection:
    agent: str
    caller: TwilioCall
    leg: AgentLeg


@dataclass
class Switchboard:
    fake: FakeTwilio
    transport: Transport
    line_number: str = "+31413741742"
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.phones: dict[str, list[str]] = {}
        self.callers: dict[str, TwilioCall] = {}
        self.rung: list[tuple[str, str]] = []  # (agent number, what the phone did)
        self.connected: list[tuple[str, str]] = []  # (agent number, caller's CallSid)
        self.live: dict[str, Connection] = {}  # by agent number
        self.legs: dict[str, AgentLeg] = {}  # by CallSid: what each agent's phone heard
        self.callees: dict[str, list[str]] = {}  # callback callers' numbers: how they answer
        self._handled: set[str] = set()
        self._followed: dict[str, int] = {}  # REST redirects of each agent's call played

    def phone(self, number: str, *behaviours: str) -> None:
        """How `number` answers its next offers, in order; the last one repeats."""
        unknown = set(behaviours) - set(BEHAVIOURS)
        if unknown or not behaviours:
            raise ValueError(f"behaviours are {BEHAVIOURS}, not {sorted(unknown)}")
        self.phones[number] = list(behaviours)

    def callee(self, number: str, *outcomes: str) -> None:
        """How a callback caller at `number` answers the agent's `<Dial>`, attempt by attempt
        (the last repeats): "completed" answers (a person, who presses 1); "no-answer", "busy",
        "failed" do not; "voicemail" and "voicemail-undetected" are a mailbox that answers."""
        unknown = set(outcomes) - set(CALLEE_OUTCOMES)
        if unknown or not outcomes:
            raise ValueError(f"outcomes are {CALLEE_OUTCOMES}, not {sorted(unknown)}")
        self.callees[number] = list(outcomes)

    def call(self, from_number: str) -> TwilioCall:
        """A caller dials the line; the switchboard knows them when an agent dequeues them."""
        caller = TwilioCall(
            self.transport, from_number=from_number, to_number=self.line_number,
            headers=self.headers,
        )  # fmt: skip
        self.callers[caller.call_sid] = caller
        return caller

    def pump(self, rounds: int = 50) -> int:
        """Play every call the line has placed and not been played yet; how many were played."""
        played = 0
        self.sync_queues()
        self.follow_redirects()
        for _ in range(rounds):
            with self.fake.lock:
                new = [c for c in self.fake.calls.values() if c.sid not in self._handled]
            if not new:
                break
            for call in new:
                self._handled.add(call.sid)
                self._ring(call)
                played += 1
        return played

    def sync_queues(self) -> None:
        """Twilio's side of `<Enqueue>`: each caller's queue exists, with them in it or empty."""
        for caller in self.callers.values():
            if caller.queue_name:
                self.fake.set_queue(caller.queue_name, 1 if caller.queued else 0)

    def follow_redirects(self) -> None:
        """Agents' calls the line redirected through the REST API play their new TwiML."""
        for sid, leg in self.legs.items():
            with self.fake.lock:
                call = self.fake.calls.get(sid)
                done = self._followed.get(sid, 0)
                pending = list(call.redirects[done:]) if call is not None else []
                self._followed[sid] = done + len(pending)
            for url in pending:
                leg.redirected(url)
            if pending and leg.waiting_for is None and call is not None:
                self.fake.set_status(sid, "completed")

    def finish(self, agent: str) -> None:
        """The agent's conversation ends: both legs hang up, Twilio reports both."""
        connection = self.live.pop(agent)
        connection.leg.dial_outcome("completed", duration=180)
        self.fake.set_status(connection.leg.call_sid, "completed")
        connection.caller.unbridge()

    def finish_all(self) -> None:
        for agent in list(self.live):
            self.finish(agent)

    def _behaviour(self, number: str) -> str:
        return _next(self.phones, number, ACCEPT)

    def _ring(self, call: FakeCall) -> None:
        leg = AgentLeg(
            self.transport, from_number=call.from_, to_number=call.to,
            incoming_url=call.url, status_url=call.status_callback, call_sid=call.sid,
            account_sid=call.account_sid, headers=self.headers,
        )  # fmt: skip
        self.legs[call.sid] = leg
        if call.status not in ("queued", "ringing"):  # the line withdrew it before it rang
            self.rung.append((call.to, "withdrawn"))
            leg.not_answered("canceled")
            return
        behaviour = self._behaviour(call.to)
        self.rung.append((call.to, behaviour))
        if call.to.startswith(CLIENT):
            behaviour = BROWSER_PLAYS.get(behaviour, behaviour)
        if behaviour in (NO_ANSWER, BUSY, FAIL):
            self.fake.set_status(call.sid, behaviour)
            leg.not_answered(behaviour)
            return
        self.fake.set_status(call.sid, "in-progress")
        leg.start()
        if behaviour == ANSWER:
            return  # the whisper plays; the test answers it on `legs[call.sid]`
        if leg.waiting_for == "gather":
            if behaviour == ACCEPT:
                leg.press("1")
            elif behaviour == DECLINE:
                leg.press("2")
            else:
                leg.silence()  # a voicemail greeting: talk, but no key
        if leg.waiting_for == "dial":
            self._connect(call.to, leg)
        if leg.waiting_for is None:
            self.fake.set_status(call.sid, "completed")

    def _connect(self, agent: str, leg: AgentLeg) -> None:
        queues = [d.removeprefix("queue:") for d in leg.dialled if d.startswith("queue:")]
        if not queues:  # a callback: the agent's <Dial> rings the caller
            number = leg.dialled[-1] if leg.dialled else "?"
            outcome = _next(self.callees, number, "completed")
            if outcome in (MAILBOX, SILENT_MAILBOX):
                detected = "machine_end_beep" if outcome == MAILBOX else "unknown"
                leg.dial_outcome("completed", duration=30, detected=detected, keys="")
                return
            leg.dial_outcome(outcome, duration=120, detected="human")
            if outcome == "completed":
                self.connected.append((agent, number))
            return
        caller = self.callers.get(queues[-1])
        if caller is None or not caller.queued:
            leg.dial_outcome("no-answer")  # nobody in that queue any more: the Dial times out
            return
        caller.bridge(agent, leg.waiting_attributes_of("Queue").get("url"), leg.call_sid)
        self.connected.append((agent, caller.call_sid))
        self.live[agent] = Connection(agent, caller, leg)


def _next(plans: dict[str, list[str]], number: str, default: str) -> str:
    """The next planned behaviour of `number`; the last one repeats."""
    planned = plans.get(number, [default])
    return planned.pop(0) if len(planned) > 1 else planned[0]
