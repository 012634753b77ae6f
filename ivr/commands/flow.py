"""`flask --app app flow`: the call flow as a diagram, drawn from the code's own definition."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ivr.flow_diagram import to_dot
from ivr.phone import timing
from ivr.services.desks import line_desks


@click.command("flow")
@click.option("--format", "fmt", type=click.Choice(["dot", "svg", "png"]), default="dot")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--timing",
    "show_timing",
    is_flag=True,
    help="Instead: words and seconds a caller hears before ringing or recording, per route",
)
@click.option("--desk", "desk_key", help="The flow of this desk (DESKS_FILE): its languages")
@with_appcontext
def cli(fmt: str, output: Path | None, show_timing: bool, desk_key: str | None) -> None:
    """Print the call flow as Graphviz DOT, or render SVG/PNG with Graphviz's `dot`."""
    if show_timing:
        click.echo(timing_table())
        return
    if desk_key is None:
        dot = to_dot()
    else:
        desk = line_desks(current_app.extensions).get(desk_key)
        if desk is None:
            known = ", ".join(line_desks(current_app.extensions).keys)
            raise click.ClickException(f"no desk {desk_key!r}: the desks are {known}")
        dot = to_dot(desk.languages, desk.name)
    if fmt == "dot":
        if output:
            output.write_text(dot, encoding="utf-8")
        else:
            click.echo(dot, nl=False)
        return
    graphviz = shutil.which("dot")
    if graphviz is None:
        raise click.ClickException(
            "Graphviz is not installed (Debian: apt-get install graphviz); use --format dot"
        )
    rendered = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [graphviz, f"-T{fmt}"], input=dot.encode(), capture_output=True, check=True, timeout=60
    ).stdout
    if output:
        output.write_bytes(rendered)
    else:
        click.get_binary_stream("stdout").write(rendered)


def timing_table() -> str:
    """Every route measured on a scratch copy of the line with this configuration."""
    from ivr.voice.menus import choice_texts

    token = secrets.token_hex(16)
    desk = current_app.extensions["ivr.desk"]
    with timing.scratch_app(current_app.config, token) as (app, clock):
        open_at, closed_at = _open_and_closed(desk.calendar(), datetime.now(desk.tz))
        with app.app_context():
            choices = choice_texts()
        results = timing.measure(
            app, clock, open_at=open_at, closed_at=closed_at, choices=choices, token=token
        )
    pace = f"{timing.WORDS_PER_SECOND * 60:.0f} words a minute"
    when = f"open {open_at:%a %H:%M}, closed {closed_at:%a %H:%M}"
    return f"{timing.table(results)}\n(seconds at {pace}; {when})"


def _open_and_closed(calendar, now: datetime) -> tuple[datetime, datetime]:  # type: ignore[no-untyped-def]
    """An hour into the next opening, and three hours after that day's closing."""
    opening = calendar.next_opening(now + timedelta(days=1)) or now
    open_at = (
        opening + timedelta(hours=1) if calendar.is_open(opening + timedelta(hours=1)) else opening
    )
    closed_at = (calendar.current_closing(open_at) or open_at) + timedelta(hours=3)
    while calendar.is_open(closed_at):
        closed_at += timedelta(hours=1)
    return open_at, closed_at
