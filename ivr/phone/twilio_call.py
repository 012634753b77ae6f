"""One inbound call, played the way Twilio's voice engine plays TwiML, verb by verb.

Semantics followed (Twilio's TwiML docs, twilio.com/docs/voice/twiml):
- `<Gather>`: nested `<Say>`/`<Play>` are heard first; with no input Twilio goes on to the next
  verb, unless `actionOnEmptyResult="true"`, when it requests the action without `Digits`.
- `<Record>`: the action gets `RecordingUrl`, `RecordingSid`, `RecordingDuration` and `Digits` (the
  finishing key, or `hangup`); when nothing was recorded Twilio goes on to the next verb. The
  recording status callback comes separately, in no guaranteed order with the action.
- `<Dial>`: the action gets `DialCallStatus`; without an action Twilio goes on to the next verb.
  A `url` on `<Number>`/`<Sip>`/`<Client>` is TwiML played to the called party before bridging.
- `<Enqueue>`: the waitUrl is requested (QueueTime, QueuePosition, ...) and played; when its
  TwiML ends the caller waits (`keep_waiting` requests it again). `<Leave>` in it, a bridge
  ending, or a hang-up request the `<Enqueue>`'s action with `QueueResult`. `<Dial><Queue>`
  names the queue an agent takes a caller from (the switchboard bridges them).
- Relative URLs resolve against the URL of the document that contained them. After the last
  verb, or `<Hangup>`, the call ends and the status callback reports `completed`.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field

from ivr.phone.transport import Transport, absolute

MAX_DOCUMENTS_WITHOUT_INPUT = 50
ANSWER_VERBS = {"Gather": "gather", "Record": "record", "Dial": "dial"}


class TwimlError(RuntimeError):
    """The app answered something Twilio could not play; says which step and URL."""


@dataclass
class Heard:
    kind: str  # say | play | pause | whisper | caller (what the caller did)
    text: str
    language: str = ""
    interruptible: bool = False  # inside a `<Gather>`: a key cuts it short (barge-in)


@dataclass
class TwilioCall:
    transport: Transport
    from_number: str = "+31612345678"
    to_number: str = "+31413741742"
    status_url: str = "/voice/status"
    incoming_url: str = "/voice/incoming"
    headers: Mapping[str, str] = field(default_factory=dict)
    call_sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))
    account_sid: str = "AC" + "0" * 32

    def __post_init__(self) -> None:
        self.transcript: list[Heard] = []
        self.dialled: list[str] = []
        self.whispers: list[str] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._since_input: list[Heard] = []
        self._pending: list[ET.Element] = []
        self._document_url = ""
        self._waiting: ET.Element | None = None
        self._ended = False
        self._seconds = 0
        self.queue_name: str | None = None
        self.heard_until_queued: list[Heard] = []  # what was said before `<Enqueue>`
        self.queue_seconds = 0
        self.bridged_to: str | None = None
        self._enqueue: ET.Element | None = None
        self._in_wait = False
        self._queue_sid = "QU" + secrets.token_hex(16)

    # The caller's side ---------------------------------------------------------------------

    def start(self) -> None:
        self._fetch(absolute(self.transport.base_url, self.incoming_url), {}, step="incoming")

    @property
    def waiting_for(self) -> str | None:
        if self._waiting is not None:
            return ANSWER_VERBS[self._waiting.tag]
        if self.bridged_to:
            return "agent"
        return "queue" if self._in_wait else None

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

    def _did(self, action: str) -> None:
        self.transcript.append(Heard("caller", action))

    def as_text(self) -> str:
        lines = []
        for h in self.transcript:
            tag = f"[{h.language}] " if h.language else ""
            lines.append(f"{h.kind:>7}: {tag}{h.text}")
        return "\n".join(lines)

    # Twilio's side -------------------------------------------------------------------------

    def _params(self, status: str = "in-progress") -> dict[str, str]:
        return {
            "AccountSid": self.account_sid,
            "CallSid": self.call_sid,
            "From": self.from_number,
            "To": self.to_number,
            "Caller": self.from_number,
            "Called": self.to_number,
            "CallStatus": status,
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }

    def _post(
        self,
        url: str,
        extra: Mapping[str, str],
        step: str,
        record: bool = True,
        status: str = "in-progress",
    ) -> str:
        params = {**self._params(status), **extra}
        if record:
            self.requests.append((url, params))
        reply = self.transport.post(url, params, self.headers)
        if reply.status != 200:
            raise TwimlError(f"{step}: {url} answered HTTP {reply.status}")
        try:
            root = ET.fromstring(reply.body)  # noqa: S314  the app's own TwiML
        except ET.ParseError as exc:
            raise TwimlError(f"{step}: {url} answered no XML: {reply.body[:200]!r}") from exc
        if root.tag != "Response":
            raise TwimlError(f"{step}: {url} answered <{root.tag}>, not <Response>")
        self._last_root = root
        return reply.body

    def _fetch(self, url: str, extra: Mapping[str, str], step: str) -> None:
        """Request a document and run it; its verbs replace whatever was left."""
        self._post(url, extra, step)
        self._document_url = url
        self._pending = list(self._last_root)
        self._run()

    def _run(self) -> None:
        self._waiting = None
        documents = 0
        while self._pending:
            verb = self._pending.pop(0)
            if verb.tag in ("Say", "Play", "Pause"):
                self._hear(verb)
            elif verb.tag in ANSWER_VERBS:
                for child in verb:
                    if verb.tag == "Gather" and child.tag in ("Say", "Play", "Pause"):
                        self._hear(child, interruptible=True)
                if verb.tag == "Dial":
                    self._ring(verb)
                self._waiting = verb
                return
            elif verb.tag == "Redirect":
                documents += 1
                if documents > MAX_DOCUMENTS_WITHOUT_INPUT:
                    raise TwimlError(f"redirect loop: more than {documents} documents in a row")
                url = self._url((verb.text or "").strip())
                self._post(url, {}, step="redirect")
                self._document_url = url
                self._pending = list(self._last_root)
            elif verb.tag in ("Hangup", "Reject"):
                self._end()
                return
            elif verb.tag in ("Enqueue", "Leave"):
                self._queue_verb(verb)
                return
            else:
                raise TwimlError(f"unknown verb <{verb.tag}> from {self._document_url}")
        if self._in_wait:
            return  # the waitUrl's TwiML played out: the caller waits for the next round
        self._end()

    def _queue_verb(self, verb: ET.Element) -> None:
        if verb.tag == "Enqueue":
            self.heard_until_queued = list(self._since_input)
            self._enqueue, self._in_wait = verb, True
            self.queue_name = (verb.text or "").strip()
            self._did(f"waits in queue {self.queue_name}")
            self._fetch_wait()
        elif self._in_wait:
            self._leave_queue("leave")
        else:
            raise TwimlError(f"<Leave> outside a queue from {self._document_url}")

    def _fetch_wait(self) -> None:
        verb = self._enqueue
        assert verb is not None
        self._fetch(
            self._url(verb.get("waitUrl") or ""),
            {
                "QueueSid": self._queue_sid,
                "QueueTime": str(self.queue_seconds),
                "QueuePosition": "1",
                "CurrentQueueSize": "1",
                "AvgQueueTime": "0",
                "MaxQueueSize": "100",
            },
            step="waitUrl",
        )

    def _leave_queue(self, result: str, hung_up: bool = False) -> None:
        verb = self._enqueue
        self._in_wait = False
        self._enqueue = None
        self.bridged_to = None
        if verb is None:
            return
        params = {"QueueResult": result, "QueueSid": self._queue_sid}
        params["QueueTime"] = str(self.queue_seconds)
        action = verb.get("action")
        if action and hung_up:  # requested, but nobody is left to hear its answer
            self._post(self._url(action), params, step=f"enqueue ({result})")
        elif action:
            self._fetch(self._url(action), params, step=f"enqueue ({result})")
        elif not hung_up:
            self._run()

    def _hear(self, verb: ET.Element, interruptible: bool = False) -> None:
        kind = verb.tag.lower()
        text = (verb.text or "").strip() if kind != "pause" else verb.get("length", "1")
        heard = Heard(kind, text, verb.get("language", ""), interruptible)
        self.transcript.append(heard)
        self._since_input.append(heard)

    def _ring(self, dial: ET.Element) -> None:
        """Twilio rings every noun at once; nothing is fetched until someone answers."""
        nouns = [child for child in dial if child.tag in ("Number", "Sip", "Client")]
        if not nouns and (dial.text or "").strip():
            self.dialled.append((dial.text or "").strip())
        for noun in nouns:
            self.dialled.append((noun.text or "").strip())
        for queue in dial.iter("Queue"):
            self.dialled.append("queue:" + (queue.text or "").strip())

    def _whisper(
        self, dial: ET.Element, answered_by: str | None, detected: str | None, keys: str
    ) -> None:
        """The answering party's `url` is played to them before the caller is bridged; a
        `<Gather>` in it is answered with `keys` and its action's TwiML played too."""
        nouns = [child for child in dial if child.tag in ("Number", "Sip", "Client")]
        chosen = [n for n in nouns if answered_by in (None, (n.text or "").strip())][:1]
        for noun in chosen:
            address = (noun.text or "").strip()
            if not noun.get("url"):
                continue
            params = {"ParentCallSid": self.call_sid, "CallStatus": "in-progress", "To": address}
            if noun.get("machineDetection") and detected:
                params["AnsweredBy"] = detected
            url = self._url(noun.get("url", ""))
            for _ in range(3):  # the url's document, then its Gather's action, at most
                body = self._post(url, params, step="whisper")
                root = ET.fromstring(body)  # noqa: S314  the app's own TwiML
                said = " ".join((s.text or "").strip() for s in root.iter("Say"))
                self.whispers.append(said)
                self.transcript.append(Heard("whisper", f"{address}: {said}"))
                gather = root.find("Gather")
                if gather is None or (not keys and gather.get("actionOnEmptyResult") != "true"):
                    break
                url = absolute(url, gather.get("action") or url)
                params = {**params, "Digits": keys} if keys else dict(params)
                self.transcript.append(Heard("whisper", f"{address}: presses {keys or 'nothing'}"))

    def _answer_gather(self, params: Mapping[str, str]) -> None:
        verb = self._expect("Gather")
        self._act(verb, params, step="gather")

    def _act(self, verb: ET.Element, params: Mapping[str, str], step: str) -> None:
        self._since_input = []
        self._fetch(self._url(verb.get("action") or self._document_url), params, step)

    def _continue_after(self, verb: ET.Element) -> None:
        self._since_input = []
        self._waiting = None
        self._run()

    def _expect(self, *tags: str) -> ET.Element:
        if self._waiting is None or self._waiting.tag not in tags:
            now = "nothing (the call ended)" if self._ended else self.waiting_for
            raise TwimlError(f"expected <{'|'.join(tags)}> but the call waits for {now}")
        return self._waiting

    def _recording(self, duration: int) -> dict[str, str]:
        sid = "RE" + secrets.token_hex(16)
        return {
            "RecordingSid": sid,
            "RecordingDuration": str(duration),
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/"
            f"{self.account_sid}/Recordings/{sid}",
        }

    def _recording_callback(
        self, verb: ET.Element, recording: Mapping[str, str], status: str = "completed"
    ) -> None:
        url = verb.get("recordingStatusCallback")
        if url:
            self._post(
                self._url(url),
                {
                    **recording,
                    "RecordingStatus": status,
                    "RecordingChannels": "1",
                    "RecordingSource": "RecordVerb",
                },
                step="recording status callback",
            )

    def _url(self, url: str) -> str:
        return absolute(self._document_url or self.transport.base_url, url)

    def _end(self) -> None:
        """Whoever hung up, Twilio reports the completed call to the status callback once."""
        self._waiting = None
        self._pending = []
        if not self._ended:
            self._ended = True
            self._status_callback()

    def _status_callback(self) -> None:
        self._post(
            absolute(self.transport.base_url, self.status_url),
            {"CallDuration": str(self._seconds or 60)},
            step="status callback",
            status="completed",
        )
