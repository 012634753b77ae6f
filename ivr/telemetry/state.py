"""Figures read at scrape time: the database and the spool say how the line stands right now.

Read once per scrape by a custom collector, so no service has to keep a gauge up to date and
every worker answers the same. Label values come from closed sets (states, languages, codes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ivr import spool
from ivr.domain.call_outcome import Outcome, classify
from ivr.models import Agent, AgentDesk, Call, Incident, LineAlert, OutboxMessage, QueueEntry
from ivr.services.desk import business_calendar
from ivr.services.desks import Desks, line_desks
from ivr.services.presence import PRESENCES
from ivr.services.queue import free_agents_by_desk

log = logging.getLogger(__name__)

LANGUAGES = ("nl", "de")
CONNECTORS = ("ticket", "sms")
TICKET_SYSTEMS = ("webhook", "topdesk", "zammad")
CATEGORIES = ("1", "2", "3", "4", "none")
INCIDENT_STATES = ("partial", "open", "acknowledged", "resolved")
TEXT_STATES = (
    "waiting", "sent", "pending", "delivered", "undelivered", "failed",
    "partially_delivered", "canceled", "refused",
)  # fmt: skip
LINE_ALERT_KINDS = ("calls", "messages")
WAITING = ("waiting", "offered")


def _gauge(name: str, doc: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=labels)


class LineState(Collector):
    """A prometheus_client collector over the database and the spool of one app."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        desks: Callable[[], Desks],
        now: Callable[[], datetime],
    ) -> None:
        self.sessions, self.desks, self.now = sessions, desks, now

    def collect(self) -> Iterator[Metric]:
        yield from self._spool()
        up = GaugeMetricFamily("ivr_database_up", "1 when the database answered this scrape")
        try:
            with self.sessions() as session:
                figures = list(self._database(session, self.now()))
        except SQLAlchemyError as exc:
            log.warning("metrics: database unreachable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from figures

    def _spool(self) -> Iterator[Metric]:
        directory = Path(self.desks().first.spool_dir)
        status = spool.status(directory) if directory.is_dir() else spool.Status(0, 0, 0)
        files = [directory / spool.SPOOL_FILE, *directory.glob(spool.CLAIM_PREFIX + "*")]
        present = [path for path in files if path.exists()]
        events = _gauge("ivr_spool_events", "Events in the spool waiting for the database", [])
        events.add_metric([], status.waiting)
        yield events
        count = _gauge("ivr_spool_files", "Spool files waiting for replay", [])
        count.add_metric([], len(present))
        yield count
        size = _gauge("ivr_spool_bytes", "Size of the spool files waiting for replay", [])
        size.add_metric([], sum(path.stat().st_size for path in present))
        yield size
        dead = _gauge("ivr_spool_dead_letters", "Spooled events that can never be applied", [])
        dead.add_metric([], status.dead)
        yield dead

    def _database(self, session: Session, now: datetime) -> Iterator[Metric]:
        yield from self._queue(session, now)
        yield from self._agents(session)
        yield from self._outbox(session, now)
        yield from self._texts(session)
        yield from self._incidents(session)
        yield from self._calls(session)
        yield from self._line_alerts(session)
        desk_open = _gauge("ivr_desk_open", "1 within opening hours (closures counted)", ["desk"])
        for desk in self.desks():
            desk_open.add_metric(
                [desk.key], int(business_calendar(desk, session, now).is_open(now))
            )
        yield desk_open

    def _queue(self, session: Session, now: datetime) -> Iterator[Metric]:
        rows = session.execute(
            select(QueueEntry.desk, QueueEntry.mode, QueueEntry.language)
            .add_columns(func.count(), func.min(QueueEntry.enqueued_at))
            .where(QueueEntry.status.in_(WAITING))
            .group_by(QueueEntry.desk, QueueEntry.mode, QueueEntry.language)
        ).all()
        found = {(desk, mode, lang): (n, since) for desk, mode, lang, n, since in rows}
        desks = [*self.desks().keys, *sorted({desk for desk, *_ in found} - set(self.desks().keys))]
        waiting = _gauge("ivr_callers_waiting", "Callers waiting on the line", ["desk", "language"])
        longest = _gauge(
            "ivr_longest_wait_seconds", "How long the first caller has waited", ["desk", "language"]
        )
        callbacks = _gauge(
            "ivr_callbacks_waiting", "Callers waiting to be called back", ["desk", "language"]
        )
        for desk in desks:
            for language in LANGUAGES:
                n, since = found.get((desk, "line", language), (0, None))
                waiting.add_metric([desk, language], n)
                longest.add_metric([desk, language], _age(since, now))
                queued = found.get((desk, "callback", language), (0,))[0]
                callbacks.add_metric([desk, language], queued)
        yield from (waiting, longest, callbacks)

    def _agents(self, session: Session) -> Iterator[Metric]:
        # An agent of several desks counts at each of them.
        rows = session.execute(
            select(AgentDesk.desk, Agent.presence, func.count())
            .join(Agent, Agent.id == AgentDesk.agent_id)
            .group_by(AgentDesk.desk, Agent.presence)
        ).all()
        counted = {(desk, presence): n for desk, presence, n in rows}
        by_presence = _gauge("ivr_agents", "Agents by presence", ["desk", "presence"])
        free = _gauge(
            "ivr_agents_available", "Agents available for a call, by language", ["desk", "language"]
        )
        available = free_agents_by_desk(session)  # one statement, however many desks
        for desk in self.desks().keys:
            for presence in PRESENCES:
                by_presence.add_metric([desk, presence], counted.get((desk, presence), 0))
            for language in LANGUAGES:
                free.add_metric([desk, language], available[desk, language])
        yield from (by_presence, free)

    def _outbox(self, session: Session, now: datetime) -> Iterator[Metric]:
        open_ = and_(OutboxMessage.delivered_at.is_(None), OutboxMessage.given_up_at.is_(None))
        rows = session.execute(
            select(OutboxMessage.channel, func.count(), func.min(OutboxMessage.created_at))
            .where(open_)
            .group_by(OutboxMessage.channel)
        ).all()
        found = {channel: (n, since) for channel, n, since in rows}
        backlog = _gauge("ivr_outbox_backlog", "Messages waiting to be sent", ["connector"])
        oldest = _gauge(
            "ivr_outbox_oldest_age_seconds", "Age of the oldest message waiting", ["connector"]
        )
        for connector in CONNECTORS:
            n, since = found.get(connector, (0, None))
            backlog.add_metric([connector], n)
            oldest.add_metric([connector], _age(since, now))
        yield from (backlog, oldest)
        yield self._refused_tickets(session)

    def _refused_tickets(self, session: Session) -> Metric:
        """Tickets the system refused (issue 28): they wait for staff, not for the sender."""
        refused = _gauge(
            "ivr_tickets_refused",
            "Incidents the ticket system refused, waiting for staff to retry",
            ["system"],
        )
        system = func.coalesce(OutboxMessage.connector, "webhook")
        rows = session.execute(
            select(system, func.count())
            .where(OutboxMessage.channel == "ticket", OutboxMessage.given_up_at.is_not(None))
            .group_by(system)
        ).all()
        for name in TICKET_SYSTEMS:
            refused.add_metric([name], dict(rows).get(name, 0))
        return refused

    def _texts(self, session: Session) -> Iterator[Metric]:
        rows = session.execute(
            select(
                OutboxMessage.delivered_at.is_not(None),
                OutboxMessage.given_up_at.is_not(None),
                OutboxMessage.delivery_status,
                func.count(),
            )
            .where(OutboxMessage.channel == "sms")
            .group_by(
                OutboxMessage.delivered_at.is_not(None),
                OutboxMessage.given_up_at.is_not(None),
                OutboxMessage.delivery_status,
            )
        ).all()
        counts = dict.fromkeys(TEXT_STATES, 0)
        for sent, refused, status, n in rows:
            state = "refused" if refused else status or ("sent" if sent else "waiting")
            if state in counts:
                counts[state] += n
        texts = _gauge("ivr_text_messages", "Text messages to callers by delivery state", ["state"])
        for state, n in counts.items():
            texts.add_metric([state], n)
        yield texts

    def _incidents(self, session: Session) -> Iterator[Metric]:
        rows = session.execute(
            select(Incident.category, Incident.status, func.count()).group_by(
                Incident.category, Incident.status
            )
        ).all()
        counts = {(c, s): 0 for c in CATEGORIES for s in INCIDENT_STATES}
        for category, status, n in rows:
            key = (str(category) if category is not None else "none", status)
            if key in counts:
                counts[key] += n
        incidents = _gauge(
            "ivr_incidents", "Incidents kept, by category and state", ["category", "state"]
        )
        for (category, state), n in counts.items():
            incidents.add_metric([category, state], n)
        yield incidents

    def _calls(self, session: Session) -> Iterator[Metric]:
        kept = and_(
            Incident.id.is_not(None),
            or_(Incident.status != "partial", Incident.recording_url.is_not(None)),
        )
        rows = session.execute(
            select(Call.outcome, kept, Incident.taken_out_of_hours, func.count())
            .outerjoin(Incident, Incident.call_id == Call.id)
            .group_by(Call.outcome, kept, Incident.taken_out_of_hours)
        ).all()
        counts = dict.fromkeys(Outcome, 0)
        for noted, report, out_of_hours, n in rows:
            counts[classify(noted, bool(report), bool(report) and bool(out_of_hours))] += n
        calls = _gauge("ivr_calls", "Calls kept (RETENTION_DAYS), by how they ended", ["outcome"])
        for outcome, n in counts.items():
            calls.add_metric([outcome.value], n)
        yield calls

    def _line_alerts(self, session: Session) -> Iterator[Metric]:
        raised = {row.kind: row.code for row in session.scalars(select(LineAlert))}
        alert = _gauge(
            "ivr_line_alert", "1 while Twilio refuses the account for calls or messages", ["kind"]
        )
        code = _gauge("ivr_line_alert_code", "Twilio's error code of the line alert", ["kind"])
        for kind in LINE_ALERT_KINDS:
            alert.add_metric([kind], int(kind in raised))
            code.add_metric([kind], raised.get(kind, 0))
        yield from (alert, code)


def _age(since: datetime | None, now: datetime) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0


def collector(app: Any) -> LineState:
    """The collector for `app`, reading with its own sessions and its clock."""
    from ivr import services

    database = app.extensions["ivr.db"]
    return LineState(database.sessions, lambda: line_desks(app.extensions), services.now)
