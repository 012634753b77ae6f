"""The servicedesk's work: open incidents by SLA urgency, acknowledge and resolve, the call log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ivr import prompts
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.call_outcome import Outcome, classify
from ivr.domain.sla import SlaState, sla_state, status_report_state
from ivr.domain.triage import Category
from ivr.models import Call, Incident
from ivr.services import messages
from ivr.services.claims import claim
from ivr.services.history import add_event
from ivr.services.messages import Messaging
from ivr.services.records import change_state
from ivr.services.roles import Scope
from ivr.services.scoped import within

OPEN_STATUSES = ("partial", "open", "acknowledged")
URGENCY = {SlaState.BREACHED: 0, SlaState.DUE_SOON: 1, SlaState.ON_TIME: 2, SlaState.MET: 3}


@dataclass(frozen=True)
class WorkItem:
    incident: Incident
    reaction: SlaState | None
    restore: SlaState | None
    report: SlaState | None = None  # the status report clock: on time, due soon, overdue
    change: SlaState | None = None  # a standard change: due within two working days

    @property
    def sla(self) -> SlaState | None:
        """The clock that matters most now: the worst of reaction, restore and change."""
        states = [s for s in (self.reaction, self.restore, self.change) if s is not None]
        return min(states, key=URGENCY.__getitem__) if states else None

    @property
    def next_due(self) -> datetime | None:
        i = self.incident
        if i.change_due is not None:
            return i.change_due
        return i.reaction_due if i.acknowledged_at is None else i.restore_due


@dataclass(frozen=True)
class Filters:
    category: int | None = None
    status: str | None = None
    sla: str | None = None
    out_of_hours: bool | None = None
    since: datetime | None = None
    desks: Scope = None  # the desks shown (issue 26); None: every desk


def work_item(calendar: BusinessCalendar, incident: Incident, now: datetime) -> WorkItem:
    # Closed until further notice: the clocks (if any were set) are measured from receipt.
    start = calendar.next_opening(incident.received_at) or incident.received_at
    reaction = restore = None
    if incident.reaction_due is not None:
        reaction = sla_state(
            calendar, start, incident.reaction_due, now, done_at=incident.acknowledged_at
        )
    if incident.restore_due is not None:
        restore = sla_state(
            calendar, start, incident.restore_due, now, done_at=incident.resolved_at
        )
    report = None
    if incident.status_report_due is not None and incident.category is not None:
        report = status_report_state(
            calendar, Category(incident.category), incident.status_report_due, now
        )
    return WorkItem(incident, reaction, restore, report, change_state(calendar, incident, now))


def work_list(
    session: Session,
    calendar: BusinessCalendar,
    now: datetime,
    filters: Filters = Filters(),
    calendars: Mapping[str, BusinessCalendar] | None = None,
) -> list[WorkItem]:
    """Open incidents, breached first, then due soon, then by the nearest due time; each
    incident's clocks on its own desk's calendar where `calendars` has it."""
    query = select(Incident).where(
        Incident.status.in_(OPEN_STATUSES), within(Incident.desk, filters.desks)
    )
    if filters.category is not None:
        query = query.where(Incident.category == filters.category)
    if filters.status:
        if filters.status not in OPEN_STATUSES:  # no such list; never sent to the database raw
            return []
        query = query.where(Incident.status == filters.status)
    if filters.out_of_hours is not None:
        query = query.where(Incident.taken_out_of_hours.is_(filters.out_of_hours))
    if filters.since is not None:
        query = query.where(Incident.received_at >= filters.since)
    calendars = calendars or {}
    items = [work_item(calendars.get(i.desk, calendar), i, now) for i in session.scalars(query)]
    if filters.sla:
        items = [item for item in items if item.sla == filters.sla]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(
        items,
        key=lambda item: (
            URGENCY[item.sla] if item.sla else len(URGENCY),
            item.next_due or far,
            item.incident.received_at,
        ),
    )


def open_category_one(session: Session, desks: Scope = None) -> list[str]:
    """References of open category-1 incidents: the page announces one it has not seen yet."""
    query = select(Incident.reference).where(
        Incident.status.in_(OPEN_STATUSES), Incident.category == 1, within(Incident.desk, desks)
    )
    return sorted(session.scalars(query))


def find(session: Session, reference: str, desks: Scope = None) -> Incident | None:
    """The incident of `reference`, if it is in one of `desks` (None: any desk)."""
    return session.scalar(
        select(Incident).where(
            Incident.reference == reference.replace(" ", ""), within(Incident.desk, desks)
        )
    )


def acknowledge(session: Session, incident: Incident, who: str, now: datetime) -> None:
    """Someone took it on: the reaction clock stops."""
    _acknowledged(session, incident, who, now)
    claim(session, incident, Incident.status.in_(("partial", "open")), status="acknowledged")
    incident.updated_at = now
    session.commit()


def _acknowledged(session: Session, incident: Incident, who: str, now: datetime) -> None:
    """The reaction clock stops once: of parallel requests only the first writes the history."""
    if claim(
        session,
        incident,
        Incident.acknowledged_at.is_(None),
        acknowledged_at=now,
        acknowledged_by=who,
    ):
        add_event(session, incident, "acknowledged", now, author=who)


def resolve(
    session: Session,
    incident: Incident,
    who: str,
    now: datetime,
    messaging: Messaging | None = None,
) -> None:
    """Service restored: the restore clock stops (and the reaction clock, if still running); the
    caller is told by text message."""
    resolved = claim(
        session,
        incident,
        Incident.status != "resolved",
        resolved_at=now,
        resolved_by=who,
        status="resolved",
        status_report_due=None,  # the resolution is the last report
    )
    if not resolved:  # resolved already, perhaps by a parallel request a moment ago
        session.rollback()
        return
    _acknowledged(session, incident, who, now)
    add_event(session, incident, "resolved", now, author=who)
    incident.updated_at = now
    if messaging is not None:
        messages.queue_for_caller(
            session,
            messaging,
            incident,
            template=prompts.SMS_RESOLVED,
            key=f"resolved:{incident.id}",
            now=now,
        )
    session.commit()


def mark_support(
    session: Session, incident: Incident, support: bool, who: str, now: datetime
) -> None:
    """Seed 004: a support incident is not a fault in the service (network, configuration at
    the customer, a change request); it is reported apart from faults."""
    if incident.support_incident != support:
        incident.support_incident = support
        text = "marked as support incident" if support else "marked as fault"
        add_event(session, incident, "classified", now, author=who, text=text)
        incident.updated_at = now
    session.commit()


def outcome_of(call: Call) -> Outcome:
    """How the call ended for the caller. A report counts once confirmed or recorded."""
    incident = call.incident
    kept = incident is not None and (incident.status != "partial" or bool(incident.recording_url))
    return classify(call.outcome, kept, kept and bool(incident and incident.taken_out_of_hours))


def call_log(
    session: Session, limit: int = 200, desks: Scope = None
) -> list[tuple[Call, Outcome | None]]:
    """The newest calls, each with its outcome (None while the call goes on)."""
    calls = session.scalars(
        select(Call)
        .where(within(Call.desk, desks))
        .order_by(Call.started_at.desc())
        .limit(limit)
        .options(selectinload(Call.incident))
    )
    return [(c, outcome_of(c) if c.ended_at is not None else None) for c in calls]
