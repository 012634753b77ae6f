"""A generated history for demonstrations and scale measurements (issue 30).

Desks, agents, calls, incidents of every kind and state, their history entries, queue entries
and offers, outbox rows (tickets and text messages), disruptions, closures and maintenance
windows over `months` months, written with Core `insert()` executemany in batches (no ORM
objects). Every number is from a fictitious range (+3197 0xxx xxxx: Dutch numbers not given out to
subscribers, and +49 30 xxx in a range the generator invents); no name is a real person's.

The open work is the same size whatever the history's: only the newest incidents are still
partial, open or acknowledged (a desk's backlog does not grow with its years), so a benchmark over
5k and 500k incidents compares the cost of the history, not of a larger backlog.

SLA deadlines are a simplification: the category's targets counted in wall-clock time from the
moment the incident was received (the line counts opening time only); good enough to colour a
work list, not for a report's exact percentages.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text

from ivr.domain.reference import _luhn_digit
from ivr.domain.sla import TARGETS
from ivr.domain.triage import Category, Impact, Severity, categorise
from ivr.models import (
    Agent,
    AgentDesk,
    Call,
    Closure,
    Disruption,
    Incident,
    IncidentEvent,
    MaintenanceWindow,
    Offer,
    OutboxMessage,
    QueueEntry,
)
from ivr.privacy import mask_number

BATCH = 5_000
ACTIVE = 120  # the newest incidents, still being worked on: the backlog of any history's size
DESK_KEYS = ("default", "noord", "zuid", "oost", "west", "rijn", "maas", "eifel")
AGENTS_PER_DESK = 8
FIRST_NAMES = ("Anouk", "Bram", "Carla", "Daan", "Eva", "Finn", "Greta", "Hugo", "Ilse", "Jonas")
LAST_NAMES = ("Demo", "Proef", "Test", "Muster", "Beispiel")  # obviously not real people
UPDATES_NL = ("We onderzoeken de storing.", "Een monteur is onderweg.", "De leverancier kijkt mee.")
UPDATES_DE = (
    "Wir untersuchen die Störung.",
    "Ein Techniker ist unterwegs.",
    "Der Lieferant prüft.",
)
DIALLED = "+31970000000"  # the line's number in the generated history (fictitious range)
RECORDINGS = f"https://api.twilio.com/2010-04-01/Accounts/AC{0:032x}/Recordings"
SUMMARIES = (
    "telefoon doet het niet",
    "ik kan niet doorverbinden",
    "voicemail werkt niet",
    "das Telefon klingelt nicht",
    "keine Verbindung nach außen",
    None,
)


@dataclass(frozen=True)
class Plan:
    incidents: int
    months: int = 24
    desks: int = 3
    seed: int = 30
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        if not 1 <= self.desks <= len(DESK_KEYS):
            raise ValueError(f"desks: 1 to {len(DESK_KEYS)}")
        if self.incidents < 1 or self.months < 1:
            raise ValueError("incidents and months: at least 1")


@dataclass
class Written:
    """Rows written per table."""

    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count


class HistoryExists(Exception):
    """The database already has calls: a generated history would mix with real ones."""


def has_calls(engine: Engine) -> bool:
    with engine.connect() as connection:
        return connection.scalar(select(Call.id).limit(1)) is not None


def fake_number(rng: random.Random, german: bool) -> str:
    # +3197 0: Dutch numbers for machine-to-machine use, never a subscriber's (ACM numbering plan)
    if german:
        return f"+4930555{rng.randrange(10**6):06d}"
    return f"+31970{rng.randrange(10**8):08d}"


def _reference(n: int, offset: int) -> str:
    # 7919 is prime and coprime with 10**7: n -> payload is one-to-one, so references are unique.
    payload = f"{(n * 7919 + offset) % 10**7:07d}"
    return payload + _luhn_digit(payload)


class _Ids:
    """The next free id of each table, so rows can point at each other without RETURNING."""

    def __init__(self, connection: Connection) -> None:
        self._next: dict[str, int] = {}
        self._connection = connection

    def take(self, table: Table) -> int:
        if table.name not in self._next:
            top = self._connection.scalar(select(func.max(table.c.id)))
            self._next[table.name] = (top or 0) + 1
        value = self._next[table.name]
        self._next[table.name] += 1
        return value


class _Batches:
    """Rows per table, written BATCH at a time with one executemany."""

    def __init__(self, connection: Connection, written: Written) -> None:
        self._connection = connection
        self._pending: dict[str, tuple[Table, list[dict[str, Any]]]] = {}
        self._written = written
        # Parents first: a batch of children is written only after the batches of its parents.
        self._order: list[str] = []

    def add(self, table: Table, row: dict[str, Any]) -> None:
        if table.name not in self._pending:
            self._pending[table.name] = (table, [])
            self._order.append(table.name)
        rows = self._pending[table.name][1]
        rows.append(row)
        if len(rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for name in self._order:
            table, rows = self._pending[name]
            if rows:
                self._connection.execute(table.insert(), rows)
                self._written.add(name, len(rows))
                rows.clear()


def generate(engine: Engine, plan: Plan, progress: Callable[[int], None] | None = None) -> Written:
    """Write the history of `plan` into the database of `engine` (migrated already)."""
    written = Written()
    rng = random.Random(plan.seed)  # noqa: S311 - a repeatable fake history, no secrets
    desks = DESK_KEYS[: plan.desks]
    with engine.begin() as connection:
        ids = _Ids(connection)
        rows = _Batches(connection, written)
        agents = _agents(rows, ids, desks)
        rows.flush()
        by_desk = {desk: [a for a in agents if a[2] == desk] for desk in desks}
        for done in _IncidentWriter(rows, ids, rng, plan, by_desk).all(desks):
            if progress is not None:
                progress(done)
        _calendar(rows, ids, rng, plan, desks)
        rows.flush()
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return written


def _agents(rows: _Batches, ids: _Ids, desks: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(id, name, desk) of every agent; one in four also answers for the next desk."""
    agents = []
    table: Table = Agent.__table__  # type: ignore[assignment]
    n = 0
    for d, desk in enumerate(desks):
        for _ in range(AGENTS_PER_DESK):
            agent_id = ids.take(table)
            name = f"{FIRST_NAMES[n % 10]} {LAST_NAMES[n // 10 % 5]} {agent_id}"
            rows.add(
                table,
                {
                    "id": agent_id,
                    "name": name,
                    "address": f"client:demo-agent-{agent_id}",
                    "languages": ("nl,de", "nl", "de")[n % 3],
                    "on_duty": n % 4 != 3,
                    "presence": ("available", "on_call", "wrap_up", "away")[n % 4],
                    "presence_since": None,
                },
            )
            rows.add(AgentDesk.__table__, {"agent_id": agent_id, "desk": desk})  # type: ignore[arg-type]
            if n % 4 == 0 and len(desks) > 1:
                other = desks[(d + 1) % len(desks)]
                rows.add(AgentDesk.__table__, {"agent_id": agent_id, "desk": other})  # type: ignore[arg-type]
            agents.append((agent_id, name, desk))
            n += 1
    return agents


def _received_times(rng: random.Random, plan: Plan) -> Iterator[datetime]:
    """`plan.incidents` moments, oldest first, mostly in office hours on weekdays."""
    span = timedelta(days=30.44 * plan.months).total_seconds()
    start = plan.now - timedelta(seconds=span)
    step = span / plan.incidents
    for n in range(plan.incidents):
        at = start + timedelta(seconds=step * (n + rng.random()))
        local_hour = (at.hour + 1) % 24  # about Amsterdam's
        if (local_hour < 8 or local_hour >= 18) and rng.random() < 0.7:
            at = at.replace(hour=rng.randrange(8, 17), minute=rng.randrange(60))
        yield min(at, plan.now - timedelta(minutes=1))


def _status(n: int, total: int, rng: random.Random) -> str:
    if n < total - ACTIVE:
        return "resolved"
    return rng.choice(("partial", "open", "open", "acknowledged", "acknowledged", "resolved"))


TABLES: dict[str, Table] = {
    model.__tablename__: model.__table__  # type: ignore[misc]
    for model in (Call, Incident, IncidentEvent, OutboxMessage, QueueEntry, Offer)
}


@dataclass
class _Caller:
    """One incident's caller and call: who, when, in which language, for which desk."""

    n: int
    received: datetime
    desk: str
    language: str
    number: str
    out_of_hours: bool
    status: str
    masked: bool  # older than a retention purge: the numbers are masked, the recording gone
    incident_id: int = 0
    reference: str = ""
    kind: str = "incident"
    category: int | None = None


class _IncidentWriter:
    """Calls, incidents, their history, outbox rows and queue entries, one incident at a time."""

    def __init__(
        self,
        rows: _Batches,
        ids: _Ids,
        rng: random.Random,
        plan: Plan,
        agents: dict[str, list[tuple[int, str, str]]],
    ) -> None:
        self.rows, self.ids, self.rng, self.plan, self.agents = rows, ids, rng, plan, agents
        self.offset = rng.randrange(10**7)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.add(TABLES[table], row)

    def take(self, table: str) -> int:
        return self.ids.take(TABLES[table])

    def all(self, desks: tuple[str, ...]) -> Iterator[int]:
        rng, plan = self.rng, self.plan
        for n, received in enumerate(_received_times(rng, plan)):
            desk = desks[n % len(desks)] if rng.random() < 0.8 else rng.choice(desks)
            german = rng.random() < 0.3
            caller = _Caller(
                n=n,
                received=received,
                desk=desk,
                language="de" if german else "nl",
                number=fake_number(rng, german),
                out_of_hours=not (8 <= (received.hour + 1) % 24 < 18) or received.weekday() >= 5,
                status=_status(n, plan.incidents, rng),
                masked=received < plan.now - timedelta(days=90),
            )
            self.one(caller)
            if n % BATCH == BATCH - 1:
                yield n + 1
        self.rows.flush()
        if plan.incidents % BATCH:
            yield plan.incidents

    def one(self, caller: _Caller) -> None:
        rng = self.rng
        if rng.random() < 0.08:  # now and then a caller hangs up before a report: no incident
            lost_id = self.take("calls")
            self.add("calls", _call(lost_id, caller, duration=20, outcome="hung_up"))
        call_id = self.take("calls")
        live = caller.status == "partial" and caller.received > self.plan.now - timedelta(
            minutes=10
        )
        duration = None if live else rng.randrange(40, 600)
        self.add("calls", _call(call_id, caller, duration, None if live else "reported"))
        roll = rng.random()
        caller.kind = "incident" if roll < 0.8 else "question" if roll < 0.93 else "standard_change"
        caller.incident_id = self.take("incidents")
        caller.reference = _reference(caller.n, self.offset)
        agent = rng.choice(self.agents[caller.desk])[1]
        acked, resolved = self.incident(caller, call_id, agent)
        self.history(caller, agent, acked, resolved)
        self.outbox(caller, resolved)
        if not caller.out_of_hours and rng.random() < 0.5:
            self.queued(caller, f"CA{call_id:032x}")

    def incident(
        self, caller: _Caller, call_id: int, agent: str
    ) -> tuple[datetime | None, datetime | None]:
        rng, received, status = self.rng, caller.received, caller.status
        impact = severity = None
        if caller.kind == "incident":
            impact, severity = rng.choice(list(Impact)), rng.choice(list(Severity))
            caller.category = int(categorise(impact, severity))
        reaction_due = restore_due = report_due = None
        if caller.category is not None:
            targets = TARGETS[Category(caller.category)]
            reaction_due = received + targets.reaction
            restore_due = received + targets.restore if targets.restore else None
            if targets.status_report_every and status != "resolved":
                report_due = received + targets.status_report_every
        acked = resolved = None
        if status in ("acknowledged", "resolved"):
            acked = received + timedelta(minutes=rng.randrange(2, 90))
        if status == "resolved" and acked is not None:
            resolved = min(acked + timedelta(minutes=rng.randrange(10, 60 * 20)), self.plan.now)
            acked = min(acked, resolved)
        number = mask_number(caller.number) if caller.masked else caller.number
        recording = f"RE{caller.incident_id:032x}"
        self.add(
            "incidents",
            {
                "id": caller.incident_id,
                "desk": caller.desk,
                "reference": caller.reference,
                "call_id": call_id,
                "kind": caller.kind,
                "language": caller.language,
                "impact": str(impact) if impact else None,
                "severity": str(severity) if severity else None,
                "category": caller.category,
                "status": status,
                "caller_number": number,
                "callback_number": None if status == "partial" else number,
                "recording_sid": None if caller.masked else recording,
                "recording_url": None if caller.masked else f"{RECORDINGS}/{recording}",
                "recording_duration": None if caller.masked else rng.randrange(5, 90),
                "taken_out_of_hours": caller.out_of_hours,
                "received_at": received,
                "pickup_at": None,
                "reaction_due": reaction_due,
                "restore_due": restore_due,
                "status_report_due": report_due,
                "appointment_at": received + timedelta(days=3) if caller.category == 4 else None,
                "change_due": received + timedelta(days=2)
                if caller.kind == "standard_change"
                else None,
                "summary": rng.choice(SUMMARIES),
                "summary_confidence": round(rng.uniform(0.4, 0.98), 2),
                "support_incident": rng.random() < 0.1,
                "acknowledged_at": acked,
                "acknowledged_by": agent if acked else None,
                "resolved_at": resolved,
                "resolved_by": agent if resolved else None,
                "updated_at": resolved or acked or received,
            },
        )
        return acked, resolved

    def history(
        self, caller: _Caller, agent: str, acked: datetime | None, resolved: datetime | None
    ) -> None:
        if acked is None:
            return
        self.add("incident_events", self.event(caller, "acknowledged", acked, agent))
        for u in range(self.rng.choice((0, 1, 1, 2))):
            at = acked + timedelta(minutes=5 + 30 * u)
            if resolved is None or at < resolved:
                update = (UPDATES_DE if caller.language == "de" else UPDATES_NL)[u % 3]
                event = self.event(caller, "update", at, agent)
                self.add("incident_events", event | {"text": update, "language": caller.language})
        if resolved is not None:
            self.add("incident_events", self.event(caller, "resolved", resolved, agent))

    def event(self, caller: _Caller, kind: str, at: datetime, author: str) -> dict[str, Any]:
        return {
            "id": self.take("incident_events"),
            "incident_id": caller.incident_id,
            "kind": kind,
            "at": at,
            "author": author,
            "text": None,
            "language": None,
            "value_at": None,
            "previous_at": None,
        }

    def outbox(self, caller: _Caller, resolved: datetime | None) -> None:
        """The ticket for the ticket system and, now and then, the text message at resolution."""
        if caller.status != "partial":
            ticket = _outbox(self.take("outbox"), caller, "ticket", caller.received)
            self.add("outbox", ticket | {"event": "incident.created"})
        # Text messages older than the retention were deleted by the daily purge.
        if resolved is not None and not caller.masked and self.rng.random() < 0.4:
            sms = _outbox(self.take("outbox"), caller, "sms", resolved)
            self.add(
                "outbox",
                sms
                | {
                    "recipient": None if caller.masked else caller.number,
                    "language": caller.language,
                    "dedupe_key": f"resolved:{caller.incident_id}",
                    "external_id": f"SM{caller.incident_id:032x}",
                    "delivery_status": "delivered",
                },
            )

    def queued(self, caller: _Caller, call_sid: str) -> None:
        """A finished wait in the queue, with the offers made to agents on the way."""
        rng, received = self.rng, caller.received
        roll = rng.random()
        offers: tuple[str, ...]
        if roll < 0.7:
            status, mode, reason = "done", "line", None
            offers = ("accepted",) if rng.random() < 0.6 else ("missed", "accepted")
        elif roll < 0.8:
            status, mode, reason, offers = "done", "callback", "callback", ("done",)
        elif roll < 0.9:
            status, mode, reason, offers = "left", "line", None, ()
        else:
            status, mode, reason, offers = "report", "line", "report", ("declined",)
        entry_id = self.take("queue_entries")
        ended = received + timedelta(seconds=rng.randrange(30, 400))
        callback = mode == "callback"
        self.add(
            "queue_entries",
            {
                "id": entry_id,
                "desk": caller.desk,
                "call_sid": call_sid,
                "reference": caller.reference,
                "language": caller.language,
                "kind": caller.kind,
                "category": caller.category,
                "impact": None,
                "severity": None,
                "status": status,
                "mode": mode,
                "enqueued_at": received,
                "last_seen_at": received + timedelta(seconds=30),
                "in_queue_at": received + timedelta(seconds=2),
                "told_position": rng.randrange(1, 4),
                "leave_reason": reason,
                "callback_number": caller.number if callback and not caller.masked else None,
                "callback_attempts": 1 if callback else 0,
                "retry_at": None,
                "failed_offers": 0,
                "ended_at": ended,
                "callback_requested_at": received + timedelta(seconds=60) if callback else None,
            },
        )
        for offer_status in offers:
            offer_id = self.take("offers")
            self.add(
                "offers",
                {
                    "id": offer_id,
                    "entry_id": entry_id,
                    "agent_id": rng.choice(self.agents[caller.desk])[0],
                    "call_sid": f"CA{offer_id:030x}ff",
                    "status": offer_status,
                    "agent_free_since": None,
                    "created_at": received + timedelta(seconds=5),
                    "placed_at": received + timedelta(seconds=6),
                    "accepted_at": received + timedelta(seconds=20)
                    if offer_status in ("accepted", "done")
                    else None,
                    "ended_at": ended,
                    "callee_confirmed_at": None,
                },
            )


def _call(
    call_id: int, caller: _Caller, duration: int | None, outcome: str | None
) -> dict[str, Any]:
    started = caller.received
    return {
        "id": call_id,
        "desk": caller.desk,
        "call_sid": f"CA{call_id:032x}",
        "from_number": mask_number(caller.number) if caller.masked else caller.number,
        "to_number": DIALLED,
        "language": caller.language,
        "started_at": started,
        "ended_at": started + timedelta(seconds=duration) if duration is not None else None,
        "duration_seconds": duration,
        "twilio_status": "completed" if duration is not None else "in-progress",
        "route": "closed" if caller.out_of_hours else "open",
        "outcome": outcome,
        "agent_name": None,
    }


def _outbox(outbox_id: int, caller: _Caller, channel: str, at: datetime) -> dict[str, Any]:
    return {
        "id": outbox_id,
        "desk": caller.desk,
        "channel": channel,
        "incident_id": caller.incident_id,
        "event": channel,
        "payload": '{"demo": true}',
        "recipient": None,
        "language": None,
        "dedupe_key": None,
        "external_id": None,
        "attempts": 1,
        "next_attempt_at": at,
        "delivered_at": at + timedelta(seconds=3),
        "given_up_at": None,
        "last_error": None,
        "created_at": at,
        "delivery_status": None,
        "delivery_error": None,
    }


def _calendar(
    rows: _Batches, ids: _Ids, rng: random.Random, plan: Plan, desks: tuple[str, ...]
) -> None:
    """Closures (the Dutch public holidays' extra days), maintenance windows and disruptions."""
    closures_t: Table = Closure.__table__  # type: ignore[assignment]
    windows_t: Table = MaintenanceWindow.__table__  # type: ignore[assignment]
    disruptions_t: Table = Disruption.__table__  # type: ignore[assignment]
    first = (plan.now - timedelta(days=30.44 * plan.months)).date()
    for desk in desks:
        for year in range(first.year, plan.now.year + 2):
            day = date(year, 12, 24)
            rows.add(
                closures_t,
                {
                    "id": ids.take(closures_t),
                    "desk": desk,
                    "start_date": day,
                    "end_date": day,
                    "reason_nl": "Kerstavond (demo)",
                    "reason_de": "Heiligabend (Demo)",
                },
            )
        # All in the past and over: an announcement at `now` would change every call's flow.
        for month in range(plan.months):
            starts = plan.now - timedelta(days=30.44 * (plan.months - month) - 3)
            starts = starts.replace(hour=21, minute=0, second=0, microsecond=0)
            rows.add(
                windows_t,
                {
                    "id": ids.take(windows_t),
                    "desk": desk,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "announced_at": starts - timedelta(days=7),
                    "description_nl": "Onderhoud aan de centrale (demo)",
                    "description_de": "Wartung der Telefonanlage (Demo)",
                    "consulted_party": "customer",
                    "consulted_name": "Demo Klant",
                    "consulted_on": (starts - timedelta(days=10)).date(),
                },
            )
            began = starts - timedelta(days=10, hours=11)
            rows.add(
                disruptions_t,
                {
                    "id": ids.take(disruptions_t),
                    "desk": desk,
                    "text_nl": "Er is een storing bij het bellen naar buiten",
                    "text_de": "Es gibt eine Störung bei Anrufen nach außen",
                    "severity": rng.choice((Severity.CANNOT_WORK, Severity.FUNCTIONS_FAIL)).value,
                    "category_set": None,
                    "incident_id": None,
                    "started_at": began,
                    "started_by": "demo",
                    "ended_at": began + timedelta(hours=3),
                    "ended_by": "demo",
                },
            )


def _reset_sequences(connection: Connection) -> None:
    """Explicit ids leave PostgreSQL's sequences behind: the next insert would collide."""
    for table in (
        "agents",
        "calls",
        "incidents",
        "incident_events",
        "outbox",
        "queue_entries",
        "offers",
        "closures",
        "maintenance_windows",
        "disruptions",
    ):
        sql = (  # the names are the constants above, never input
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )
        connection.execute(text(sql))
