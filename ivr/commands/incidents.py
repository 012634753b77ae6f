"""`flask --app app incidents export`: every incident as a JSON line, for tools and audits."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ivr import services
from ivr.commands import desk_option
from ivr.db import get_session
from ivr.domain.moments import DateInputError, parse_day
from ivr.models import Incident
from ivr.services.desk import business_calendar
from ivr.services.desks import line_desks
from ivr.services.records import as_record
from ivr.services.scoped import within


class Day(click.ParamType):
    """A date like 2026-11-30 within the line's range; anything else is a usage error."""

    name = "date"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):  # type: ignore[no-untyped-def]
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value), "")
        except DateInputError as exc:
            self.fail(str(exc), param, ctx)


cli = AppGroup("incidents", help="Incidents reported on the phone line.")


@cli.command("export")
@click.option(
    "--since",
    type=Day(),
    default=None,
    help="only incidents received on or after this date (the desk's time zone)",
)
@click.option(
    "--support/--faults",
    "support",
    default=None,
    help="only support incidents, or only faults in the service (billed differently)",
)
@desk_option()
def export(since: date | None, support: bool | None, desk: str | None) -> None:
    """Print incidents as JSON lines, oldest first (desk time, ISO 8601 with offset), of one
    desk or of all."""
    desks = line_desks(current_app.extensions)
    calendar_desk = desks.get(desk) or desks.first
    tz = calendar_desk.tz
    query = (
        select(Incident)
        .where(within(Incident.desk, (desk,) if desk else None))
        .order_by(Incident.received_at, Incident.id)
    )
    if since is not None:
        start = datetime.combine(since, time(0), tzinfo=tz)
        query = query.where(Incident.received_at >= start)
    if support is not None:
        query = query.where(Incident.support_incident.is_(support))
    session = get_session()
    now = services.now()
    calendar = business_calendar(calendar_desk, session, now)
    # Streamed (issue 30): a server-side cursor on PostgreSQL, 1000 rows at a time in memory.
    for incident in session.scalars(query.execution_options(yield_per=1000)):
        record = as_record(incident, tz, calendar=calendar, now=now)
        click.echo(json.dumps(record, ensure_ascii=False))
