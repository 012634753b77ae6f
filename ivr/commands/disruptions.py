"""`flask --app app disruptions ...`: declare, list and end known disruptions."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import services
from ivr.commands import desk_option, refused_as_error
from ivr.db import get_session
from ivr.domain.text_input import escaped
from ivr.models import Disruption
from ivr.services import disruptions, scoped
from ivr.services.desk import business_calendar
from ivr.services.desks import line_desks
from ivr.services.disruptions import Declared, DisruptionError

cli = AppGroup("disruptions", help="Known disruptions every caller hears: declare, list, end.")
SEVERITIES = click.Choice(["cannot_work", "functions_fail", "cumbersome"])


@cli.command("declare")
@click.option("--nl", "text_nl", required=True, help="what Dutch callers hear")
@click.option("--de", "text_de", required=True, help="what German callers hear")
@click.option("--severity", type=SEVERITIES, default="functions_fail", show_default=True)
@click.option("--incident", default="", help="reference of the incident it belongs to")
@click.option("--by", "author", default="cli", show_default=True, help="who declares it")
def declare(text_nl: str, text_de: str, severity: str, incident: str, author: str) -> None:
    """Announce a disruption to every caller from now on."""
    given = Declared(text_nl, text_de, severity, incident)
    with refused_as_error(DisruptionError):
        made = disruptions.declare(get_session(), given, author=author, now=services.now())
    click.echo(f"disruption {made.id} declared: callers hear it now")


@cli.command("list")
@desk_option()
def list_disruptions(desk: str | None) -> None:
    """Active first, then the latest ended; with the affected callers and the category (of one
    desk, or of all)."""
    all_users_at = current_app.config["DISRUPTION_ALL_USERS_AT"]
    line = line_desks(current_app.extensions)
    for d in disruptions.all_disruptions(get_session(), desks=(desk,) if desk else None):
        state = f"ended {d.ended_at:%Y-%m-%d %H:%M}" if d.ended_at else "ACTIVE"
        agreement = (line.get(d.desk) or line.first).agreement  # the disruption's desk's matrix
        click.echo(
            f"{d.id:>4} {state:<22} affected {len(d.affected):<4} "
            f"category {disruptions.category(d, all_users_at, agreement)}  {escaped(d.text_nl)}"
        )


@cli.command("end")
@click.argument("disruption_id", type=int)
@click.option("--by", "author", default="cli", show_default=True)
@desk_option()
def end(disruption_id: int, author: str, desk: str | None) -> None:
    """End it: each affected caller gets a text message (from the disruption's desk's sender).
    With --desk, only a disruption of that desk is ended."""
    session = get_session()
    found = scoped.row(session, Disruption, disruption_id, (desk,) if desk else None)
    if found is None:
        raise click.ClickException(f"no disruption {disruption_id}")
    desks = line_desks(current_app.extensions)
    desk_of = desks.get(found.desk) or desks.first
    at = services.now()
    with refused_as_error(DisruptionError):
        queued = disruptions.end(
            session,
            found,
            author=author,
            now=at,
            messaging=desk_of.messaging(),
            calendar=business_calendar(desk_of, session, at),
        )
    click.echo(f"disruption {disruption_id} ended; {queued} text messages queued")
