"""What Twilio's status callbacks say became of a text message: pending, delivered, or not.

Every MessageStatus value Twilio documents
(twilio.com/docs/messaging/api/message-resource#message-status-values) has a deliberate outcome;
callbacks may arrive out of order, so a final status is never turned back into a pending one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ivr.models import OutboxMessage
from ivr.privacy import mask_number
from ivr.services.outbox import backoff
from ivr.twilio_errors import RETRY_HELPS

log = logging.getLogger(__name__)

PENDING, DELIVERED, UNDELIVERED, FAILED = "pending", "delivered", "undelivered", "failed"
PARTLY, CANCELED = "partially_delivered", "canceled"
FINAL = (DELIVERED, UNDELIVERED, FAILED, PARTLY, CANCELED)
MAX_DELIVERY_ATTEMPTS = 3  # sends of one message when Twilio's error says a retry can help

# MessageStatus -> what the line makes of it.
OUTCOME: dict[str, str | None] = {
    "queued": PENDING,  # waiting at Twilio to be sent
    "accepted": PENDING,  # a Messaging Service took it and chooses the sender
    "scheduled": PENDING,  # a Messaging Service sends it later
    "sending": PENDING,  # on its way to the carrier
    "sent": PENDING,  # the carrier has it; the handset may not yet
    "delivered": DELIVERED,  # the carrier confirmed delivery to the handset
    "read": DELIVERED,  # read receipt (channels that have one): delivered, and more
    "partially_delivered": PARTLY,  # some segments of a long message arrived
    "undelivered": UNDELIVERED,  # the carrier could not deliver it (ErrorCode says why)
    "failed": FAILED,  # Twilio could not send it at all (ErrorCode says why)
    "canceled": CANCELED,  # a scheduled message was canceled
    "receiving": None,  # inbound messages only: never one the line sent
    "received": None,
}


@dataclass(frozen=True)
class Report:
    message_sid: str
    status: str
    error_code: int | None


def apply(session: Session, message_id: int, report: Report, now: datetime) -> str:
    """Apply one status callback to the outbox message it is for; what was done (for the log)."""
    message = session.get(OutboxMessage, message_id)
    if message is None or not message.external_id or message.external_id != report.message_sid:
        return "not one of the line's messages"  # an old SID (a retry sent a new one) or a guess
    outcome = OUTCOME.get(report.status)
    if outcome is None:
        return f"ignored status {report.status!r}"
    if outcome == PENDING:
        if message.delivery_status not in FINAL:
            message.delivery_status = PENDING
        return "pending"
    message.delivery_status, message.delivery_error = outcome, report.error_code
    if outcome in (UNDELIVERED, FAILED):
        who = mask_number(message.recipient or "")
        code = report.error_code
        message.last_error = f"Twilio reports {outcome} (error {code})"
        if code in RETRY_HELPS and message.attempts < MAX_DELIVERY_ATTEMPTS:
            # Due again; the next send is a new Twilio message (this SID stays known).
            message.delivered_at = None
            message.next_attempt_at = now + backoff(message.attempts)
            log.warning("text message %s to %s %s (%s): sent again later", message.id, who,
                        outcome, code)  # fmt: skip
            return "retry"
        message.given_up_at = message.given_up_at or now
        log.warning("text message %s to %s %s (error %s)", message.id, who, outcome, code)
    return outcome
