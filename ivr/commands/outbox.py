"""`flask --app app outbox ...`: incidents on their way to the ticket system, text messages on
their way to callers."""

from __future__ import annotations

import time
from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import services
from ivr.commands import desk_option
from ivr.connectors.base import Connector, ConnectorSetupError
from ivr.db import get_session
from ivr.models import OutboxMessage
from ivr.privacy import mask_number
from ivr.services import cti, messages, outbox, tickets
from ivr.services.desk import Desk, desk_settings, ticket_system
from ivr.services.desk_rows import DeskRows
from ivr.services.desks import line_desks
from ivr.telemetry import metrics

cli = AppGroup(
    "outbox", help="Hand-off to the ticket system and text messages: list, deliver, retry, run."
)


@dataclass(frozen=True)
class Route:
    """One ticket system and the desks whose rows it takes (issue 28: per desk in DESKS_FILE)."""

    connector: Connector | None
    desk: Desk  # whose calendar and sender the progress read back uses
    rows: DeskRows
    cti_url: str  # where these desks' Zammad CTI events go ("" for nowhere)
    own: bool = False  # the desk's own system (DESKS_FILE), not the environment's


def configured_connector() -> Connector | None:
    """The environment's ticket system's connector, checked once at start (None: texts only)."""
    routes = configured_routes()
    return routes[0].connector


def configured_routes() -> list[Route]:
    """Every desk's connector, built and checked once at start: first the environment's (for
    every desk without its own), then each desk's own. An error names the desk."""
    config = current_app.config
    desks = line_desks(current_app.extensions)
    rest = current_app.extensions.get("ivr.twilio")
    fetch = rest.fetch_recording if rest is not None and rest.configured else None
    own: list[Route] = []
    for desk in desks:
        if not desk.tickets:
            continue
        try:
            connector = tickets.desk_connector(config, desk, fetch)
        except ConnectorSetupError as exc:
            raise click.ClickException(f"desk {desk.key!r}: {exc}") from exc
        cti_url = desk_settings(config, desk)["ZAMMAD_CTI_URL"]
        own.append(Route(connector, desk, DeskRows(only=(desk.key,)), cti_url, own=True))
    senders = [d.messages_from for d in desks]
    elsewhere = any(senders) or config["ZAMMAD_CTI_URL"]
    elsewhere = elsewhere or any(r.connector or r.cti_url for r in own)
    connector: Connector | None = None
    if ticket_system(config) or not elsewhere:
        try:
            connector = tickets.connector_for(config, fetch)
        except ConnectorSetupError as exc:
            raise click.ClickException(str(exc)) from exc
    others = DeskRows(others=tuple(r.desk.key for r in own))
    return [Route(connector, desks.first, others, config["ZAMMAD_CTI_URL"]), *own]


def _deliver(routes: list[Route]) -> outbox.Pass:
    """One pass over whatever is configured: the ticket systems, text messages, or both."""
    config = current_app.config
    # Each desk's messages go from its own sender (DESKS_FILE messages_from; issue 26).
    senders = {d.key: d.messages_from for d in line_desks(current_app.extensions)}
    sessions = current_app.extensions["ivr.db"].sessions
    delivered = failed = 0
    for route in routes:  # each desk's tickets through its own system
        if route.connector is not None:
            handed = outbox.deliver_due(sessions, route.connector, services.now(), rows=route.rows)
            delivered, failed = delivered + handed.delivered, failed + handed.failed
    if any(senders.values()):
        rest = current_app.extensions["ivr.twilio"]
        texts = messages.send_due(
            sessions, rest, _senders(senders), services.now(), config["PUBLIC_URL"]
        )
        delivered, failed = delivered + texts.delivered, failed + texts.failed
    for route in routes:  # Zammad's caller log: after the tickets, in order per call
        if route.cti_url:
            endpoint = cti.Endpoint(route.cti_url, config["HTTP_TIMEOUT_SECONDS"])
            calls = cti.deliver_due(sessions, endpoint, services.now(), rows=route.rows)
            delivered, failed = delivered + calls.delivered, failed + calls.failed
    return outbox.Pass(delivered, failed)


def read_progress(routes: list[Route]) -> tickets.Synced:
    """Each system's progress, applied to its own desks' incidents; the counts added up."""
    sessions = current_app.extensions["ivr.db"].sessions
    read = applied = 0
    errors: list[str] = []
    for route in routes:
        if route.connector is None:
            continue
        synced = tickets.sync(sessions, route.connector, route.desk, services.now(), route.rows)
        read, applied = read + synced.read, applied + synced.applied
        if synced.error:
            errors.append(f"desk {route.desk.key}: {synced.error}" if route.own else synced.error)
    return tickets.Synced(read, applied, "; ".join(errors) or None)


def desk_systems() -> dict[str, str]:
    """The ticket system of each desk ("-" for none)."""
    systems = tickets.desk_systems(current_app.config, line_desks(current_app.extensions))
    return {desk: system or "-" for desk, system in systems.items()}


def _state(m: OutboxMessage) -> str:
    if m.given_up_at:
        return f"refused {m.given_up_at:%Y-%m-%d %H:%M}"
    if not m.delivered_at:
        return f"waiting, next try {m.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC"
    if m.channel == messages.CHANNEL:
        return f"sent {m.delivered_at:%Y-%m-%d %H:%M}"
    ticket = f" as {m.external_id}" if m.external_id else ""
    said = f" ({m.system_message})" if m.system_message else ""
    return f"delivered {m.delivered_at:%Y-%m-%d %H:%M}{ticket}{said}"


class _Senders(dict[str, str]):
    """The sender per desk; a row of a desk no longer declared goes from MESSAGES_FROM."""

    def __missing__(self, _desk: str) -> str:
        return current_app.config["MESSAGES_FROM"]


def _senders(senders: dict[str, str]) -> _Senders:
    return _Senders({key: number for key, number in senders.items() if number})


@cli.command("list")
@desk_option()
def list_messages(desk: str | None) -> None:
    """Per connector what is waiting, delivered and refused; then the messages, waiting first,
    with what the ticket system or Twilio said."""
    session = get_session()
    configured = ticket_system(current_app.config) or "-"
    systems = desk_systems()
    desks = (desk,) if desk else None
    for t in outbox.tally(session, configured, desks, systems):
        click.echo(
            f"{tickets.label(t.connector)}: {t.waiting} waiting, {t.delivered} delivered, "
            f"{t.refused} refused"
        )
    for m in outbox.pending(session, desks=desks):
        state = _state(m)
        if m.delivery_status:
            code = f" (Twilio error {m.delivery_error})" if m.delivery_error else ""
            state += f", {m.delivery_status.replace('_', ' ')}{code}"
        error = f"  last error: {m.last_error}" if m.last_error else ""
        to = f" to {mask_number(m.recipient)}" if m.recipient else ""
        via = (
            m.channel
            if m.channel in (messages.CHANNEL, cti.CHANNEL)
            else (m.connector or systems.get(m.desk, configured))
        )
        click.echo(f"{m.id:>6} {via:<8} {m.event:<20}{to} attempts {m.attempts:<3} {state}{error}")


@cli.command("deliver")
def deliver() -> None:
    """One pass: send every message that is due."""
    result = _deliver(configured_routes())
    click.echo(f"delivered {result.delivered}, failed {result.failed}")


@cli.command("retry")
@click.argument("message_id", type=int)
def retry(message_id: int) -> None:
    """Make a waiting message due now (it is sent by the next pass)."""
    if not outbox.retry_now(get_session(), message_id, services.now()):
        raise click.ClickException(f"no waiting message {message_id}")
    click.echo(f"message {message_id} is due now")


@cli.command("run")
@click.option("--interval", default=10.0, show_default=True, help="seconds between passes")
def run(interval: float) -> None:
    """Deliver forever: run this beside the web service (a sidecar or a systemd unit). Every
    TICKETS_SYNC_PASSES passes it also reads the ticket system's progress back."""
    routes = configured_routes()
    every = current_app.config["TICKETS_SYNC_PASSES"]
    passes = 0
    while True:
        result = _deliver(routes)
        metrics.sidecar_passed("outbox_sender")
        if result.delivered or result.failed:
            click.echo(f"delivered {result.delivered}, failed {result.failed}")
        passes += 1
        if any(r.connector for r in routes) and every > 0 and passes % every == 0:
            synced = read_progress(routes)
            if synced.applied or synced.error:
                click.echo(
                    f"progress: {synced.applied} new"
                    + (f", {synced.error}" if synced.error else "")
                )
        time.sleep(interval)
