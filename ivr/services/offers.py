"""What happens to an offer: the agent screens it (1 accepts, anything else declines), its call
ends, the caller hangs up meanwhile; a callback reaches its caller or not.

Only an accepted offer acknowledges the caller's incident for that agent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr import prompts, spoken
from ivr.db import Database
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.reference import group
from ivr.models import DEFAULT_DESK, Incident, Offer, QueueEntry
from ivr.services import cti, messages, recorder
from ivr.services.desk import Desk, business_calendar
from ivr.services.desks import Desks
from ivr.services.dispatch import LIVE_OFFER, Links, end_offer
from ivr.services.presence import AVAILABLE, AWAY, ON_CALL, RINGING, WRAP_UP, set_presence
from ivr.services.queue import CONNECTED, DONE, IN_QUEUE, LEFT, OFFERED, REPORT, WAITING
from ivr.telemetry import metrics
from ivr.twilio_rest import TwilioRest, TwilioUnavailable

log = logging.getLogger(__name__)

ACCEPT_KEY = "1"


@dataclass(frozen=True)
class OfferView:
    """What the agent's screening needs: who is offered, and whether the offer still stands."""

    offer_status: str
    entry_status: str
    call_sid: str
    mode: str
    language: str
    kind: str
    category: int | None
    impact: str | None
    severity: str | None
    reference: str | None
    callback_number: str | None
    agent_name: str
    agent_languages: list[str]
    summary: str | None = None  # the caller's one sentence, when it arrived before the whisper
    summary_confidence: float | None = None
    change_due: datetime | None = None  # a standard change: carried out by then
    desk: str = DEFAULT_DESK  # the caller's desk (issue 26): the whisper names it
    agent_address: str = ""  # the number, `sip:` URI or `client:` identity rung

    @property
    def live(self) -> bool:
        return self.offer_status in LIVE_OFFER and self.entry_status == OFFERED


def view(session: Session, offer_id: int) -> OfferView | None:
    offer = session.get(Offer, offer_id)
    if offer is None:
        return None
    e = offer.entry
    said = None
    if e.reference:
        said = session.execute(
            select(Incident.summary, Incident.summary_confidence, Incident.change_due).where(
                Incident.reference == e.reference
            )
        ).first()
    return OfferView(
        offer.status, e.status, e.call_sid, e.mode, e.language, e.kind, e.category, e.impact,
        e.severity, e.reference, e.callback_number, offer.agent.name, offer.agent.language_list,
        *(tuple(said) if said else (None, None, None)), e.desk, offer.agent.address,
    )  # fmt: skip


def desk_of(desks: Desks, entry: QueueEntry) -> Desk:
    """The desk of the caller an offer is for: the one they dialled, not the phone's To/From."""
    return desks.get(entry.desk) or desks.first


def screened(
    database: Database, desks: Desks, offer_id: int, digits: str, now: datetime
) -> OfferView | None:
    """The agent answered the whisper's `<Gather>`: 1 takes the call, anything else declines.

    Returns the offer as it now stands (`offer_status` "accepted" means: bridge them).
    """
    with database.sessions.begin() as session:
        offer = _locked(session, offer_id)
        if offer is None:
            return None
        before = view(session, offer_id)
        if before is None or not before.live:
            if offer.status in LIVE_OFFER:  # the caller left while the agent's phone rang
                end_offer(session, offer, "canceled", now, presence=AVAILABLE)
            return view(session, offer_id)
        if digits == ACCEPT_KEY:
            offer.status, offer.accepted_at = "accepted", now
            metrics.offer_ended("accepted")
            offer.entry.status = CONNECTED
            set_presence(offer.agent, ON_CALL, now)
            # Not acknowledged yet: a line caller once Twilio bridges them (`bridged`), a
            # callback once its caller answers and confirms (`callback_result`).
        else:
            heard = "no key" if not digits else f"key {digits[:3]}"
            tz = desk_of(desks, offer.entry).tz
            note = f"declined an offer ({heard}) at {now.astimezone(tz):%H:%M}"
            end_offer(session, offer, "declined", now, presence=AWAY, note=note)
        return view(session, offer_id)


def bridged(database: Database, desks: Desks, call_sid: str, now: datetime) -> bool:
    """Twilio bridged the line caller `call_sid` to the agent who accepted them: the incident is
    acknowledged in that agent's name (once; a repeated request changes nothing)."""
    with database.sessions.begin() as session:
        offer = session.scalar(
            select(Offer)
            .join(QueueEntry, Offer.entry_id == QueueEntry.id)
            .where(
                QueueEntry.call_sid == call_sid,
                QueueEntry.mode == "line",
                Offer.status.in_(("accepted", "done")),
            )
            .order_by(Offer.id.desc())
            .limit(1)
        )
        if offer is None:
            return False
        desk = desk_of(desks, offer.entry)
        if offer.entry.reference:
            recorder.apply(session, desk, _answered(offer, now))
        if desk.cti:  # Zammad's caller log: this agent took the call
            cti.queue(session, desk.key, call_sid, "answer", now, user=offer.agent.name,
                      answeringNumber=_answering(offer))  # fmt: skip
        return True


def _answering(offer: Offer) -> str | None:
    """Who answered, as Zammad looks its users up (user.phone, then login): the agent's
    number, or their console login when they answer on a browser or SIP phone."""
    address = offer.agent.address
    return address if address.startswith("+") else offer.agent.username


def _answered(offer: Offer, now: datetime) -> recorder.Event:
    return {
        "type": "agent_answered",
        "call_sid": offer.entry.call_sid,
        "at": now.isoformat(),
        "reference": offer.entry.reference,
        "agent_name": offer.agent.name,
    }


def _locked(session: Session, offer_id: int) -> Offer | None:
    return session.scalar(select(Offer).where(Offer.id == offer_id).with_for_update())


def call_ended(
    database: Database, desks: Desks, offer_id: int, call_status: str, now: datetime
) -> None:
    """The agent's call of this offer ended with Twilio's `call_status`."""
    with database.sessions.begin() as session:
        offer = _locked(session, offer_id)
        if offer is None:
            return
        if offer.status in LIVE_OFFER:
            # Rang out, busy, failed, or answered and hung up without pressing a key.
            what = {"no-answer": "did not answer", "busy": "was busy"}.get(
                call_status, "hung up without taking it" if call_status == "completed" else "failed"
            )
            tz = desk_of(desks, offer.entry).tz
            note = f"missed an offer ({what}) at {now.astimezone(tz):%H:%M}"
            status = "failed" if call_status == "failed" else "missed"
            if call_status == "busy" and offer.agent.address.startswith("client:"):
                # Issue 27: the softphone's Decline rejects the call; Twilio reports it busy.
                note = f"declined an offer (in the browser) at {now.astimezone(tz):%H:%M}"
                status = "declined"
            end_offer(session, offer, status, now, presence=AWAY, note=note)
        elif offer.status == "accepted":
            offer.status, offer.ended_at = "done", now
            if offer.entry.status == CONNECTED and offer.entry.mode == "line":
                offer.entry.status, offer.entry.ended_at = DONE, now
            if offer.agent.presence in (ON_CALL, RINGING):
                set_presence(offer.agent, WRAP_UP, now)


@dataclass(frozen=True)
class CallbackResult:
    """How a callback's `<Dial>` ended: "reached", "again" (not before `retry_at`) or "report"."""

    outcome: str
    retry_at: datetime | None = None


@metrics.counts_callbacks
def callback_result(
    database: Database,
    desks: Desks,
    offer_id: int,
    dial_status: str,
    *,
    attempts: int,
    retry_after: timedelta,
    now: datetime,
) -> CallbackResult:
    """The agent's `<Dial>` to a callback caller ended. Not answered: tried again after
    `retry_after` at the same place, `attempts` times in all, then left as a report."""
    with database.sessions.begin() as session:
        offer = _locked(session, offer_id)
        if offer is None:
            return CallbackResult("report")
        entry = offer.entry
        desk = desk_of(desks, entry)
        if entry.status != CONNECTED:
            return CallbackResult("reached" if entry.status == DONE else "report")
        # Answered is not reached: the caller must have pressed 1 (a voicemail does not).
        reached = dial_status in ("completed", "answered") and offer.callee_confirmed_at is not None
        if desk.cti and offer.call_sid:  # Zammad's caller log: the agent's call to the caller
            cti.queue_callback(
                session, desk.key, agent_leg=offer.call_sid, entry_id=entry.id,
                agent=(offer.agent.name, _answering(offer)), dial_status=dial_status,
                reached=reached, at=now,
            )  # fmt: skip
        if reached:
            entry.status, entry.ended_at = DONE, now
            if entry.reference:
                recorder.apply(session, desk, _answered(offer, now))
            return CallbackResult("reached")
        entry.callback_attempts += 1
        if entry.callback_attempts < attempts:
            entry.status = WAITING  # the same place in the order: enqueued_at is unchanged
            entry.retry_at = now + retry_after
            return CallbackResult("again", entry.retry_at)
        to_report(session, desk, entry, now)
        return CallbackResult("report")


def callee_confirmed(database: Database, offer_id: int, now: datetime) -> None:
    """A callback's caller pressed 1 on the screening: a person, not their voicemail."""
    with database.sessions.begin() as session:
        offer = _locked(session, offer_id)
        if offer is not None and offer.callee_confirmed_at is None:
            offer.callee_confirmed_at = now


def to_report(session: Session, desk: Desk, entry: QueueEntry, now: datetime) -> None:
    """A callback that cannot be made becomes a report for the desk to pick up on the next
    working day; the caller is told so by text message (when they can receive one)."""
    entry.status, entry.ended_at = REPORT, now
    if not entry.reference:
        return
    event = {
        "type": "incident",
        "call_sid": entry.call_sid,
        "at": now.isoformat(),
        "reference": entry.reference,
        "status": "open",
        "callback_number": entry.callback_number,
    }
    row = recorder.apply(session, desk, event)
    pickup = pickup_after_callback(business_calendar(desk, session, now), now, desk.tz)
    if pickup is None or not desk.messages_from:
        return
    messages.queue(
        session,
        desk.messaging(),
        to=entry.callback_number,
        language=entry.language,
        template=prompts.SMS_CALLBACK_MISSED,
        key=f"callback-report:{entry.id}",
        now=now,
        incident_id=getattr(row, "id", None),
        reference=group(entry.reference),
        when=spoken.date_phrase(pickup, entry.language, desk.tz),
    )


def pickup_after_callback(
    calendar: BusinessCalendar, now: datetime, tz: ZoneInfo
) -> datetime | None:
    """When a callback left as a report is picked up: the opening of the next working day (in
    hours, the attempts of today are over), or the next opening (closed); None: none known."""
    if not calendar.is_open(now):
        return calendar.next_opening(now)
    day = calendar.next_working_day(now.astimezone(tz).date())
    if day is None:
        return None
    return calendar.next_opening(datetime.combine(day, time.min, tzinfo=tz))


def caller_left(
    database: Database,
    rest: TwilioRest | None,
    call_sid: str,
    now: datetime,
    reason: str | None = None,
    *,
    force: bool = False,
    links: Links | None = None,
) -> None:
    """The caller left the line (hung up, or chose to: `reason` callback | report | limit ...):
    out of the queue, and an agent's ringing offer for them is withdrawn.

    `force`: Twilio took them out of its queue (an error): also an entry an agent has just
    accepted ends, since no `<Dial><Queue>` can reach them any more. With `links`, an agent's
    phone answered already hears that the caller is gone (`TwilioRest.withdraw`).
    """
    to_cancel, offer_id = None, 0
    with database.sessions.begin() as session:
        entry = session.scalar(
            select(QueueEntry).where(QueueEntry.call_sid == call_sid).with_for_update()
        )
        if entry is None or entry.mode != "line":
            return  # a callback keeps its place after the caller hangs up
        if entry.status == CONNECTED and reason is None:
            entry.status, entry.ended_at = DONE, now
            return
        if entry.status == CONNECTED and force:
            entry.status, entry.ended_at, entry.leave_reason = LEFT, now, reason
            return
        if entry.status not in IN_QUEUE:
            return
        if entry.status == OFFERED:
            offer = session.scalar(
                select(Offer).where(Offer.entry_id == entry.id, Offer.status.in_(LIVE_OFFER))
            )
            if offer is not None:
                to_cancel, offer_id = offer.call_sid, offer.id
                end_offer(session, offer, "canceled", now, presence=AVAILABLE)
        entry.status, entry.ended_at = LEFT, now
        # A callback's place is kept: `keep_place_for_callback` puts the entry back as it was.
        entry.leave_reason = reason or entry.leave_reason
    if to_cancel and rest is not None:
        try:
            if links is None:
                rest.hang_up(to_cancel)
            else:
                rest.withdraw(to_cancel, links.offer(offer_id))
        except TwilioUnavailable:
            log.warning("could not withdraw offer call %s; the agent hears it is gone", to_cancel)
