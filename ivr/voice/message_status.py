"""The status callback of the line's text messages: Twilio reports what became of each one."""

from __future__ import annotations

import logging

from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from ivr.services import delivery
from ivr.voice import bounded
from ivr.voice.blueprint import bp
from ivr.voice.context import field, now, queue_database
from ivr.voice.twiml import twiml

log = logging.getLogger(__name__)

MAX_ERROR_CODE = 99999  # Twilio's error codes have five digits (twilio.com/docs/api/errors)


@bp.post("/message/status")
def message_status() -> Response:
    """Signed like every /voice webhook; answered with an empty document, whatever happened."""
    message_id = request.args.get("message", "")
    report = delivery.Report(
        message_sid=field("MessageSid") or field("SmsSid"),
        status=field("MessageStatus") or field("SmsStatus"),
        error_code=bounded.whole("ErrorCode", MAX_ERROR_CODE),
    )
    if message_id.isascii() and message_id.isdigit() and len(message_id) < 12:
        try:
            with queue_database().sessions.begin() as session:
                done = delivery.apply(session, int(message_id), report, now())
        except SQLAlchemyError as exc:
            # Twilio retries a callback that failed; the message stays as it was meanwhile.
            log.error("message status not kept: database unavailable (%s)", type(exc).__name__)
            done = "not kept"
        log.info("message %s status %s: %s", message_id, report.status, done)
    return twiml(VoiceResponse())
