"""Every value Twilio documents for the fields the line's webhooks read, each with its page.

One table (`VALUES`): a row is (field, value, source). The contract tests drive every webhook
that reads a field with every one of its values, signed, and the fake Twilio
(ivr/phone/fake_twilio.py, ivr/phone/switchboard.py) emits each of them.
"""

from __future__ import annotations

from typing import NamedTuple


class Value(NamedTuple):
    field: str
    value: str
    source: str


TWIML_REQUEST = "https://www.twilio.com/docs/voice/twiml#callstatus-values"
DIAL = "https://www.twilio.com/docs/voice/twiml/dial#dialcallstatus-values"
ENQUEUE = "https://www.twilio.com/docs/voice/twiml/enqueue#attributes-action-parameters"
AMD = "https://www.twilio.com/docs/voice/answering-machine-detection#webhook-parameters"
RECORD = "https://www.twilio.com/docs/voice/twiml/record#attributes-recording-status-callback"
RECORD_ACTION = "https://www.twilio.com/docs/voice/twiml/record#attributes-action-parameters"
GATHER = "https://www.twilio.com/docs/voice/twiml/gather#action"
MESSAGE = "https://www.twilio.com/docs/messaging/api/message-resource#message-status-values"

VALUES: tuple[Value, ...] = (
    *(
        Value("CallStatus", v, TWIML_REQUEST)
        for v in (
            "queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer",
            "canceled",
        )
    ),
    *(
        Value("DialCallStatus", v, DIAL)
        for v in ("completed", "answered", "busy", "failed", "no-answer", "canceled")
    ),
    *(
        Value("QueueResult", v, ENQUEUE)
        for v in (
            "bridged", "bridging-in-process", "error", "hangup", "leave", "redirected",
            "redirected-from-bridged", "queue-full", "system-error",
        )
    ),
    *(
        Value("AnsweredBy", v, AMD)
        for v in (
            "human", "machine_start", "machine_end_beep", "machine_end_silence",
            "machine_end_other", "fax", "unknown",
        )
    ),
    *(
        Value("RecordingStatus", v, RECORD)
        for v in ("in-progress", "completed", "absent", "failed")
    ),
    # The finishing key of <Record>, or "hangup" when the caller hung up to end it.
    *(Value("Digits", v, RECORD_ACTION) for v in ("hangup", "#", "*")),
    # <Gather>: no key (actionOnEmptyResult) and the two keys that are not digits.
    *(Value("Digits", v, GATHER) for v in ("", "#", "*")),
    Value("SpeechResult", "", GATHER),
    Value("SpeechResult", "ja", GATHER),
    Value("Confidence", "", GATHER),
    Value("Confidence", "0.0", GATHER),
    Value("Confidence", "0.93", GATHER),
    # A text message's StatusCallback, /voice/message/status (test_message_delivery.py).
    *(
        Value("MessageStatus", v, MESSAGE)
        for v in (
            "queued", "sending", "sent", "failed", "delivered", "undelivered", "receiving",
            "received", "accepted", "scheduled", "read", "partially_delivered", "canceled",
        )
    ),
)  # fmt: skip


def values_of(field: str) -> list[str]:
    """The documented values of `field`, each once, in the table's order."""
    seen: list[str] = []
    for row in VALUES:
        if row.field == field and row.value not in seen:
            seen.append(row.value)
    return seen
