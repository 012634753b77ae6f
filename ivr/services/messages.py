"""Text messages to callers: queued in the outbox by what caused them, sent through Twilio.

A message is queued in the same transaction as its cause (the report completed, a status update,
the resolution, a disruption's end), with a key naming that cause: queueing it twice is a no-op.
`send_due` claims each due message with a lease (ivr/services/outbox.py), so two senders never
send one message, and retries with back-off while Twilio is down or failing. Messages go only to
numbers that can receive them (mobile, by `phonenumbers`), only when `MESSAGES_FROM` is set, in the
caller's language, and never to a caller who said no in a call (remembered by a keyed hash).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from ivr.domain.reference import group
from ivr.i18n import DEFAULT_LOCALE, LOCALES, render
from ivr.models import DEFAULT_DESK, Incident, MessageOptOut, OutboxMessage
from ivr.privacy import caller_key, mask_number
from ivr.prompts import Prompt
from ivr.services import line_alerts
from ivr.services.delivery import FAILED, PENDING, UNDELIVERED
from ivr.services.outbox import Pass, backoff, claim
from ivr.twilio_errors import account_fault
from ivr.twilio_rest import TwilioRest, TwilioUnavailable

log = logging.getLogger(__name__)

CHANNEL = "sms"
MOBILE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
BATCH = 50


@dataclass(frozen=True)
class Messaging:
    """What queueing needs to know: the sender (empty: no messages), the caller-key secret and
    the desk whose sender sends it (issue 26)."""

    sender: str
    secret: str
    desk: str = DEFAULT_DESK

    @property
    def enabled(self) -> bool:
        return bool(self.sender)


def can_receive(number: str | None) -> bool:
    """A valid mobile number (E.164); landlines, SIP addresses and withheld numbers cannot."""
    if not number or not number.startswith("+"):
        return False
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in MOBILE


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def opt_out(session: Session, key: str, at: datetime) -> None:
    """Remember a caller's no (by keyed hash); saying it twice is the same no."""
    statement = _insert(session)(MessageOptOut).values(caller_key=key, created_at=at)
    session.execute(statement.on_conflict_do_nothing())


def opted_out(session: Session, messaging: Messaging, number: str) -> bool:
    key = caller_key(number, messaging.secret)
    return (
        session.scalar(select(MessageOptOut.id).where(MessageOptOut.caller_key == key)) is not None
    )


def queue(
    session: Session,
    messaging: Messaging,
    *,
    to: str | None,
    language: str | None,
    template: Prompt,
    key: str,
    now: datetime,
    incident_id: int | None = None,
    **params: object,
) -> bool:
    """Queue `template` (filled with `params`) for `to` in `language`, once per `key`; False
    when it is not to be sent (no sender, not a mobile number, the caller said no)."""
    if not messaging.enabled or not can_receive(to) or opted_out(session, messaging, to or ""):
        return False
    language = language if language in LOCALES else DEFAULT_LOCALE
    body = render(template, language, **params)
    statement = _insert(session)(OutboxMessage).values(
        channel=CHANNEL,
        incident_id=incident_id,
        event=template.id,
        payload=json.dumps({"body": body}, ensure_ascii=False),
        recipient=to,
        language=language,
        desk=messaging.desk,
        dedupe_key=key,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.execute(statement.on_conflict_do_nothing(index_elements=["dedupe_key"]))
    return True


def queue_for_caller(
    session: Session,
    messaging: Messaging,
    incident: Incident,
    *,
    template: Prompt,
    key: str,
    now: datetime,
    **params: object,
) -> bool:
    """`queue` for the caller of `incident`: to its callback number in its language, with its
    reference (`{reference}`, grouped as it is read) among `params`."""
    return queue(
        session,
        messaging,
        to=incident.callback_number,
        language=incident.language,
        template=template,
        key=key,
        now=now,
        incident_id=incident.id,
        reference=group(incident.reference),
        **params,
    )


def send_due(
    sessions: sessionmaker[Session],
    rest: TwilioRest,
    sender: str | Mapping[str, str],
    now: datetime,
    public_url: str = "",
) -> Pass:
    """One pass over the text messages that are due. Safe to run in several processes at once.
    With the line's `public_url`, each message asks Twilio for its delivery reports. `sender`:
    one number, or the number per desk key (a row's desk picks it; issue 26)."""
    with sessions() as session:
        due = session.execute(
            select(OutboxMessage.id, OutboxMessage.desk)
            .where(
                OutboxMessage.channel == CHANNEL,
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.given_up_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(BATCH)
        ).all()
    sent = failed = 0
    for message_id, desk in due:
        from_number = _sender(sender, desk)
        if not from_number:  # that desk sends no messages (its sender was taken away)
            continue
        if not claim(sessions, message_id, now):
            continue
        callback = status_url(public_url, message_id)
        if _send(sessions, message_id, rest, from_number, now, callback=callback):
            sent += 1
        else:
            failed += 1
    return Pass(sent, failed)


def _sender(sender: str | Mapping[str, str], desk: str) -> str:
    if isinstance(sender, str):
        return sender
    try:
        return sender[desk]
    except KeyError:
        return ""


def status_url(public_url: str, message_id: int) -> str | None:
    """The line's signed webhook for this message's delivery reports (None without PUBLIC_URL)."""
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/voice/message/status?message={message_id}"


def _send(
    sessions: sessionmaker[Session],
    message_id: int,
    rest: TwilioRest,
    sender: str,
    now: datetime,
    *,
    callback: str | None = None,
) -> bool:
    with sessions.begin() as session:  # committed before Twilio is asked; none stays open
        message = session.get_one(OutboxMessage, message_id)
        to, body = message.recipient or "", json.loads(message.payload)["body"]
        # An earlier attempt whose outcome the outbox never learnt (a reply lost, a crash after
        # Twilio took it) may have gone through: the attempt is counted before asking Twilio.
        # A send whose delivery Twilio reported as failed is not uncertain: it is sent anew.
        uncertain = message.attempts > 0 and message.delivery_status not in (UNDELIVERED, FAILED)
        attempts = message.attempts = message.attempts + 1
        known = _sids_sent_to(session, to) if uncertain else set()
    values: dict[str, Any] = {"attempts": attempts}
    try:
        found = rest.find_message(to, body, sender, known) if uncertain else None
        if found is not None:
            log.info("text message %s to %s was sent already", message_id, mask_number(to))
        sent = found or (
            rest.send_message(to, body, sender, callback)
            if callback
            else rest.send_message(to, body, sender)
        )
    except TwilioUnavailable as exc:
        # A 4xx other than 429 (too many requests) is Twilio refusing this message for good: a
        # number that cannot receive it, a caller who replied STOP. Anything else may pass later.
        refused = exc.status is not None and 400 <= exc.status < 500 and exc.status not in (
            401, 403, 429
        )  # fmt: skip
        error = f"{exc} (HTTP {exc.status}, code {exc.code})"[:500]
        values["last_error"] = error
        if refused:
            values["given_up_at"] = now
        else:
            values["next_attempt_at"] = now + backoff(attempts)
        log.warning("text message %s to %s not sent: %s", message_id, mask_number(to), error)
        fault = account_fault(exc.code)
        ok = False
    else:
        # Taken by Twilio, not yet delivered: the status callback says what became of it.
        values |= {"delivered_at": now, "external_id": sent.sid, "last_error": None}
        values |= {"delivery_status": PENDING, "delivery_error": None}
        fault, ok = None, True
    with sessions.begin() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(values))
        if fault is not None:
            line_alerts.raise_alert(session, line_alerts.MESSAGES, fault, now)
        elif ok:
            line_alerts.clear(session, line_alerts.MESSAGES)
    return ok


def _sids_sent_to(session: Session, number: str) -> set[str]:
    """Twilio's SIDs of the messages the outbox knows it sent to `number`."""
    return set(
        session.scalars(
            select(OutboxMessage.external_id).where(
                OutboxMessage.channel == CHANNEL,
                OutboxMessage.recipient == number,
                OutboxMessage.external_id.is_not(None),
            )
        )
    )


def sent_to(session: Session, number: str) -> list[OutboxMessage]:
    """The messages for `number`, oldest first (the console and tests read them)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == CHANNEL, OutboxMessage.recipient == number)
            .order_by(OutboxMessage.id)
        )
    )


def for_incident(session: Session, incident_id: int) -> list[OutboxMessage]:
    """The text messages queued for an incident, oldest first (the incident page shows them)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == CHANNEL, OutboxMessage.incident_id == incident_id)
            .order_by(OutboxMessage.id)
        )
    )


def body_of(message: OutboxMessage) -> str:
    return str(json.loads(message.payload).get("body", ""))
