"""One inbound call, played the way Twilio's voice engine plays TwiML: the caller's side.

The caller presses, speaks, records, waits and hangs up here; `ivr.phone.twiml_engine` plays
each TwiML document and posts what Twilio would post (its docstring lists the semantics).
"""

from __future__ import annotations

import secrets

from ivr.phone.transport import absolute
from ivr.phone.twiml_engine import Heard, TwimlEngine, TwimlError

__all__ = ["Heard", "TwilioCall", "TwimlError"]


class TwilioCall(TwimlEngine):
    """One inbound call: `start()` it, then act as the caller; `transcript` is what happened."""

    def start(self) -> None:
        self._fetch(absolute(self.transport.base_url, self.incoming_url), {}, step="incoming")

    @property
    def queued(self) -> bool:
        """In a queue (hearing the waitUrl's TwiML, or between two of them)."""
        return self._in_wait and not self._ended

    def keep_waiting(self, seconds: int = 45) -> None:
        """Stay on the line: the round's `<Gather>` gets no key; the waitUrl is requested again."""
        if self._waiting is not None and self._waiting.tag == "Gather" and self._in_wait:
            self._did("keeps waiting")
            self._since_input = []
            self._waiting = None
        if not self.queued or self._waiting is not None:
            raise TwimlError(
                f"expected to wait in a queue but the call waits for {self.waiting_for}"
            )
        self.queue_seconds += seconds
        self._fetch_wait()

    def bridge(self, other: str, url: str | None = None, dequeuer: str = "") -> None:
        """Twilio dequeued this caller to `other` (an agent's `<Dial><Queue>`); the `<Queue>`
        noun's `url` is requested on this caller's leg first (twilio.com/docs/voice/twiml/queue)."""
        self._in_wait = False
        self._waiting = None
        self._pending = []
        self.bridged_to = other
        if url:
            self._post(
                self._url(url),
                {
                    "QueueSid": self._queue_sid,
                    "QueueTime": str(self.queue_seconds),
                    "DequeingCallSid": dequeuer,
                },
                step="queue url",
            )
        self._did(f"is put through to {other}")

    def redirected(self, url: str) -> None:
        """A REST update sent this call to `url`: what it was doing stops, that TwiML plays."""
        if self._ended:
            return
        self._did("is redirected")
        self._since_input = []
        self._fetch(self._url(url), {}, step="redirect (REST)")

    def leave_queue(self, result: str) -> None:
        """Twilio took the caller out of the queue with `result` (every documented QueueResult:
        tests/contract/twilio_values.py); the `<Enqueue>`'s action decides what comes next."""
        if self._enqueue is None:
            raise TwimlError(f"expected a call in a queue; it waits for {self.waiting_for}")
        self._waiting = None
        self._pending = []
        self._since_input = []
        self._leave_queue(result)

    def unbridge(self) -> None:
        """The conversation ended: the `<Enqueue>`'s action learns it was bridged."""
        self.bridged_to = None
        self._leave_queue("bridged")

    @property
    def heard(self) -> str:
        """What the caller heard since the last answer, as one text."""
        return " ".join(h.text for h in self._since_input if h.kind in ("say", "play"))

    @property
    def waiting_input(self) -> str:
        """What the waiting `<Gather>` listens for: "dtmf speech", "speech", ..."""
        return "" if self._waiting is None else self._waiting.get("input", "dtmf")

    @property
    def waiting_attributes(self) -> dict[str, str]:
        """The waiting verb's TwiML attributes, as the app wrote them."""
        return {} if self._waiting is None else dict(self._waiting.attrib)

    def waiting_attributes_of(self, noun: str) -> dict[str, str]:
        """The attributes of the waiting verb's first `noun` (e.g. a `<Dial>`'s `<Queue>`)."""
        found = None if self._waiting is None else next(self._waiting.iter(noun), None)
        return {} if found is None else dict(found.attrib)

    @property
    def heard_items(self) -> list[Heard]:
        """What the caller heard since the last answer, item by item."""
        return list(self._since_input)

    @property
    def last_language(self) -> str:
        said = [h for h in self.transcript if h.kind == "say"]
        return said[-1].language if said else ""

    def press(self, digits: str) -> None:
        self._expect("Gather")
        self._did(f"presses {digits}")
        self._answer_gather({"Digits": digits})

    def speak(self, text: str, confidence: float = 0.9) -> None:
        self._expect("Gather")
        self._did(f'says "{text}"')
        self._answer_gather({"SpeechResult": text, "Confidence": f"{confidence:.2f}"})

    def silence(self) -> None:
        verb = self._expect("Gather", "Record")
        self._did("says nothing")
        if verb.tag == "Record":
            self._continue_after(verb)
            return
        if verb.get("actionOnEmptyResult") == "true":
            self._act(verb, {}, step="gather (no input)")
        else:
            self._continue_after(verb)

    def record(
        self,
        duration: int = 10,
        callback_first: bool = False,
        key: str = "#",
        words: str | None = None,
        status: str = "completed",
    ) -> None:
        """The caller speaks and ends with `key`; the status callback says `status`."""
        verb = self._expect("Record")
        if words:
            self._did(f'says "{words}"')
        self._did(f"speaks for {duration} s, then presses {key}")
        recording = self._recording(duration)
        if callback_first:
            self._recording_callback(verb, recording, status)
        self._act(verb, {**recording, "Digits": key}, step="record")
        if not callback_first:
            self._recording_callback(verb, recording, status)

    def dial_outcome(
        self,
        status: str,
        duration: int = 60,
        answered_by: str | None = None,
        *,
        detected: str | None = None,
        keys: str = "1",
    ) -> None:
        """The `<Dial>` ends with `status`; on "completed" the first (or named) party answered.

        `detected` is the AnsweredBy that Twilio's answering-machine detection sends with the
        answering party's `url` request (when its noun asks for `machineDetection`); `keys` is
        what that party presses at a `<Gather>` of the url's TwiML ("" presses nothing).
        """
        verb = self._expect("Dial")
        self._did(f"the dialled party: {status}")
        answered = status in ("completed", "answered")
        if answered:
            self._whisper(verb, answered_by, detected, keys)
        params = {
            "DialCallStatus": status,
            "DialCallSid": "CA" + secrets.token_hex(16),
            "DialCallDuration": str(duration if answered else 0),
        }
        if verb.get("action"):
            self._act(verb, params, step="dial")
        else:
            self._continue_after(verb)

    def hang_up(self, recorded_seconds: int | None = None) -> None:
        """The caller hangs up now: Twilio finishes a running `<Record>`, then reports the end."""
        if self._ended:
            return
        self._did("hangs up")
        verb = self._waiting
        if verb is not None and verb.tag == "Record" and recorded_seconds:
            recording = self._recording(recorded_seconds)
            self._post(
                self._url(verb.get("action") or self._document_url),
                {**recording, "Digits": "hangup"},
                step="record (hang-up)",
            )
            self._recording_callback(verb, recording)
        elif self._enqueue is not None:
            self._leave_queue("bridged" if self.bridged_to else "hangup", hung_up=True)
        elif verb is not None and verb.tag == "Dial" and verb.get("action"):
            self._post(
                self._url(verb.get("action", "")),
                {"DialCallStatus": "canceled"},
                step="dial (hang-up)",
            )
        self._end()

    def replay_last(self) -> None:
        """Twilio retried the last request (a timeout on its side): post it again, ignore it."""
        url, params = self.requests[-1]
        self._post(url, params, step="replay", record=False)

    def as_text(self) -> str:
        lines = []
        for h in self.transcript:
            tag = f"[{h.language}] " if h.language else ""
            lines.append(f"{h.kind:>7}: {tag}{h.text}")
        return "\n".join(lines)
