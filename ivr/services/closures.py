"""Closures and planned maintenance windows, kept by the seed's rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.domain.explained import Explained
from ivr.domain.maintenance import (
    CONSULTED_PARTIES,
    MaintenanceRuleError,
    RuleViolation,
    check_window,
)
from ivr.domain.moments import check_day, check_moment
from ivr.models import DEFAULT_DESK, Closure, MaintenanceWindow
from ivr.services.desk import Desk, business_calendar
from ivr.services.locks import write_exclusively
from ivr.services.names import checked_name
from ivr.services.roles import Scope
from ivr.services.scoped import within


class ClosureError(Explained):
    """A closure that cannot be kept as asked; the message says why."""


class LongClosure(ClosureError):
    """A closure longer than the warning span, not yet confirmed: saved only when confirmed."""

    def __init__(self, days: int, warn_days: int) -> None:
        super().__init__(
            "This closes the desk for %(days)d days (more than %(warn_days)d). Callers will hear "
            "that the desk is closed until further notice, or when it reopens. Confirm to save.",
            days=days,
            warn_days=warn_days,
        )
        self.days = days


def closures(session: Session, desks: Scope = None) -> list[Closure]:
    """The closures of `desks` (None: every desk)."""
    query = select(Closure).where(within(Closure.desk, desks)).order_by(Closure.start_date)
    return list(session.scalars(query))


@dataclass(frozen=True)
class ClosureInput:
    start: date
    end: date
    reason_nl: str
    reason_de: str


def save_closure(
    session: Session,
    given: ClosureInput,
    closure_id: int | None = None,
    *,
    warn_days: int | None = None,
    confirmed: bool = False,
    today: date | None = None,
    desk: str = DEFAULT_DESK,
) -> Closure:
    """Create or change a closure of `desk`; one longer than `warn_days` needs `confirmed`."""
    check_day(given.start, "From")
    check_day(given.end, "To")
    if given.end < given.start:
        raise ClosureError("A closure must end on or after the day it starts.")
    if today is not None and given.end < today:
        raise ClosureError("That closure lies in the past: callers would never hear it.")
    days = (given.end - given.start).days + 1
    if warn_days is not None and days > warn_days and not confirmed:
        raise LongClosure(days, warn_days)
    if not given.reason_nl.strip() or not given.reason_de.strip():
        raise ClosureError("Callers hear the reason: give it in Dutch and in German.")
    reason_nl = checked_name(given.reason_nl, "The Dutch reason", 200, ClosureError)
    reason_de = checked_name(given.reason_de, "The German reason", 200, ClosureError)
    write_exclusively(session, Closure)  # the overlap check holds against parallel saves
    row = session.get(Closure, closure_id) if closure_id is not None else Closure(desk=desk)
    if row is None or row.desk != desk:
        raise ClosureError("That closure no longer exists.")
    overlapping = session.scalar(
        select(Closure).where(
            Closure.desk == desk,
            Closure.start_date <= given.end,
            Closure.end_date >= given.start,
            Closure.id != (closure_id or 0),
        )
    )
    if overlapping is not None:
        session.rollback()
        raise ClosureError(
            "The desk is closed already from %(first)s to %(last)s (%(reason)s): change that "
            "closure instead.",
            first=overlapping.start_date,
            last=overlapping.end_date,
            reason=overlapping.reason_nl,
        )
    row.start_date, row.end_date = given.start, given.end
    row.reason_nl, row.reason_de = reason_nl, reason_de
    session.add(row)
    session.commit()
    return row


def windows(session: Session, desks: Scope = None) -> list[MaintenanceWindow]:
    """The maintenance windows of `desks` (None: every desk)."""
    query = select(MaintenanceWindow).where(within(MaintenanceWindow.desk, desks))
    return list(session.scalars(query.order_by(MaintenanceWindow.starts_at)))


@dataclass(frozen=True)
class WindowInput:
    start: datetime
    end: datetime
    description_nl: str
    description_de: str
    consulted_party: str = ""  # customer | ict_partner (CONSULTED_PARTIES)
    consulted_name: str = ""
    consulted_on: date | None = None


def save_window(
    session: Session, desk: Desk, now: datetime, given: WindowInput, window_id: int | None = None
) -> MaintenanceWindow:
    """Create or move a window; raises MaintenanceRuleError naming every rule it breaks."""
    check_moment(given.start, desk.tz, "Starts")
    check_moment(given.end, desk.tz, "Ends")
    if not given.description_nl.strip() or not given.description_de.strip():
        raise ClosureError("Callers hear the announcement: give it in Dutch and in German.")
    description_nl = checked_name(given.description_nl, "The Dutch text", 300, ClosureError)
    description_de = checked_name(given.description_de, "The German text", 300, ClosureError)
    consulted_name, not_consulted = _consultation(given, now.astimezone(desk.tz).date())
    calendar = business_calendar(desk, session, now)
    write_exclusively(session, MaintenanceWindow)  # the yearly count holds against parallel saves
    row = (
        session.get(MaintenanceWindow, window_id)
        if window_id is not None
        else MaintenanceWindow(desk=desk.key)
    )
    if row is None or row.desk != desk.key:
        session.rollback()
        raise ClosureError("That maintenance window no longer exists.")
    # The yearly limit counts the desk's own windows (issue 26).
    others = [w.starts_at for w in windows(session, (desk.key,)) if w.id != window_id]
    moved = window_id is None or given.start != row.starts_at
    announced = now if moved else row.announced_at
    agreement = desk.agreement
    violations = check_window(
        calendar,
        given.start,
        given.end,
        announced,
        others,
        most=agreement.maintenance_per_year,
        notice=agreement.maintenance_notice,
    )
    if violations or not_consulted:
        session.rollback()  # and with it the lock
        raise MaintenanceRuleError([*violations, *not_consulted])
    row.starts_at, row.ends_at, row.announced_at = given.start, given.end, announced
    row.description_nl, row.description_de = description_nl, description_de
    row.consulted_party, row.consulted_name = given.consulted_party, consulted_name
    row.consulted_on = given.consulted_on
    session.add(row)
    session.commit()
    return row


def _consultation(given: WindowInput, today: date) -> tuple[str, list[RuleViolation]]:
    """Maintenance only after consultation with the customer or its ICT partner (seed 004):
    who (which of the two, and a name) and on which day, not later than today. What is missing
    is reported with the window's other broken rules, all at once."""
    missing = []
    if given.consulted_party not in CONSULTED_PARTIES:
        missing.append(
            ("consulted_party", "Say who was consulted: the customer or its ICT partner.")
        )
    name = given.consulted_name.strip()
    if not name:
        missing.append(("consulted_name", "Give the name of the person consulted."))
    else:
        name = checked_name(name, "The name of the person consulted", 120, ClosureError)
    if given.consulted_on is None:
        missing.append(("consulted_on", "Give the day of the consultation."))
    elif given.consulted_on > today:
        missing.append(
            (
                "consulted_later",
                "The consultation must have taken place: its day cannot be later than today.",
            )
        )
    return name, [RuleViolation(code, message) for code, message in missing]


def delete(session: Session, model: type[Closure] | type[MaintenanceWindow], row_id: int) -> bool:
    row = session.get(model, row_id)
    if row is None:
        return False
    session.delete(row)
    session.commit()
    return True
