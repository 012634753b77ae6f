"""Zammad's generic CTI interface: the line tells Zammad of every call it takes (issue 28).

Zammad's caller log and its caller pop-up follow a call through three events posted to the
integration's endpoint (https://docs.zammad.org/en/latest/api/generic-cti/index.html):
`newCall` when it rings, `answer` when an agent picks up, `hangup` when it ends, each with
`from`, `to`, `direction` and a `callId` unique to the call (newcall-event.html,
answer-event.html, hangup-event.html). A webhook only queues an event: one `INSERT ... ON
CONFLICT DO NOTHING` into the outbox (channel "cti"), keyed by call and event so a webhook
Twilio retries never queues it twice. The outbox sender posts them later, in order per call; the
numbers are read from the call's row when sent, never copied into the outbox.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from ivr.models import Call, OutboxMessage, QueueEntry
from ivr.services.desk_rows import EVERY, DeskRows
from ivr.services.outbox import backoff, claim

log = logging.getLogger(__name__)

CHANNEL = "cti"
EVENTS = ("newCall", "answer", "hangup")
BATCH = 200
WITHHELD = "anonymous"  # what Zammad's documentation sends for a withheld number

# Twilio's CallStatus at the end (twilio.com/docs/voice/api/call-resource#call-status-values)
# -> Zammad's hangup cause (hangup-event.html) for a call no agent answered.
UNANSWERED_CAUSES = {
    "busy": "busy",
    "no-answer": "noAnswer",
    "failed": "congestion",
    "canceled": "cancel",
    "completed": "cancel",  # the caller hung up before an agent picked up: a missed call
}

outbox = OutboxMessage.__table__


@functools.cache
def _statement(dialect: str) -> Any:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    values = {c: bindparam(c) for c in ("desk", "event", "payload", "dedupe_key")}
    values |= {"next_attempt_at": bindparam("at"), "created_at": bindparam("at")}
    statement = insert(outbox).values(channel=CHANNEL, attempts=0, **values)
    return statement.on_conflict_do_nothing(index_elements=["dedupe_key"])


def queue(
    session: Session, desk: str, call_sid: str, event: str, at: datetime, **fields: Any
) -> None:
    """One statement: the CTI `event` of the call, once (a repeat is a no-op)."""
    payload = json.dumps({"callId": call_sid, **fields}, ensure_ascii=False)
    session.execute(
        _statement(session.get_bind().dialect.name),
        {
            "desk": desk,
            "event": event,
            "payload": payload,
            "dedupe_key": f"cti:{call_sid}:{event}",
            "at": at,
        },
    )


# A callback's `<Dial>` (DialCallStatus, twilio.com/docs/voice/twiml/dial#dialcallstatus) ->
# the hangup cause of a call the caller did not take.
DIAL_CAUSES = {"busy": "busy", "no-answer": "noAnswer", "failed": "congestion",
               "canceled": "cancel", "completed": "noAnswer", "answered": "noAnswer"}  # fmt: skip


def queue_callback(
    session: Session,
    desk: str,
    *,
    agent_leg: str,
    entry_id: int,
    agent: tuple[str, str | None],
    dial_status: str,
    reached: bool,
    at: datetime,
) -> None:
    """An agent's call back to a caller ended: its newCall, answer when the caller took it, and
    hangup, all at once (the caller log's outbound call). The numbers are read when sent."""
    name, number = agent
    out = {"direction": "out", "entry": entry_id, "user": name}
    queue(session, desk, agent_leg, "newCall", at, **out)
    if reached:
        queue(session, desk, agent_leg, "answer", at, **out)
    cause = "normalClearing" if reached else DIAL_CAUSES.get(dial_status, "noAnswer")
    queue(session, desk, agent_leg, "hangup", at, **out, cause=cause, answeringNumber=number)


@dataclass(frozen=True)
class Endpoint:
    url: str  # the integration's endpoint with its token: https://{fqdn}/api/v1/cti/{token}
    timeout: float


@dataclass(frozen=True)
class Pass:
    delivered: int
    failed: int


Post = Callable[..., Any]  # requests.post's signature


def deliver_due(
    sessions: sessionmaker[Session],
    endpoint: Endpoint,
    now: datetime,
    post: Post | None = None,
    rows: DeskRows = EVERY,
) -> Pass:
    """One pass: each call's oldest waiting event, when it is due; a call's later events wait
    for its earlier ones, and no call waits for another."""
    if post is None:
        import requests

        post = requests.post
    with sessions() as session:
        waiting = session.execute(
            select(OutboxMessage.id, OutboxMessage.dedupe_key, OutboxMessage.next_attempt_at)
            .where(
                OutboxMessage.channel == CHANNEL,
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.given_up_at.is_(None),
                rows.where(OutboxMessage.desk),
            )
            .order_by(OutboxMessage.id)
            .limit(BATCH)
        ).all()
    first: dict[str, tuple[int, datetime]] = {}
    for message_id, key, due in waiting:
        first.setdefault(_call_of(key), (message_id, due))
    delivered = failed = 0
    for message_id, due in first.values():
        if due > now or not claim(sessions, message_id, now):
            continue
        if _send(sessions, message_id, endpoint, now, post):
            delivered += 1
        else:
            failed += 1
    return Pass(delivered, failed)


def _call_of(dedupe_key: str | None) -> str:
    return (dedupe_key or "").split(":")[1] if dedupe_key else ""


def body(session: Session, message: OutboxMessage) -> dict[str, Any]:
    """The event as Zammad documents it, the numbers read from the call's row now."""
    fields = {k: v for k, v in json.loads(message.payload).items() if v is not None}
    entry_id = fields.pop("entry", None)
    if entry_id is not None:  # a callback: from the desk's number to the caller's
        return {"event": message.event, **_callback_numbers(session, entry_id), **fields}
    call = session.scalar(select(Call).where(Call.call_sid == fields["callId"]))
    sent: dict[str, Any] = {
        "event": message.event,
        "from": (call.from_number if call else None) or WITHHELD,
        "to": (call.to_number if call else None) or "",
        "direction": "in",
        **fields,
    }
    if message.event == "hangup":
        answered = session.scalar(
            select(OutboxMessage.payload).where(
                OutboxMessage.dedupe_key == f"cti:{fields['callId']}:answer"
            )
        )
        status = sent.pop("status", None)
        if answered:
            sent["cause"] = "normalClearing"
            agent = json.loads(answered)
            for name in ("user", "answeringNumber"):
                if agent.get(name):
                    sent[name] = agent[name]
        else:
            sent["cause"] = UNANSWERED_CAUSES.get(status or "", "cancel")
    return sent


def _callback_numbers(session: Session, entry_id: int) -> dict[str, str]:
    found = session.execute(
        select(QueueEntry.callback_number, Call.to_number)
        .outerjoin(Call, Call.call_sid == QueueEntry.call_sid)
        .where(QueueEntry.id == entry_id)
    ).first()
    callee, desk_number = found if found is not None else (None, None)
    return {"from": desk_number or "", "to": callee or WITHHELD}


def _post(endpoint: Endpoint, sent: dict[str, Any], post: Post) -> tuple[str | None, bool]:
    """(error, refused for good) of one POST; (None, False) when Zammad took it."""
    try:
        response = post(endpoint.url, json=sent, timeout=endpoint.timeout)
    except OSError as exc:  # requests' connection errors and timeouts are OSErrors
        return type(exc).__name__, False  # its text would show the endpoint's token
    if 200 <= response.status_code < 300:
        return None, False
    # 401 is a wrong token (or CTI switched off in Zammad): retried, it may be fixed; any
    # other 4xx is this event refused for good.
    refused = 400 <= response.status_code < 500 and response.status_code not in (401, 429)
    return f"HTTP {response.status_code}", refused


def _send(
    sessions: sessionmaker[Session], message_id: int, endpoint: Endpoint, now: datetime, post: Post
) -> bool:
    with sessions() as session:  # nothing stays open while Zammad answers
        message = session.get_one(OutboxMessage, message_id)
        sent = body(session, message)
        told = message.event == "newCall" or session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.dedupe_key == f"cti:{sent['callId']}:newCall"
            )
        )
    if not told:  # a call the line placed, or one that began before CTI was switched on
        error, refused = "no newCall for this call: not sent", True
    else:
        error, refused = _post(endpoint, sent, post)
    values: dict[str, Any] = {"attempts": OutboxMessage.attempts + 1}
    if error is None:
        values |= {"delivered_at": now, "last_error": None}
    elif refused:
        values |= {"given_up_at": now, "last_error": error}
    else:
        values |= {"last_error": error}
    with sessions.begin() as session:
        if error is not None and not refused:
            attempts = session.get_one(OutboxMessage, message_id).attempts + 1
            values["next_attempt_at"] = now + backoff(attempts)
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(values))
    if error is not None:
        log.warning("CTI %s of call %s not delivered: %s", sent["event"], sent["callId"], error)
    return error is None
