"""Known disruptions: declared by staff, announced to every caller, counted, ended with a message.

While a disruption is active every caller hears it right after the language choice and may press
1 ("this is my problem"): the caller is kept as affected (number and language) and skips the
questions. Ending it sends each affected caller a text message and adds the end to the history of
their own open incidents and of the incident it is linked to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr import prompts
from ivr.domain.agreement import SEED, Agreement
from ivr.domain.calendar import BusinessCalendar
from ivr.domain.explained import Explained
from ivr.domain.text_input import UNBOUNDED, clean_text
from ivr.domain.triage import Category, Impact, Severity
from ivr.models import DEFAULT_DESK, AffectedCaller, Disruption, Incident
from ivr.services import messages
from ivr.services.announcements import note_changed
from ivr.services.claims import claim
from ivr.services.history import add_event, reset_report_clock
from ivr.services.messages import Messaging
from ivr.services.roles import Scope
from ivr.services.scoped import within

MAX_TEXT = 300
OPEN_STATUSES = ("partial", "open", "acknowledged")


class DisruptionError(Explained):
    """What staff asked for cannot be done; the message says why (the console translates it)."""


@dataclass(frozen=True)
class Declared:
    text_nl: str
    text_de: str
    severity: str = Severity.FUNCTIONS_FAIL.value
    incident_reference: str = ""


def active(session: Session, now: datetime, desk: str = DEFAULT_DESK) -> Disruption | None:
    """The desk's newest disruption still running: the one its callers hear."""
    return session.scalars(
        select(Disruption)
        .where(Disruption.desk == desk, Disruption.ended_at.is_(None), Disruption.started_at <= now)
        .order_by(Disruption.started_at.desc(), Disruption.id.desc())
        .limit(1)
    ).first()


# Callers hear every active disruption in turn, newest first, and at most this many: each is one
# short question ("this is your problem: 1, something else: 2"); 2 goes on to the next.
MAX_HEARD = 3


def active_count(session: Session, now: datetime, desk: str | None = None) -> int:
    """Running disruptions: of `desk`, or of every desk."""
    running = select(Disruption.id).where(
        Disruption.ended_at.is_(None), Disruption.started_at <= now
    )
    if desk is not None:
        running = running.where(Disruption.desk == desk)
    return len(session.scalars(running).all())


def heard_after(
    session: Session, disruption_id: int, now: datetime, desk: str = DEFAULT_DESK
) -> int | None:
    """The desk's active disruption a caller hears after `disruption_id` (None: on to the
    menu)."""
    heard = list(
        session.scalars(
            select(Disruption.id)
            .where(Disruption.desk == desk, Disruption.ended_at.is_(None))
            .where(Disruption.started_at <= now)
            .order_by(Disruption.started_at.desc(), Disruption.id.desc())
            .limit(MAX_HEARD)
        )
    )
    if disruption_id not in heard:
        return None
    following = heard.index(disruption_id) + 1
    return heard[following] if following < len(heard) else None


def all_disruptions(session: Session, limit: int = 50, desks: Scope = None) -> list[Disruption]:
    """The newest disruptions of `desks` (None: every desk), active ones first."""
    return list(
        session.scalars(
            select(Disruption)
            .where(within(Disruption.desk, desks))
            .order_by(Disruption.ended_at.is_not(None), Disruption.started_at.desc())
            .limit(limit)
        )
    )


def declare(
    session: Session, given: Declared, *, author: str, now: datetime, desk: str = DEFAULT_DESK
) -> Disruption:
    """Start a disruption of `desk`: its callers hear it."""
    texts = [
        clean_text(t, "The announcement", UNBOUNDED, required=False, error=DisruptionError)
        for t in (given.text_nl, given.text_de)
    ]
    texts = [t.rstrip(". ") for t in texts]
    if not all(texts):
        raise DisruptionError("Give the announcement in Dutch and in German.")
    if any(len(t) > MAX_TEXT for t in texts):
        raise DisruptionError("An announcement is at most %(most)d characters.", most=MAX_TEXT)
    if given.severity not in {s.value for s in Severity}:
        raise DisruptionError("Choose how bad it is.")
    incident = None
    if given.incident_reference.strip():
        reference = given.incident_reference.replace(" ", "")
        incident = session.scalar(
            select(Incident).where(Incident.reference == reference, Incident.desk == desk)
        )
        if incident is None:
            raise DisruptionError(
                "There is no incident %(reference)s.", reference=given.incident_reference
            )
    disruption = Disruption(
        text_nl=texts[0],
        text_de=texts[1],
        severity=given.severity,
        incident=incident,
        started_at=now,
        started_by=author,
        desk=desk,
    )
    session.add(disruption)
    session.commit()
    return disruption


def category(disruption: Disruption, all_users_at: int, agreement: Agreement = SEED) -> int:
    """Staff's category, else the matrix's: affected callers give the impact, staff the severity."""
    if disruption.category_set is not None:
        return disruption.category_set
    count = len(disruption.affected)
    impact = (
        Impact.ALL_USERS
        if count >= all_users_at
        else Impact.SOME_USERS
        if count >= 2
        else Impact.ONE_USER
    )
    return int(agreement.categorise(impact, Severity(disruption.severity)))


def set_category(session: Session, disruption: Disruption, value: int | None) -> None:
    if value is not None and value not in {int(c) for c in Category}:
        raise DisruptionError("A category is 1, 2, 3 or 4.")
    disruption.category_set = value
    session.commit()


def add_affected(
    session: Session,
    disruption_id: int,
    call_sid: str,
    *,
    number: str | None,
    language: str,
    at: datetime,
) -> None:
    """One caller pressed 1; a retried webhook of the same call counts once."""
    exists = session.scalar(
        select(AffectedCaller.id).where(
            AffectedCaller.disruption_id == disruption_id, AffectedCaller.call_sid == call_sid
        )
    )
    if exists is None and session.get(Disruption, disruption_id) is not None:
        session.add(
            AffectedCaller(
                disruption_id=disruption_id,
                call_sid=call_sid,
                caller_number=number,
                language=language,
                at=at,
            )
        )


def end(
    session: Session,
    disruption: Disruption,
    *,
    author: str,
    now: datetime,
    messaging: Messaging,
    calendar: BusinessCalendar,
    agreement: Agreement = SEED,
) -> int:
    """End it: each affected caller gets a message (once per number); returns how many queued.

    Their own open incidents get the end as an update; for those the message was the status
    report, so their report clock starts again (the linked incident's only if its caller was
    among them)."""
    ended = claim(session, disruption, Disruption.ended_at.is_(None), ended_at=now, ended_by=author)
    if not ended:  # ended already, perhaps by a parallel request a moment ago
        session.rollback()
        raise DisruptionError("This disruption has ended already.")
    note_changed(session)  # an UPDATE outside the ORM: the callers' cache must hear it
    queued = 0
    told: set[str] = set()
    for caller in disruption.affected:
        number = caller.caller_number
        if not number or number in told:
            continue
        told.add(number)
        language = caller.language or "nl"
        text = disruption.text_de if language == "de" else disruption.text_nl
        queued += messages.queue(
            session,
            messaging,
            to=number,
            language=language,
            template=prompts.SMS_DISRUPTION_ENDED,
            key=f"disruption:{disruption.id}:{caller.id}",
            now=now,
            description=text,
        )
    for incident in _incidents_to_update(session, disruption, told):
        text = disruption.text_de if incident.language == "de" else disruption.text_nl
        add_event(
            session,
            incident,
            "update",
            now,
            author=author,
            text=_ended_text(incident.language, text),
            language=incident.language or "nl",
        )
        if told & {incident.caller_number, incident.callback_number}:
            reset_report_clock(calendar, incident, now, agreement)
    session.commit()
    return queued


def _incidents_to_update(
    session: Session, disruption: Disruption, numbers: set[str]
) -> list[Incident]:
    found = {disruption.incident.id: disruption.incident} if disruption.incident else {}
    if numbers:
        own = session.scalars(
            select(Incident).where(
                Incident.status.in_(OPEN_STATUSES),
                Incident.desk == disruption.desk,
                (Incident.callback_number.in_(numbers)) | (Incident.caller_number.in_(numbers)),
            )
        )
        found |= {i.id: i for i in own}
    return list(found.values())


def _ended_text(language: str | None, description: str) -> str:
    from ivr.i18n import render

    return render(prompts.DISRUPTION_ENDED_UPDATE, language or "nl", description=description)
