"""The servicedesk's settings as domain objects, and its business calendar with today's closures."""

from __future__ import annotations

import logging
import time
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ivr.domain.agreement import SEED, Agreement
from ivr.domain.calendar import BusinessCalendar, Closure
from ivr.domain.holidays import HolidayCalendar
from ivr.domain.hours import OpeningHours
from ivr.models import DEFAULT_DESK, MaintenanceWindow
from ivr.models import Closure as ClosureRow
from ivr.services.announcements import AnnouncementCache
from ivr.services.messages import Messaging

log = logging.getLogger(__name__)


class ClosureCache:
    """Closures as read at most `seconds` ago, per process.

    Nearly every webhook asks whether the desk is open, and closures change a few times a year;
    a closure saved in the console reaches every worker within `seconds`.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._read: tuple[date, float, Mapping[str, tuple[Closure, ...]]] | None = None

    def around(
        self, session: Session, today: date, desk: str = DEFAULT_DESK
    ) -> tuple[Closure, ...]:
        """The closures of `desk`. Every desk's are read in one statement and kept together, so
        the desks of a line share one cache and many desks cost no more reads than one."""
        read = self._read
        if read and read[0] == today and time.monotonic() - read[1] < self.seconds:
            return read[2].get(desk, ())
        by_desk = closures_by_desk(session, today)
        self._read = (today, time.monotonic(), by_desk)  # one assignment: safe across threads
        return by_desk.get(desk, ())

    def clear(self) -> None:
        self._read = None


def ticket_system(config: Mapping[str, Any]) -> str:
    """The connector incidents go through (issue 28): `TICKET_SYSTEM`, or the signed webhook
    when only `INCIDENT_WEBHOOK_URL` is set (as before there was a choice); "" for none."""
    return config.get("TICKET_SYSTEM") or ("webhook" if config["INCIDENT_WEBHOOK_URL"] else "")


def own_ticket_system(tickets: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """A desk's system from its DESKS_FILE overrides: `ticket_system = ""` there means none,
    a desk that names no system has the environment's."""
    if "TICKET_SYSTEM" in tickets:
        return str(tickets["TICKET_SYSTEM"])
    return ticket_system(ChainMap(dict(tickets), config))


@dataclass(frozen=True)
class Desk:
    """Everything the call flow needs to know about one desk, parsed once at start-up."""

    hours: OpeningHours
    tz: ZoneInfo
    holidays: HolidayCalendar
    dial_timeout: int
    recording_max: int
    retention_days: int
    spool_dir: str
    caller_key_secret: str
    fallback_number: str
    handoff: bool = False  # incidents go to the ticket system (`ticket_system` names one)
    messages_from: str = ""  # text messages to callers are sent (MESSAGES_FROM is set)
    cti: bool = False  # Zammad's caller log hears of every call (ZAMMAD_CTI_URL is set)
    closures: ClosureCache = field(default_factory=lambda: ClosureCache(0), compare=False)
    announcements: AnnouncementCache = field(
        default_factory=lambda: AnnouncementCache(0), compare=False
    )
    # Which desk (issue 26): its key in the database, its name, the numbers that reach it
    # (Twilio's `To`) and its languages in menu order (the first greets a new caller).
    key: str = DEFAULT_DESK
    name: str = "Servicedesk"
    numbers: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("nl", "de")
    agreement: Agreement = field(default=SEED, compare=False)
    # Where each setting came from ("environment: OPENING_HOURS", "file.toml [desk.x]"),
    # shown by `flask desks show` and the console's desks page.
    origins: Mapping[str, str] = field(default_factory=dict, compare=False)
    # The desk's own ticket system (DESKS_FILE ticket_system and its sub-table, issue 28): the
    # settings it overrides, secrets already read from their variables; {}: the environment's.
    tickets: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], **desk: Any) -> Desk:
        """The desk the environment describes; `desk` overrides some of it (DESKS_FILE)."""
        values: dict[str, Any] = dict(
            hours=OpeningHours.parse(config["OPENING_HOURS"]),
            tz=ZoneInfo(config["IVR_TIMEZONE"]),
            holidays=HolidayCalendar(
                country=config["HOLIDAY_COUNTRY"],
                subdiv=config["HOLIDAY_SUBDIV"] or None,
                categories=tuple(config["HOLIDAY_CATEGORIES"]) or None,
            ),
            dial_timeout=config["DIAL_TIMEOUT_SECONDS"],
            recording_max=config["RECORDING_MAX_SECONDS"],
            retention_days=config["RETENTION_DAYS"],
            spool_dir=config["SPOOL_DIR"],
            caller_key_secret=config["SECRET_KEY"],
            fallback_number=config["FALLBACK_NUMBER"],
            handoff=bool(ticket_system(config)),
            messages_from=config["MESSAGES_FROM"],
            cti=bool(config["ZAMMAD_CTI_URL"]),
            closures=ClosureCache(config["CLOSURES_CACHE_SECONDS"]),
            announcements=AnnouncementCache(config["ANNOUNCEMENTS_CACHE_SECONDS"]),
        )
        tickets = desk.get("tickets") or {}
        if tickets:  # the desk's own system decides whether incidents and calls go out
            values["handoff"] = bool(own_ticket_system(tickets, config))
            values["cti"] = bool(ChainMap(dict(tickets), config)["ZAMMAD_CTI_URL"])
        return cls(**(values | desk))

    def messaging(self) -> Messaging:
        return Messaging(self.messages_from, self.caller_key_secret, self.key)

    def calendar(self, closures: tuple[Closure, ...] = ()) -> BusinessCalendar:
        return BusinessCalendar(self.hours, self.tz, self.holidays, closures)


def desk_settings(config: Mapping[str, Any], desk: Desk) -> Mapping[str, Any]:
    """The settings a desk's connector is built from: its own over the environment's."""
    if not desk.tickets:
        return config
    return ChainMap({**desk.tickets, "IVR_TIMEZONE": desk.tz.key}, config)


def closures_by_desk(
    session: Session, today: date, days: int = 400
) -> dict[str, tuple[Closure, ...]]:
    """Per desk, the closures that can matter for the next opening or an SLA clock from today."""
    rows = session.scalars(
        select(ClosureRow).where(
            ClosureRow.end_date >= today - timedelta(days=31),
            ClosureRow.start_date <= today + timedelta(days=days),
        )
    )
    found: dict[str, list[Closure]] = {}
    for r in rows:
        found.setdefault(r.desk, []).append(
            Closure(r.start_date, r.end_date, r.reason_nl, r.reason_de)
        )
    return {desk: tuple(closures) for desk, closures in found.items()}


def closures_around(
    session: Session, today: date, days: int = 400, desk: str = DEFAULT_DESK
) -> tuple[Closure, ...]:
    """A desk's closures that can matter for the next opening or an SLA clock from today."""
    return closures_by_desk(session, today, days).get(desk, ())


def business_calendar(desk: Desk, session: Session | None, now: datetime) -> BusinessCalendar:
    """The calendar with closures from the database; without them if the database is down."""
    if session is None:
        return desk.calendar()
    try:
        today = now.astimezone(desk.tz).date()
        return desk.calendar(desk.closures.around(session, today, desk.key))
    except SQLAlchemyError as exc:
        log.error("closures unavailable (%s): calendar without them", type(exc).__name__)
        session.rollback()
        return desk.calendar()


def maintenance_windows(
    session: Session, now: datetime, desk: str = DEFAULT_DESK
) -> list[MaintenanceWindow]:
    """A desk's windows still to come or running: the call flow announces those within three
    days."""
    return list(
        session.scalars(
            select(MaintenanceWindow)
            .where(MaintenanceWindow.desk == desk, MaintenanceWindow.ends_at > now)
            .order_by(MaintenanceWindow.starts_at)
        )
    )
