"""Twilio's side of one inbound call: fetch the app's TwiML, play it verb by verb, post back.

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
class TwimlEngine:
    """The call's state as Twilio keeps it, and how Twilio moves on (`TwilioCall`: the caller)."""

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

    @property
    def waiting_for(self) -> str | None:
        if self._waiting is not None:
            return ANSWER_VERBS[self._waiting.tag]
        if self.bridged_to:
            return "agent"
        return "queue" if self._in_wait else None

    def _did(self, action: str) -> None:
        self.transcript.append(Heard("caller", action))

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
