"""Tables of the phone line: calls, incidents, agents, closures, maintenance, console access."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ivr.db import Base

# The desk a row belongs to (issue 26). Rows from before desks existed, and every row of a line
# without DESKS_FILE, are in this one; `flask --app app desks move` renames it.
DEFAULT_DESK = "default"
DESK_KEY_LENGTH = 32


def desk_column(*, index: bool = False) -> Mapped[str]:
    return mapped_column(String(DESK_KEY_LENGTH), server_default=DEFAULT_DESK, index=index)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (no zones) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Call(Base):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk: Mapped[str] = desk_column(index=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str | None] = mapped_column(String(64))
    to_number: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(2))
    # The report's month, the call log's newest first (issue 30).
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    twilio_status: Mapped[str | None] = mapped_column(String(32))
    # open | closed: which branch the caller took; outcome: how the call ended for the caller.
    route: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(32))
    agent_name: Mapped[str | None] = mapped_column(String(80))

    incident: Mapped[Incident | None] = relationship(back_populates="call")


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk: Mapped[str] = desk_column(index=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # incident | question | standard_change
    language: Mapped[str | None] = mapped_column(String(2))
    impact: Mapped[str | None] = mapped_column(String(16))
    severity: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[int | None] = mapped_column(Integer)
    # partial (caller still answering or hung up) | open | acknowledged | resolved
    status: Mapped[str] = mapped_column(String(16), default="partial", index=True)
    caller_number: Mapped[str | None] = mapped_column(String(64))
    callback_number: Mapped[str | None] = mapped_column(String(64))
    recording_sid: Mapped[str | None] = mapped_column(String(64))
    recording_url: Mapped[str | None] = mapped_column(String(512))
    recording_duration: Mapped[int | None] = mapped_column(Integer)
    taken_out_of_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    pickup_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reaction_due: Mapped[datetime | None] = mapped_column(UtcDateTime())
    restore_due: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # the next status report the caller is owed (None: resolved, or no appointment agreed yet)
    status_report_due: Mapped[datetime | None] = mapped_column(UtcDateTime())
    appointment_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # category 4
    change_due: Mapped[datetime | None] = mapped_column(UtcDateTime())  # a standard change
    # Not a fault of the service (network, configuration at the customer): billed differently.
    # The caller's one sentence about the problem (speech recognition) and its confidence.
    summary: Mapped[str | None] = mapped_column(String(500))
    summary_confidence: Mapped[float | None] = mapped_column(Float)
    support_incident: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    call: Mapped[Call | None] = relationship(back_populates="incident")
    history: Mapped[list[IncidentEvent]] = relationship(
        back_populates="incident", order_by="IncidentEvent.id"
    )


class IncidentEvent(Base):
    """One entry of an incident's history: a status update, acknowledged, resolved, a changed
    deadline or an agreed appointment; who did it and when."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    # update | acknowledged | resolved | restore_corrected | appointment
    kind: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    author: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str | None] = mapped_column(Text)  # the update, or the reason for a change
    language: Mapped[str | None] = mapped_column(String(2))  # the language the text is in
    value_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # a new deadline or time
    previous_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    incident: Mapped[Incident] = relationship(back_populates="history")


# The retention purge looks only at rows it has not purged yet (issue 30): partial indexes of the
# rows still holding personal data, whose conditions are the purge's (ivr/services/retention.py),
# so its cost is the day's new rows, not the years of masked ones.
MASKED = "%*%"  # a masked number (ivr.privacy.mask_number) has stars in it
# In parentheses: a text() is not grouped when a query ANDs it with its other conditions.
UNPURGED_INCIDENT = text(
    "(recording_url IS NOT NULL OR recording_sid IS NOT NULL"
    f" OR caller_number NOT LIKE '{MASKED}' OR callback_number NOT LIKE '{MASKED}')"
)
UNMASKED_CALL = text(f"(from_number NOT LIKE '{MASKED}')")
Index(
    "ix_incidents_unpurged",
    Incident.received_at,
    Incident.id,
    postgresql_where=UNPURGED_INCIDENT,
    sqlite_where=UNPURGED_INCIDENT,
)
Index(
    "ix_calls_unmasked",
    Call.started_at,
    Call.id,
    postgresql_where=UNMASKED_CALL,
    sqlite_where=UNMASKED_CALL,
)


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # E.164 number, `sip:` URI or `client:` identity; one agent per address
    address: Mapped[str] = mapped_column(String(255), unique=True)
    languages: Mapped[str] = mapped_column(String(16), default="nl,de")
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)  # presence is not `away`
    # available | ringing | on_call | wrap_up | away (ivr/services/presence.py changes it)
    presence: Mapped[str] = mapped_column(String(16), default="available", index=True)
    presence_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    presence_note: Mapped[str | None] = mapped_column(String(120))  # "missed an offer", ...
    # The console user who is this agent: they see and set their own presence on every page.
    username: Mapped[str | None] = mapped_column(String(80), unique=True)

    @property
    def language_list(self) -> list[str]:
        return language_codes(self.languages)


def language_codes(languages: str) -> list[str]:
    """The codes of an agent's `languages` column ("nl,de")."""
    return [code for code in languages.split(",") if code]


class AgentDesk(Base):
    """A desk an agent answers for; an agent may serve several."""

    __tablename__ = "agent_desks"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True)
    desk: Mapped[str] = mapped_column(String(DESK_KEY_LENGTH), primary_key=True)


class Closure(Base):
    """An extra closed day or span: a decree-equated day (Atw art. 3 lid 3), a company outing."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk: Mapped[str] = desk_column()
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason_nl: Mapped[str] = mapped_column(String(200))
    reason_de: Mapped[str] = mapped_column(String(200))


class MaintenanceWindow(Base):
    __tablename__ = "maintenance_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk: Mapped[str] = desk_column()
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    announced_at: Mapped[datetime] = mapped_column(UtcDateTime())
    description_nl: Mapped[str] = mapped_column(String(300))
    description_de: Mapped[str] = mapped_column(String(300))
    # Who was consulted and when (seed: only after consultation); empty for windows from before.
    consulted_party: Mapped[str | None] = mapped_column(String(16))  # customer | ict_partner
    consulted_name: Mapped[str | None] = mapped_column(String(120))
    consulted_on: Mapped[date | None] = mapped_column(Date)


class CallerLanguage(Base):
    """A returning caller's language, keyed by a keyed hash of the number (not the number)."""

    __tablename__ = "caller_languages"

    id: Mapped[int] = mapped_column(primary_key=True)
    caller_key: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(5))  # console language; None: browser's
    # In the signed session cookie and checked on every request: raised on logout, on a password
    # change and when the user is disabled, it ends every session issued before.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


# "Lead" and "lead" would be two people to the login and one to anyone reading a history.
Index("uq_users_username_lower", func.lower(User.username), unique=True)


class LoginFailure(Base):
    """A wrong password, kept for the throttle window (per account and per address)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class AgentPinFailure(Base):
    """A wrong agent PIN keyed by phone, by a keyed hash of the calling number (not the number):
    kept for the PIN lock's window (ivr/services/pin_tries.py)."""

    __tablename__ = "agent_pin_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    caller_key: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


# Roles, per desk: agent | lead | admin. An admin's row has the desk "*" (every desk).
ALL_DESKS = "*"


class UserRole(Base):
    """A console user's role on one desk."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    desk: Mapped[str] = mapped_column(String(DESK_KEY_LENGTH), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))


class TokenRole(Base):
    """An API token's role on one desk, scoped as a user's is."""

    __tablename__ = "token_roles"

    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"), primary_key=True)
    desk: Mapped[str] = mapped_column(String(DESK_KEY_LENGTH), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))


class OutboxMessage(Base):
    """Something to send: an incident for the ticket system (channel "ticket") or a text message
    to a caller (channel "sms"); sent at least once, then kept as sent."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk: Mapped[str] = desk_column(index=True)
    channel: Mapped[str] = mapped_column(String(8), default="ticket", server_default="ticket")
    # An incident page's text messages (issue 30).
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    # A text message: who gets it (personal data, purged after RETENTION_DAYS), in which language,
    # and a key that makes queueing the same message twice a no-op.
    recipient: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(2))
    dedupe_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(64))  # Twilio's message SID
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    given_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # refused for good
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # A text message's delivery as Twilio's status callbacks report it (MessageStatus): pending
    # once Twilio took it, then delivered, undelivered or failed with Twilio's ErrorCode.
    delivery_status: Mapped[str | None] = mapped_column(String(24))
    delivery_error: Mapped[int | None] = mapped_column(Integer)
    # A ticket (issue 28): the connector that last tried it ("webhook", "topdesk", "zammad"),
    # and how many attempts ended in a clear refusal (those cannot have written anything).
    connector: Mapped[str | None] = mapped_column(String(16))
    refusals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    system_message: Mapped[str | None] = mapped_column(String(500))  # its words on delivery


class TicketSync(Base):
    """How far the line has read a ticket system's progress (issue 28): one row per connector."""

    __tablename__ = "ticket_sync"

    connector: Mapped[str] = mapped_column(String(16), primary_key=True)
    since: Mapped[datetime] = mapped_column(UtcDateTime())
    synced_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TicketProgress(Base):
    """A piece of a ticket system's progress the line has applied: the same one twice adds
    nothing (a key over the connector, the ticket, the moment and the words)."""

    __tablename__ = "ticket_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    connector: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(16))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime())


# The purge's text messages older than the retention (issue 30): the sms rows by age.
Index("ix_outbox_channel_created_at", OutboxMessage.channel, OutboxMessage.created_at)


class LineAlert(Base):
    """Twilio refused the line for a reason only the lead can fix (credentials, caller ID,
    geographic permissions): shown on every console page until a request succeeds again."""

    __tablename__ = "line_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), unique=True)  # "calls" or "messages"
    code: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(200))
    fix: Mapped[str] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MessageOptOut(Base):
    """A caller who said no to text messages, by a keyed hash of the number (not the number)."""

    __tablename__ = "message_opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    caller_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Disruption(Base):
    """A known disruption announced to every caller while it lasts."""

    __tablename__ = "disruptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk: Mapped[str] = desk_column()
    text_nl: Mapped[str] = mapped_column(String(300))
    text_de: Mapped[str] = mapped_column(String(300))
    severity: Mapped[str] = mapped_column(String(16))
    category_set: Mapped[int | None] = mapped_column(Integer)  # staff's choice over the matrix
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    started_by: Mapped[str] = mapped_column(String(80))
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(80))

    incident: Mapped[Incident | None] = relationship()
    affected: Mapped[list[AffectedCaller]] = relationship(
        back_populates="disruption", order_by="AffectedCaller.id"
    )


class AffectedCaller(Base):
    """A caller who pressed 1: "this is my problem"."""

    __tablename__ = "disruption_callers"
    __table_args__ = (UniqueConstraint("disruption_id", "call_sid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    disruption_id: Mapped[int] = mapped_column(ForeignKey("disruptions.id"), index=True)
    call_sid: Mapped[str] = mapped_column(String(64))
    caller_number: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(2))
    at: Mapped[datetime] = mapped_column(UtcDateTime())

    disruption: Mapped[Disruption] = relationship(back_populates="affected")


class QueueEntry(Base):
    """A caller waiting for an agent: on the line in a Twilio queue, or for a callback."""

    __tablename__ = "queue_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk: Mapped[str] = desk_column(index=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)  # also the Twilio queue name
    reference: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[int | None] = mapped_column(Integer)
    impact: Mapped[str | None] = mapped_column(String(16))
    severity: Mapped[str | None] = mapped_column(String(16))
    # waiting | offered | connected | done | left | report
    status: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    mode: Mapped[str] = mapped_column(String(16), default="line")  # line | callback
    enqueued_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)  # the report's month
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())  # the last waitUrl request
    # The first waitUrl request: Twilio has the caller in its queue; only then agents are rung.
    in_queue_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    told_position: Mapped[int | None] = mapped_column(Integer)
    leave_reason: Mapped[str | None] = mapped_column(String(16))  # callback | report | limit
    callback_number: Mapped[str | None] = mapped_column(String(64))
    callback_attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # a callback not before
    failed_offers: Mapped[int] = mapped_column(Integer, default=0)  # Twilio refused to place
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The caller left the line for a callback (the end of their wait on the line).
    callback_requested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Offer(Base):
    """One screened offer of a waiting caller to one agent: the agent's phone rings."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    call_sid: Mapped[str | None] = mapped_column(String(64), unique=True)  # the agent's leg
    # placing | ringing | accepted | declined | missed | failed | canceled | done
    status: Mapped[str] = mapped_column(String(16), default="placing", index=True)
    agent_free_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    placed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # A callback: the called caller pressed 1 (a person, not their voicemail).
    callee_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    entry: Mapped[QueueEntry] = relationship()
    agent: Mapped[Agent] = relationship()


class SoftphoneHeartbeat(Base):
    """Issue 27: a browser agent's softphone is registered with Twilio; the page says so every
    few seconds. Without a recent one the agent is unreachable (ivr/services/softphone.py)."""

    __tablename__ = "softphone_heartbeats"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class ReportCache(Base):
    """A period's service-level figures as computed once (ivr/services/report_cache.py): reused
    while the period's rows, the desk's calendar and targets are as they were then, for an
    `as_of` in [valid_after, valid_before)."""

    __tablename__ = "report_cache"
    __table_args__ = (UniqueConstraint("scope", "calendar_desk", "first_day", "last_day", "mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(1024))  # the desks reported on, "*": every desk
    calendar_desk: Mapped[str] = mapped_column(String(DESK_KEY_LENGTH))  # whose calendar
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(8))  # full | trend (reaction and restore only)
    basis: Mapped[str] = mapped_column(String(64))  # hash of calendar, targets, code
    fingerprint: Mapped[str] = mapped_column(String(512))  # the period's rows when computed
    valid_after: Mapped[datetime | None] = mapped_column(UtcDateTime())
    valid_before: Mapped[datetime | None] = mapped_column(UtcDateTime())
    figures: Mapped[str] = mapped_column(Text)  # JSON
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())
