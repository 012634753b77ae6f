"""`flask --app app queue ...`: who waits, and the sweeper that keeps dispatch honest."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import services
from ivr.commands import desk_option
from ivr.db import get_database, get_session
from ivr.services import board
from ivr.services.desk import business_calendar
from ivr.services.desks import line_desks
from ivr.services.dispatch import Dispatcher, Links
from ivr.services.sweeper import Swept, sweep
from ivr.telemetry import metrics

cli = AppGroup("queue", help="The queue: who waits, the wall board, the sweeper.")


def _sweep(tidy_queues: bool = True) -> Swept:
    settings = current_app.extensions["ivr.queue"]
    if not settings.public_url:
        raise click.ClickException(
            "PUBLIC_URL is not set: Twilio needs the line's address for the offers it places"
        )
    desk = current_app.extensions["ivr.desk"]
    now = services.now()
    dispatcher = Dispatcher(
        get_database(),
        current_app.extensions["ivr.twilio"],
        Links(settings.public_url),
        settings,
        line_desks(current_app.extensions),
    )
    desks = line_desks(current_app.extensions)
    if len(desks) > 1:  # each desk its own hours: the callbacks of a closed one become reports
        session = get_session()
        open_desks = {d.key for d in desks if business_calendar(d, session, now).is_open(now)}
        get_session().close()
        return sweep(
            dispatcher, desk, now, desk_open=bool(open_desks), tidy_queues=tidy_queues,
            open_desks=open_desks,
        )  # fmt: skip
    desk_open = business_calendar(desk, get_session(), now).is_open(now)
    get_session().close()
    return sweep(dispatcher, desk, now, desk_open=desk_open, tidy_queues=tidy_queues)


@cli.command("list")
@desk_option()
def list_queue(desk: str | None) -> None:
    """Agents and their presence, callers waiting in order, callbacks pending (of one desk, or
    of all)."""
    now = services.now()
    tz = current_app.extensions["ivr.desk"].tz
    queue = current_app.extensions["ivr.queue"]
    wall = board.wall_board(get_session(), queue, now, (desk,) if desk else None)
    for agent in wall.agents:
        note = f"  ({agent.note})" if agent.note else ""
        click.echo(f"agent  {agent.name:<20} {agent.presence:<10} {agent.languages:<6}{note}")
    several = len(line_desks(current_app.extensions)) > 1
    for caller in wall.callers:
        desk = f"{caller.desk} " if several else ""  # positions count per desk and language
        click.echo(
            f"caller {caller.position:>3}. {desk}{caller.language} {caller.what:<14} "
            f"{caller.status:<8} waiting {caller.waited_minutes} min "
            f"since {caller.since.astimezone(tz):%H:%M}"
        )


@cli.command("sweep")
def sweep_once() -> None:
    """One pass: repair stuck offers, agents and callers, then dispatch."""
    swept = _sweep()
    for line in swept.repaired:
        click.echo(f"repaired: {line}")
    click.echo(f"offers placed: {len(swept.offered)}")
    click.echo(f"empty queues deleted: {len(swept.queues_deleted)}")


@cli.command("run")
@click.option("--interval", default=5.0, show_default=True, help="seconds between passes")
def run(interval: float) -> None:
    """Sweep forever: run this beside the web service (like `outbox run`)."""
    passes = 0
    while True:
        # Listing the account's queues is one more request to Twilio: about once a minute.
        swept = _sweep(tidy_queues=passes % max(1, round(60 / interval)) == 0)
        passes += 1
        metrics.sidecar_passed("queue_sweeper")
        for line in swept.repaired:
            click.echo(f"repaired: {line}")
        time.sleep(interval)
