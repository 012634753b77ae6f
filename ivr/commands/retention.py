"""`flask --app app retention purge`: erase personal data older than RETENTION_DAYS."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import services
from ivr.db import get_session
from ivr.services.retention import purge

cli = AppGroup("retention", help="Keep personal data only as long as configured (GDPR).")


def _twilio_deleter():  # type: ignore[no-untyped-def]
    sid, token = current_app.config["TWILIO_ACCOUNT_SID"], current_app.config["TWILIO_AUTH_TOKEN"]
    if not (sid and token):
        return None
    from twilio.rest import Client

    client = Client(sid, token)
    return lambda recording_sid: client.recordings(recording_sid).delete()


@cli.command("purge")
@click.option("--days", type=int, default=None, help="override RETENTION_DAYS")
def purge_command(days: int | None) -> None:
    """Delete recordings (at Twilio too, with account credentials) and mask phone numbers."""
    retention = days if days is not None else current_app.config["RETENTION_DAYS"]
    result = purge(get_session(), services.now(), retention, _twilio_deleter())
    click.echo(
        f"erased {result.recordings} recordings; masked numbers of {result.incidents} "
        f"incidents and {result.calls} calls; forgot {result.remembered_languages} "
        f"remembered languages; deleted {result.text_messages} text messages; masked "
        f"{result.affected_callers} numbers of callers affected by a disruption"
    )
