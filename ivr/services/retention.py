"""GDPR retention: recordings and full phone numbers are erased once they are older than allowed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import Session

from ivr.models import AffectedCaller, Call, CallerLanguage, Incident, OutboxMessage
from ivr.privacy import mask_number

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    recordings: int
    incidents: int
    calls: int
    remembered_languages: int
    text_messages: int = 0
    affected_callers: int = 0


def purge(
    session: Session,
    now: datetime,
    retention_days: int,
    delete_recording: Callable[[str], None] | None = None,
) -> Purged:
    """Erase personal data received before `now - retention_days`; the facts of the call stay."""
    cutoff = now - timedelta(days=retention_days)
    recordings = 0
    incidents = list(
        session.scalars(
            select(Incident).where(
                Incident.received_at < cutoff,
                or_(
                    Incident.recording_url.is_not(None),
                    _unmasked(Incident.caller_number),
                    _unmasked(Incident.callback_number),
                ),
            )
        )
    )
    for incident in incidents:
        if incident.recording_sid and delete_recording is not None:
            delete_recording(incident.recording_sid)
        if incident.recording_url:
            recordings += 1
        incident.recording_url = incident.recording_sid = None
        incident.caller_number = _masked(incident.caller_number)
        incident.callback_number = _masked(incident.callback_number)
    calls = list(
        session.scalars(
            select(Call).where(
                Call.started_at < cutoff,
                _unmasked(Call.from_number),
            )
        )
    )
    for call in calls:
        call.from_number = _masked(call.from_number)
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
    session.commit()
    result = Purged(
        recordings, len(incidents), len(calls), languages or 0, texts or 0, len(affected)
    )
    log.info("retention purge before %s: %s", cutoff.isoformat(), result)
    return result


def _unmasked(column: Any) -> ColumnElement[bool]:
    return and_(column.is_not(None), ~column.contains("*"))


def _masked(number: str | None) -> str | None:
    if number is None or "*" in number:
        return number
    return mask_number(number)
