"""An incident's history: status updates, agreed appointments, corrected deadlines, and the
status report clock they reset. Acknowledge and resolve (ivr/services/console.py) add to it too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ivr import prompts
from ivr.domain.agreement import SEED, Agreement
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.explained import Explained
from ivr.domain.sla import status_report_due
from ivr.domain.text_input import UNBOUNDED, clean_text, within
from ivr.domain.triage import Category
from ivr.models import Incident, IncidentEvent
from ivr.services import messages
from ivr.services.messages import Messaging

MAX_UPDATE = 480  # characters: three text messages at most
STATUS_CHECK_FAILED = "status_check_failed"
# Four digits are guessed in 10,000 tries; three wrong ones a day keep that out of reach of
# someone redialling, and the reporter's own phone is never asked for them.
STATUS_CHECK_TRIES = 3
STATUS_CHECK_WINDOW = timedelta(hours=24)
# How far ahead a deadline or an appointment may be set: further is a typing error.
FURTHEST_AHEAD = timedelta(days=366)


class HistoryError(Explained):
    """An agent asked for what cannot be; the message says why (the console translates it)."""


def add_event(
    session: Session, incident: Incident, kind: str, at: datetime, **fields: object
) -> IncidentEvent:
    entry = IncidentEvent(incident=incident, kind=kind, at=at, **fields)
    session.add(entry)
    return entry


def status_check_passes(
    session: Session, incident: Incident, digits_match: bool, now: datetime
) -> bool:
    """Whether someone other than the reporter, who keyed the callback number's last four
    digits, hears the details. A wrong try is kept in the history (staff see it); after
    `STATUS_CHECK_TRIES` within `STATUS_CHECK_WINDOW` even the right digits hear no details
    until the oldest try leaves the window."""
    since = now - STATUS_CHECK_WINDOW
    recent = sum(1 for e in incident.history if e.kind == STATUS_CHECK_FAILED and e.at >= since)
    if not digits_match:
        add_event(session, incident, STATUS_CHECK_FAILED, now)
        session.commit()
    return digits_match and recent < STATUS_CHECK_TRIES


def reset_report_clock(
    calendar: BusinessCalendar,
    incident: Incident,
    since: datetime,
    agreement: Agreement = SEED,
) -> None:
    """The next report is owed one interval (of the desk's `agreement`) of opening time after
    `since` (or the appointment)."""
    if incident.status == "resolved" or incident.category is None:
        incident.status_report_due = None
        return
    incident.status_report_due = status_report_due(
        calendar, Category(incident.category), since, incident.appointment_at, agreement.targets
    )


def post_update(
    session: Session,
    calendar: BusinessCalendar,
    incident: Incident,
    text: str,
    *,
    author: str,
    now: datetime,
    messaging: Messaging | None = None,
    agreement: Agreement = SEED,
) -> IncidentEvent:
    """A status update in the caller's language: kept, sent to the caller by text message, and
    the report clock starts again."""
    # Control characters refused here; the length below, with the message the desk knows.
    text = clean_text(text, "The update", UNBOUNDED, required=False, error=HistoryError)
    if not text:
        raise HistoryError("Write the update first.")
    if len(text) > MAX_UPDATE:
        raise HistoryError("An update is at most %(most)d characters.", most=MAX_UPDATE)
    if incident.status == "resolved":
        raise HistoryError("This incident is resolved.")
    entry = add_event(
        session, incident, "update", now, author=author, text=text, language=incident.language
    )
    reset_report_clock(calendar, incident, now, agreement)
    incident.updated_at = now
    session.flush()  # the entry's id names the message
    if messaging is not None:
        messages.queue_for_caller(
            session,
            messaging,
            incident,
            template=prompts.SMS_UPDATE,
            key=f"update:{entry.id}",
            now=now,
            description=text,
        )
    session.commit()
    return entry


def agree_appointment(
    session: Session,
    calendar: BusinessCalendar,
    incident: Incident,
    when: datetime,
    *,
    author: str,
    now: datetime,
    agreement: Agreement = SEED,
) -> None:
    """Category 4 is restored by appointment: the agreed time is its restore and report due."""
    category = incident.category
    if category is None or agreement.targets_for(Category(category)).restore is not None:
        raise HistoryError("Only incidents restored by appointment (category 4) get one.")
    if when <= now:
        raise HistoryError("The appointment must be in the future.")
    within(when, "The appointment", now, now + FURTHEST_AHEAD, HistoryError)
    add_event(
        session,
        incident,
        "appointment",
        now,
        author=author,
        value_at=when,
        previous_at=incident.appointment_at,
    )
    incident.appointment_at = incident.restore_due = when
    reset_report_clock(calendar, incident, now, agreement)
    incident.updated_at = now
    session.commit()


def correct_restore_due(
    session: Session, incident: Incident, when: datetime, *, reason: str, author: str, now: datetime
) -> None:
    """Staff move a restore deadline; the reason is kept beside the old and new time."""
    reason = clean_text(reason, "The reason", MAX_UPDATE, required=False, error=HistoryError)
    if not reason:
        raise HistoryError("Say why the deadline changes.")
    if incident.status == "resolved":
        raise HistoryError("This incident is resolved.")
    # After the report came in (a deadline before it is a typing error), within a year of now.
    within(when, "The restore deadline", incident.received_at, now + FURTHEST_AHEAD, HistoryError)
    add_event(
        session,
        incident,
        "restore_corrected",
        now,
        author=author,
        text=reason,
        value_at=when,
        previous_at=incident.restore_due,
    )
    incident.restore_due = when
    incident.updated_at = now
    session.commit()
