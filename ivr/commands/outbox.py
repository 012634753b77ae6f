"""`flask --app app outbox ...`: incidents on their way to the ticket system, text messages on
their way to callers."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import services
from ivr.db import get_session
from ivr.privacy import mask_number
from ivr.services import messages, outbox
from ivr.telemetry import metrics

cli = AppGroup(
    "outbox", help="Hand-off to the ticket system and text messages: list, deliver, retry, run."
)


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
    """One pass over whatever is configured: the ticket system, text messages, or both."""
    config = current_app.config
    # Each desk's messages go from its own sender (DESKS_FILE messages_from; issue 26).
    senders = {d.key: d.messages_from for d in current_app.extensions["ivr.desks"]}
    if not (config["INCIDENT_WEBHOOK_URL"] or any(senders.values())):
        _receiver()  # says what is missing
    sessions = current_app.extensions["ivr.db"].sessions
    delivered = failed = 0
    if config["INCIDENT_WEBHOOK_URL"]:
        tickets = outbox.deliver_due(sessions, _receiver(), services.now())
        delivered, failed = tickets.delivered, tickets.failed
    if any(senders.values()):
        rest = current_app.extensions["ivr.twilio"]
        texts = messages.send_due(
            sessions, rest, _senders(senders), services.now(), config["PUBLIC_URL"]
        )
        delivered, failed = delivered + texts.delivered, failed + texts.failed
    return outbox.Pass(delivered, failed)


class _Senders(dict[str, str]):
    """The sender per desk; a row of a desk no longer declared goes from MESSAGES_FROM."""

    def __missing__(self, _desk: str) -> str:
        return current_app.config["MESSAGES_FROM"]


def _senders(senders: dict[str, str]) -> _Senders:
    return _Senders({key: number for key, number in senders.items() if number})


@cli.command("list")
def list_messages() -> None:
    """Waiting messages first, then the latest sent; a text message with what Twilio reported."""
    for m in outbox.pending(get_session()):
        state = (
            f"{'sent' if m.channel == messages.CHANNEL else 'delivered'} "
            f"{m.delivered_at:%Y-%m-%d %H:%M}"
            if m.delivered_at
            else (f"waiting, next try {m.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC")
        )
        if m.given_up_at:
            state = f"refused {m.given_up_at:%Y-%m-%d %H:%M}"
        if m.delivery_status:
            code = f" (Twilio error {m.delivery_error})" if m.delivery_error else ""
            state += f", {m.delivery_status.replace('_', ' ')}{code}"
        error = f"  last error: {m.last_error}" if m.last_error else ""
        to = f" to {mask_number(m.recipient)}" if m.recipient else ""
        click.echo(f"{m.id:>6} {m.event:<20}{to} attempts {m.attempts:<3} {state}{error}")


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
    while True:
        result = _deliver()
        metrics.sidecar_passed("outbox_sender")
        if result.delivered or result.failed:
            click.echo(f"delivered {result.delivered}, failed {result.failed}")
        time.sleep(interval)
