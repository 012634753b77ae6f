"""`flask --app app incidents export`: every incident as a JSON line, for tools and audits."""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ivr.db import get_session
from ivr.models import Incident
from ivr.services.records import as_record

cli = AppGroup("incidents", help="Incidents reported on the phone line.")


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
