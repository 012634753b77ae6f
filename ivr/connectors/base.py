"""What every ticket-system connector offers the line: deliver an incident, report progress.

A connector is given one incident at a time by the outbox, which has already claimed the
delivery with a lease; it answers with an `Outcome` and never raises for what the remote system
said. It never touches the database: what it learns (the ticket's id) comes back in the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Protocol


class Result(Enum):
    DELIVERED = "delivered"  # the ticket exists (made now, or found from an earlier attempt)
    RETRY = "retry"  # not now: down, slow, 5xx, 429, a lost reply; the outbox backs off
    REFUSED = "refused"  # the system said the request is wrong (4xx): kept as failed, shown


@dataclass(frozen=True)
class Delivery:
    """One incident handed to a connector."""

    message_id: int  # the outbox row: the same across every attempt of this delivery
    event: str  # e.g. "incident.created"
    attempt: int  # 1 for the first attempt
    # An earlier attempt of this delivery may have written (a lost reply, a crash, a 5xx after
    # the write): look the ticket up by the line's reference before creating one.
    maybe_written: bool
    incident: Mapping[str, Any]  # ivr.services.records.as_record(...) of the incident
    desk: str  # the desk's key
    external_id: str | None = None  # the ticket's id, if an earlier delivery learned it
    at: datetime | None = None  # when the outbox hands it over (the line's clock, aware)


@dataclass(frozen=True)
class Outcome:
    result: Result
    external_id: str | None = None  # the ticket's id in the system
    message: str | None = None  # the system's own words, for `outbox list` and the console


@dataclass(frozen=True)
class Progress:
    """Something that happened to a ticket in the system, for the caller's incident."""

    reference: str  # the line's reference
    external_id: str
    at: datetime  # when it happened in the system (aware)
    text: str | None = None  # words the caller may see (a public article, a visible action)
    resolved: bool = False  # the system completed / closed the ticket


class Connector(Protocol):
    name: str  # "webhook" | "topdesk" | "zammad"

    def deliver(self, delivery: Delivery) -> Outcome: ...

    def progress(self, since: datetime) -> Sequence[Progress]:
        """What changed in the system since `since` (an empty list if it tells nothing back)."""
        ...


class Checked(Protocol):
    """A connector that can check its settings against the system before the first delivery:
    `ivr.services.tickets.connector_for` calls `setup()` when it has one."""

    def setup(self) -> None: ...


class ConnectorSetupError(Exception):
    """A connector's settings do not match the system (a priority name it does not know, a
    group that does not exist): raised at start, with a message naming the setting."""
