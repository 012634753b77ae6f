"""`flask --app app spool ...`: what callers said while the database was unreachable."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import spool
from ivr.services.recorder import replay_spool

cli = AppGroup("spool", help="Events kept locally while the database was down: status, replay.")


@cli.command("status")
def status() -> None:
    """How many events wait in the spool."""
    desk = current_app.extensions["ivr.desk"]
    waiting = sum(1 for _ in spool.pending(desk.spool_dir))
    click.echo(f"{waiting} event(s) waiting in {desk.spool_dir}")


@cli.command("replay")
def replay() -> None:
    """Apply the spooled events to the database (the app also does this once it is back)."""
    desk = current_app.extensions["ivr.desk"]
    applied, left = replay_spool(current_app.extensions["ivr.db"], desk)
    click.echo(f"replayed {applied} event(s); {left} still waiting")
    if left:
        raise click.ClickException("the database is still unreachable for some events")
