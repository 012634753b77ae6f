"""`flask --app app spool ...`: what callers said while the database was unreachable."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import spool
from ivr.privacy import mask_number
from ivr.services.recorder import replay_spool

cli = AppGroup(
    "spool", help="Events kept locally while the database was down: status, replay, dead letters."
)


@cli.command("status")
def status() -> None:
    """How many events wait in the spool, and how many were set aside as dead letters."""
    desk = current_app.extensions["ivr.desk"]
    now = spool.status(desk.spool_dir)
    interrupted = f" ({now.interrupted} in an interrupted replay)" if now.interrupted else ""
    click.echo(f"{now.waiting} event(s) waiting in {desk.spool_dir}{interrupted}")
    click.echo(
        f"{now.dead} dead letter(s): events that could not be applied"
        + (" (`spool dead` lists them)" if now.dead else "")
    )


@cli.command("replay")
def replay() -> None:
    """Apply the spooled events to the database (the app also does this once it is back)."""
    desk = current_app.extensions["ivr.desk"]
    done = replay_spool(current_app.extensions["ivr.db"], desk, current_app.extensions["ivr.desks"])
    click.echo(f"replayed {done.applied} event(s)")
    if done.dead:
        click.echo(f"{done.dead} event(s) could not be applied: set aside (`spool dead`)")
    if done.waiting:
        click.echo(f"{done.waiting} event(s) still waiting")
        raise click.ClickException(f"the database is unreachable: {done.unreachable}")


@cli.command("dead")
def dead() -> None:
    """The dead letters: each event that could not be applied, and why (numbers masked)."""
    desk = current_app.extensions["ivr.desk"]
    for letter in spool.dead_letters(desk.spool_dir):
        event = letter.get("event") or {}
        if not isinstance(event, dict):
            event = {"value": event}
        shown = {k: mask_number(v) if _is_number(k, v) else v for k, v in event.items()}
        click.echo(f"{letter.get('buried_at', '?')}  {letter.get('error', '?')}")
        click.echo(f"    {shown if event else letter.get('raw', '')[:200]!r}")


def _is_number(key: str, value: object) -> bool:
    return isinstance(value, str) and ("number" in key or key in ("from", "to"))
