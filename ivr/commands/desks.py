"""`flask --app app desks ...`: the desks of this line (DESKS_FILE, or the environment's one),
and moving a desk's rows to another (issue 26)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ivr.commands import refused_as_error
from ivr.db import get_session
from ivr.desk_file import KEY_NAME, shown_settings, source_of
from ivr.domain.hours import describe_compact
from ivr.services.desk_moves import MoveError, move_desk
from ivr.services.desks import Desks

cli = AppGroup("desks", help="The desks of this line: list, show one, move one's rows to another.")


def _desks() -> Desks:
    return current_app.extensions["ivr.desks"]


@cli.command("list")
def list_desks() -> None:
    """Every desk in order (the first takes numbers no desk claims)."""
    for desk in _desks():
        holidays = desk.holidays.country + (
            f"-{desk.holidays.subdiv}" if desk.holidays.subdiv else ""
        )
        click.echo(
            f"{desk.key:<12} {desk.name:<28} numbers {', '.join(desk.numbers) or '-':<18} "
            f"languages {','.join(desk.languages):<6} hours {describe_compact(desk.hours)}  "
            f"holidays {holidays}  from {source_of(desk)}"
        )


@cli.command("show")
@click.argument("key")
def show(key: str) -> None:
    """Every setting of one desk, with where it comes from."""
    desk = _desks().get(key)
    if desk is None:
        raise click.ClickException(f"no desk {key!r} (desks: {', '.join(_desks().keys)})")
    for setting in shown_settings(desk):
        click.echo(f"{setting.key:<24} {setting.value or '(empty)'}")
        click.echo(f"{'':<24} from {setting.origin}")


@cli.command("move")
@click.argument("old")
@click.argument("new")
def move(old: str, new: str) -> None:
    """Move every row of desk OLD (calls, incidents, queue, outbox, closures, maintenance,
    disruptions, agents' desks, roles) to desk NEW: `desks move default ozmo`."""
    if not KEY_NAME.match(new):
        raise click.BadParameter(f"{new!r} is not a desk key", param_hint="NEW")
    if _desks().get(new) is None:
        click.echo(f"note: {new!r} is not a desk of this line (yet): declare it in DESKS_FILE")
    with refused_as_error(MoveError):
        moved = move_desk(get_session(), old, new)
    for table, count in moved.items():
        if count:
            click.echo(f"{table:<22} {count} row(s)")
    click.echo(f"moved {sum(moved.values())} row(s) from desk {old!r} to {new!r}")
