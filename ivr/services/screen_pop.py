"""The screen pop: while an offer rings an agent, what that agent's console shows of the caller.

Only the agent the offer rings sees it (the console asks for the logged-in user's own agent).
The caller is told apart by the keyed hash of their number (ivr/privacy.py `caller_key`): their
other open incidents of the last weeks are found by it, and the number is never shown in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.models import AffectedCaller, Call, Disruption, Incident, Offer, QueueEntry
from ivr.privacy import caller_key, mask_number
from ivr.services.dispatch import LIVE_OFFER

OPEN_STATUSES = ("partial", "open", "acknowledged")
EARLIER_WINDOW = timedelta(weeks=6)  # "the last weeks": older open incidents are the list's
EARLIER_SHOWN = 5


@dataclass(frozen=True)
class Earlier:
    reference: str
    category: int | None
    status: str
    received_at: datetime
    summary: str | None


@dataclass(frozen=True)
class Pop:
    """One ringing offer, as the agent's screen shows it."""

    offer_id: int
    offer_status: str
    language: str
    kind: str  # incident | question | standard_change
    mode: str  # line | callback
    category: int | None
    impact: str | None
    severity: str | None
    reference: str | None
    summary: str | None
    masked_number: str
    disruption_nl: str | None = None
    disruption_de: str | None = None
    earlier: list[Earlier] = field(default_factory=list)

    @property
    def callback(self) -> bool:
        return self.mode == "callback"

    @property
    def version(self) -> str:
        """Changes when what the pop shows changes (the page swaps it only then)."""
        parts = (self.offer_id, self.offer_status, self.summary, len(self.earlier))
        return "-".join(str(p) for p in parts)


def ringing_offer(session: Session, agent_id: int) -> Offer | None:
    """The offer ringing `agent_id` now (placing or ringing), if any."""
    return session.scalar(
        select(Offer)
        .where(Offer.agent_id == agent_id, Offer.status.in_(LIVE_OFFER))
        .order_by(Offer.id.desc())
        .limit(1)
    )


def pop_for(session: Session, agent_id: int, secret: str, now: datetime) -> Pop | None:
    """What the agent's screen shows while an offer rings them; None when nothing rings."""
    offer = ringing_offer(session, agent_id)
    if offer is None:
        return None
    entry: QueueEntry = offer.entry
    incident = (
        session.scalar(select(Incident).where(Incident.reference == entry.reference))
        if entry.reference
        else None
    )
    number = _number(session, entry, incident)
    disruption = session.scalar(
        select(Disruption)
        .join(AffectedCaller, AffectedCaller.disruption_id == Disruption.id)
        .where(AffectedCaller.call_sid == entry.call_sid)
        .order_by(Disruption.id.desc())
        .limit(1)
    )
    return Pop(
        offer_id=offer.id,
        offer_status=offer.status,
        language=entry.language,
        kind=entry.kind,
        mode=entry.mode,
        category=entry.category,
        impact=entry.impact,
        severity=entry.severity,
        reference=entry.reference,
        summary=incident.summary if incident is not None else None,
        masked_number=mask_number(number),
        disruption_nl=disruption.text_nl if disruption else None,
        disruption_de=disruption.text_de if disruption else None,
        earlier=earlier_incidents(session, number, secret, now, but=entry.reference),
    )


def _number(session: Session, entry: QueueEntry, incident: Incident | None) -> str | None:
    if incident is not None and incident.caller_number:
        return incident.caller_number
    if entry.callback_number:
        return entry.callback_number
    return session.scalar(select(Call.from_number).where(Call.call_sid == entry.call_sid))


def earlier_incidents(
    session: Session, number: str | None, secret: str, now: datetime, *, but: str | None
) -> list[Earlier]:
    """The caller's other open incidents of the last weeks, newest first: matched by the keyed
    hash of the number, the same pseudonym the line keeps for languages and opt-outs."""
    if not number or not number.startswith("+"):
        return []  # withheld, or a SIP caller: nobody to recognise
    key = caller_key(number, secret)
    rows = session.scalars(
        select(Incident)
        .where(
            Incident.status.in_(OPEN_STATUSES),
            Incident.received_at >= now - EARLIER_WINDOW,
            Incident.caller_number.is_not(None),
        )
        .order_by(Incident.received_at.desc())
    )
    found = []
    for row in rows:
        if row.reference == but or caller_key(row.caller_number or "", secret) != key:
            continue
        found.append(Earlier(row.reference, row.category, row.status, row.received_at, row.summary))
        if len(found) == EARLIER_SHOWN:
            break
    return found
