"""`flask --app app incidents export`: every incident as a JSON line, for tools and audits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Incident

cli = AppGroup("incidents", help="Incidents reported on the phone line.")


def _iso(value: datetime | None, tz: tzinfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


def as_record(incident: Incident, tz: tzinfo = UTC) -> dict[str, object]:
    """The incident as plain JSON values; times in `tz`, with their offset."""
    return {
        "reference": incident.reference,
        "kind": incident.kind,
        "language": incident.language,
        "impact": incident.impact,
        "severity": incident.severity,
        "category": incident.category,
        "status": incident.status,
        "caller_number": incident.caller_number,
        "callback_number": incident.callback_number,
        "recording_url": incident.recording_url,
        "taken_out_of_hours": incident.taken_out_of_hours,
        "received_at": _iso(incident.received_at, tz),
        "pickup_at": _iso(incident.pickup_at, tz),
        "reaction_due": _iso(incident.reaction_due, tz),
        "restore_due": _iso(incident.restore_due, tz),
    }


@cli.command("export")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="only incidents received on or after this date (the desk's time zone)",
)
def export(since: datetime | None) -> None:
    """Print incidents as JSON lines, oldest first (desk time, ISO 8601 with offset)."""
    tz = current_app.extensions["ivr.desk"].tz
    query = select(Incident).order_by(Incident.received_at, Incident.id)
    if since is not None:
        query = query.where(Incident.received_at >= since.replace(tzinfo=tz))
    for incident in get_session().scalars(query):
        click.echo(json.dumps(as_record(incident, tz), ensure_ascii=False))
