"""GDPR retention: recordings and full phone numbers are erased once they are older than allowed."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, select, tuple_
from sqlalchemy.orm import Session

from ivr.models import (
    UNMASKED_CALL,
    UNPURGED_INCIDENT,
    AffectedCaller,
    AgentPinFailure,
    Call,
    CallerLanguage,
    Incident,
    OutboxMessage,
)
from ivr.privacy import mask_number
from ivr.services.pin_tries import PIN_WINDOW
from ivr.spool import dead_lines, prune_dead

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    recordings: int  # erased at Twilio by this purge
    incidents: int
    calls: int
    remembered_languages: int
    text_messages: int = 0
    affected_callers: int = 0
    already_gone: int = 0  # Twilio had them no more (deleted there before)
    not_erased: int = 0  # still at Twilio: their SIDs are kept for the next purge
    problem: str | None = None  # why those were not erased


# Erases one recording at Twilio: returns False when Twilio has no such recording, raises when
# it could not be erased (unreachable, refused); anything else means erased.
Eraser = Callable[[str], bool | None]
_RECORDING_SID = re.compile(r"/Recordings/(RE[0-9a-fA-F]{32})")


def purge(
    session: Session,
    now: datetime,
    retention_days: int,
    delete_recording: Eraser | None = None,
) -> Purged:
    """Erase personal data received before `now - retention_days`; the facts of the call stay.

    A recording counts as erased only once Twilio deleted it (or has it no more); until then its
    SID and URL stay, so the next purge finds it again. Without `delete_recording` (no Twilio
    credentials) nothing is erased at Twilio and the result says so.
    """
    cutoff = now - timedelta(days=retention_days)
    erasures = _Erasures(delete_recording)
    # In batches (one commit each): a first purge of years of rows never holds them all in
    # memory, and each query finds only rows not purged yet (the partial indexes in ivr/models.py).
    incidents = calls = 0
    for batch in _batches(
        session, Incident, Incident.received_at, Incident.received_at < cutoff, UNPURGED_INCIDENT
    ):
        for incident in batch:
            if incident.recording_url or incident.recording_sid:
                sid = incident.recording_sid or _sid_in(incident.recording_url)
                if erasures.erase(sid):  # else the SID stays: the next purge tries again
                    incident.recording_url = incident.recording_sid = None
            incident.caller_number = _masked(incident.caller_number)
            incident.callback_number = _masked(incident.callback_number)
        incidents += len(batch)
    for batch in _batches(session, Call, Call.started_at, Call.started_at < cutoff, UNMASKED_CALL):
        for call in batch:
            call.from_number = _masked(call.from_number)
        calls += len(batch)
    # Text messages hold a number and what was said to it; an affected caller's number is kept
    # only to send the message that ends the disruption.
    texts = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.channel == "sms", OutboxMessage.created_at < cutoff
        )
    ).rowcount
    affected = list(
        session.scalars(
            select(AffectedCaller).where(
                AffectedCaller.at < cutoff, _unmasked(AffectedCaller.caller_number)
            )
        )
    )
    for caller in affected:
        caller.caller_number = _masked(caller.caller_number)
    languages = session.execute(
        delete(CallerLanguage).where(CallerLanguage.updated_at < cutoff)
    ).rowcount
    # Wrong agent PINs count for a day only (ivr/services/pin_tries.py); then they are forgotten.
    session.execute(delete(AgentPinFailure).where(AgentPinFailure.at <= now - PIN_WINDOW))
    session.commit()
    result = Purged(
        erasures.erased,
        incidents,
        calls,
        languages or 0,
        texts or 0,
        len(affected),
        already_gone=erasures.gone,
        not_erased=erasures.kept,
        problem=erasures.problem,
    )
    log.info("retention purge before %s: %s", cutoff.isoformat(), result)
    return result


@dataclass(frozen=True)
class DeadLettersPurged:
    letters: int  # dead letters forgotten
    recordings: int  # erased at Twilio (or gone there already) on the way
    not_erased: int = 0  # letters kept because their recording is still at Twilio
    problem: str | None = None


_ANY_RECORDING_SID = re.compile(r"\bRE[0-9a-fA-F]{32}\b")


def purge_dead_letters(
    spool_dir: str,
    now: datetime,
    retention_days: int,
    delete_recording: Eraser | None = None,
) -> DeadLettersPurged:
    """Forget dead letters (events the database never took, ivr/spool.py) older than allowed.

    They hold what the call held (numbers, recording links), and nothing else ever erases them.
    A letter's age is its call's (`at`), else when it was set aside. A recording a letter names
    was never attached to an incident, so no other purge would erase it at Twilio: it is erased
    here first, and a letter whose recording could not be erased stays for the next purge.
    """
    cutoff = now - timedelta(days=retention_days)
    erasures = _Erasures(delete_recording)
    # Twilio is asked outside the spool's lock: webhooks spooling meanwhile must not wait for it.
    forget = {
        line
        for line in dead_lines(spool_dir)
        if _older_than(line, cutoff)
        and all(erasures.erase(sid) for sid in sorted(set(_ANY_RECORDING_SID.findall(line))))
    }
    letters = prune_dead(spool_dir, lambda line: line not in forget)
    result = DeadLettersPurged(
        letters, erasures.erased + erasures.gone, erasures.kept, erasures.problem
    )
    log.info("retention purge of dead letters before %s: %s", cutoff.isoformat(), result)
    return result


def _older_than(line: str, cutoff: datetime) -> bool:
    """Whether a dead letter is older than `cutoff`; one whose age cannot be read counts as old."""
    try:
        letter = json.loads(line)
        event = letter.get("event") or {}
        stamp = (event.get("at") if isinstance(event, dict) else None) or letter.get("buried_at")
        at = datetime.fromisoformat(str(stamp))
    except (ValueError, TypeError, AttributeError):
        return True
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at < cutoff


def _sid_in(url: str | None) -> str | None:
    found = _RECORDING_SID.search(url or "")
    return found.group(1) if found else None


@dataclass(frozen=True)
class Kept:
    """A recording still at Twilio, and why; `outage`: no use trying the others now."""

    reason: str
    outage: bool = False


class _Erasures:
    """The recordings one purge asks Twilio to erase, counted; after an outage (no credentials,
    Twilio unreachable) the rest are not tried and wait for the next purge too."""

    def __init__(self, delete_recording: Eraser | None) -> None:
        self.delete_recording = delete_recording
        self.outage = (
            None if delete_recording else Kept("TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN not set", True)
        )
        self.erased = self.gone = self.kept = 0
        self.problem: str | None = None  # why the first kept one was kept

    def erase(self, sid: str | None) -> bool:
        """True once Twilio has the recording no more (erased now, or gone before)."""
        outcome = self.outage or _erase(sid, self.delete_recording)
        if isinstance(outcome, Kept):
            self.kept += 1
            self.problem = self.problem or outcome.reason
            self.outage = outcome if outcome.outage else self.outage
            return False
        if outcome == "erased":
            self.erased += 1
        else:
            self.gone += 1
        return True


def _erase(sid: str | None, delete_recording: Eraser | None) -> str | Kept:
    """ "erased" (now), "gone" (Twilio had it no more), or Kept with the reason."""
    if sid is None:
        return Kept("a recording URL without a RecordingSid cannot be erased at Twilio")
    assert delete_recording is not None
    try:
        return "gone" if delete_recording(sid) is False else "erased"
    except Exception as exc:  # the adapter's TwilioUnavailable, or whatever the eraser raises
        log.warning("recording %s not erased at Twilio: %s", sid, exc)
        status = getattr(exc, "status", None)
        return Kept(str(exc), outage=status is None or status >= 500)


BATCH = 1_000


def _batches(session: Session, model: Any, at: Any, *conditions: Any) -> Iterator[list[Any]]:
    """The rows matching `conditions`, oldest first (by `at`, then id), BATCH at a time; each
    batch committed once done. The keyset follows the partial indexes' order, so a batch reads
    the index from where the last one ended."""
    after: tuple[Any, int] | None = None
    while True:
        query = select(model).where(*conditions)
        if after is not None:
            query = query.where(tuple_(at, model.id) > after)  # typed as the columns are
        rows = list(session.scalars(query.order_by(at, model.id).limit(BATCH)))
        if not rows:
            return
        yield rows
        after = (getattr(rows[-1], at.key), rows[-1].id)
        session.commit()


def _unmasked(column: Any) -> ColumnElement[bool]:
    return and_(column.is_not(None), ~column.contains("*"))


def _masked(number: str | None) -> str | None:
    if number is None or "*" in number:
        return number
    return mask_number(number)
