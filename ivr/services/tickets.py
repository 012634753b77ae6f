"""The desk's ticket system (issue 28): the connector the settings choose, and its progress back.

`connector_for` builds the connector `TICKET_SYSTEM` names and runs its setup check (a TOPdesk
priority name it does not know stops `outbox run` at start, with the setting named). `sync`
reads what changed in the system since the last time and applies it to the line's incidents
through the same services the console uses: a text the caller may see becomes a status update
(kept in the history, texted to the caller, told by status by phone), a completion resolves
the incident (the caller gets the resolution message). The same progress twice adds nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ivr.connectors.base import Connector, ConnectorSetupError, Progress
from ivr.connectors.webhook import Receiver, WebhookConnector
from ivr.models import TicketProgress, TicketSync
from ivr.services import console, history
from ivr.services.desk import (
    Desk,
    business_calendar,
    desk_settings,
    own_ticket_system,
    ticket_system,
)
from ivr.services.desk_rows import EVERY, DeskRows

log = logging.getLogger(__name__)

FIRST_LOOK_BACK = timedelta(days=1)  # how far back the very first progress read goes
LABELS = {"webhook": "Webhook", "topdesk": "TOPdesk", "zammad": "Zammad"}

# A recording's bytes and media type from its URL (TwilioRest.fetch_recording), or None when
# the line has no Twilio account to fetch it with.
Fetch = Callable[[str], tuple[bytes, str]]
Builder = Callable[[Mapping[str, Any], Fetch | None], Connector]


def _webhook(config: Mapping[str, Any], _fetch: Fetch | None) -> Connector:
    if not config["INCIDENT_WEBHOOK_URL"]:
        raise ConnectorSetupError("INCIDENT_WEBHOOK_URL is not set: there is nowhere to deliver")
    return WebhookConnector(
        Receiver(
            config["INCIDENT_WEBHOOK_URL"],
            config["INCIDENT_WEBHOOK_SECRET"],
            config["HTTP_TIMEOUT_SECONDS"],
        )
    )


def _topdesk(config: Mapping[str, Any], fetch: Fetch | None) -> Connector:
    from ivr.connectors.topdesk import TopdeskConnector, TopdeskSettings

    return TopdeskConnector(TopdeskSettings.from_config(config), fetch_recording=fetch)


def _zammad(config: Mapping[str, Any], _fetch: Fetch | None) -> Connector:
    from ivr.connectors.zammad import ZammadConnector, ZammadSettings

    return ZammadConnector(ZammadSettings.from_config(config))


# One builder per connector: a new system is one entry here and its module in ivr/connectors/.
BUILDERS: dict[str, Builder] = {"webhook": _webhook, "topdesk": _topdesk, "zammad": _zammad}


def connector_for(config: Mapping[str, Any], fetch: Fetch | None = None) -> Connector:
    """The configured connector, its settings checked against the system (ConnectorSetupError
    names the setting when they do not match; it is raised at start, not on a delivery)."""
    name = ticket_system(config)
    if not name:
        raise ConnectorSetupError("INCIDENT_WEBHOOK_URL is not set: there is nowhere to deliver")
    builder = BUILDERS.get(name)
    if builder is None:
        raise ConnectorSetupError(f"TICKET_SYSTEM={name}: that connector is not installed")
    connector = builder(config, fetch)
    setup = getattr(connector, "setup", None)
    if setup is not None:
        setup()
    return connector


def desk_connector(
    config: Mapping[str, Any], desk: Desk, fetch: Fetch | None = None
) -> Connector | None:
    """The connector of a desk with its own ticket system in DESKS_FILE, checked like
    `connector_for`; None when the desk has none (its incidents wait, as without a system)."""
    if not own_ticket_system(desk.tickets, config):
        return None
    return connector_for(desk_settings(config, desk), fetch)


def desk_systems(config: Mapping[str, Any], desks: Iterable[Desk]) -> dict[str, str]:
    """Each desk's ticket system ("" for none): its own from DESKS_FILE, else the environment's."""
    return {
        d.key: own_ticket_system(d.tickets, config) if d.tickets else ticket_system(config)
        for d in desks
    }


def label(name: str) -> str:
    return LABELS.get(name, name)


# Progress back -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Synced:
    read: int  # progress items the system reported
    applied: int  # of them new to the line (the rest were applied before)
    error: str | None = None  # the system could not be read this time


def sync_key(connector: str, desk: str | None) -> str:
    """The ticket_sync row of a desk's own system (16 characters at most); the connector's
    name for the environment's system."""
    if desk is None:
        return connector
    key = f"{connector}:{desk}"
    if len(key) <= 16:
        return key
    return f"{connector[:7]}:{hashlib.sha256(desk.encode()).hexdigest()[:8]}"


def sync(
    sessions: sessionmaker[Session],
    connector: Connector,
    desk: Desk,
    now: datetime,
    rows: DeskRows = EVERY,
) -> Synced:
    """Read the system's progress since the last read and apply what is new to the incidents
    of the desks `rows` names (a desk's own system: its incidents only)."""
    mark = sync_key(connector.name, desk.key if rows.only is not None else None)
    with sessions() as session:
        row = session.get(TicketSync, mark)
        since = row.since if row else now - FIRST_LOOK_BACK
    try:
        items = list(connector.progress(since))
    except Exception as exc:  # down or refusing: the next pass reads the same window again
        log.warning("progress of %s could not be read: %s", connector.name, type(exc).__name__)
        return Synced(0, 0, (str(exc) or type(exc).__name__)[:500])
    with sessions() as session:
        applied = apply(session, desk, connector.name, items, now, rows=rows)
        row = session.get(TicketSync, mark)
        latest = max((item.at for item in items), default=since)
        if row is None:
            session.add(TicketSync(connector=mark, since=latest, synced_at=now))
        else:
            row.since, row.synced_at = max(row.since, latest), now
        session.commit()
    return Synced(len(items), applied)


def progress_key(connector: str, item: Progress) -> str:
    said = f"{connector}|{item.external_id}|{item.at.isoformat()}|{item.text or ''}|{item.resolved}"
    return hashlib.sha256(said.encode()).hexdigest()


def apply(
    session: Session,
    desk: Desk,
    connector: str,
    items: Iterable[Progress],
    now: datetime,
    *,
    rows: DeskRows = EVERY,
) -> int:
    """Apply each item once, oldest first; the count of those new to the line."""
    applied = 0
    for item in sorted(items, key=lambda p: p.at):
        key = progress_key(connector, item)
        if session.scalar(select(TicketProgress.id).where(TicketProgress.key == key)):
            continue
        try:
            if _apply_one(session, desk, connector, item, key=key, now=now, rows=rows):
                applied += 1
        except IntegrityError:  # another reader applied it a moment ago
            session.rollback()
    return applied


def _seen(session: Session, connector: str, item: Progress, key: str, now: datetime) -> None:
    session.add(
        TicketProgress(key=key, connector=connector, reference=item.reference, applied_at=now)
    )
    session.flush()


def _apply_one(
    session: Session,
    desk: Desk,
    connector: str,
    item: Progress,
    *,
    key: str,
    now: datetime,
    rows: DeskRows = EVERY,
) -> bool:
    incident = console.find(session, item.reference)
    if incident is None:  # not one of the line's incidents (a ticket made in the system)
        return False
    if not rows.holds(incident.desk):  # another desk's incident: its own system tells it
        return False
    _seen(session, connector, item, key, now)  # in the same transaction as what it applies
    who = label(connector)
    text = plain(item.text)
    if text and incident.status != "resolved":
        try:
            history.post_update(
                session,
                business_calendar(desk, session, now),
                incident,
                text,
                author=who,
                now=now,
                messaging=desk.messaging(),
            )  # commits, the key with it
        except history.HistoryError as exc:
            log.warning("progress on %s not posted: %s", item.reference, exc)
            session.commit()
    if item.resolved:
        console.resolve(session, incident, who, now, desk.messaging())
        if session.scalar(select(TicketProgress.id).where(TicketProgress.key == key)) is None:
            _seen(session, connector, item, key, now)  # resolved already: resolve rolled back
        session.commit()
    session.commit()
    return True


def plain(text: str | None) -> str:
    """One line of at most an update's length: the system's words as a text message takes them."""
    words = " ".join((text or "").split())
    if len(words) > history.MAX_UPDATE:
        words = words[: history.MAX_UPDATE - 1].rstrip() + "…"
    return words
