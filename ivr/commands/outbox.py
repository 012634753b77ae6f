"""`flask --app app outbox ...`: incidents on their way to the ticket system."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import services
from ivr.db import get_session
from ivr.services import outbox

cli = AppGroup("outbox", help="Hand-off to the ticket system: list, deliver, retry, run.")


def _receiver() -> outbox.Receiver:
    config = current_app.config
    if not config["INCIDENT_WEBHOOK_URL"]:
        raise click.ClickException("INCIDENT_WEBHOOK_URL is not set: there is nowhere to deliver")
    return outbox.Receiver(
        config["INCIDENT_WEBHOOK_URL"],
        config["INCIDENT_WEBHOOK_SECRET"],
        config["HTTP_TIMEOUT_SECONDS"],
    )


def _deliver() -> outbox.Pass:
    sessions = current_app.extensions["ivr.db"].sessions
    return outbox.deliver_due(sessions, _receiver(), services.now())


@cli.command("list")
def list_messages() -> None:
    """Waiting messages first, then the latest delivered."""
    for m in outbox.pending(get_session()):
        state = (
            f"delivered {m.delivered_at:%Y-%m-%d %H:%M}"
            if m.delivered_at
            else (f"waiting, next try {m.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC")
        )
        error = f"  last error: {m.last_error}" if m.last_error else ""
        click.echo(f"{m.id:>6} {m.event:<20} attempts {m.attempts:<3} {state}{error}")


@cli.command("deliver")
def deliver() -> None:
    """One pass: send every message that is due."""
    result = _deliver()
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
    """Deliver forever: run this beside the web service (a sidecar or a systemd unit)."""
    _receiver()
    while True:
        result = _deliver()
        if result.delivered or result.failed:
            click.echo(f"delivered {result.delivered}, failed {result.failed}")
        time.sleep(interval)
