"""`flask --app app translations check`: the console's catalogs complete in Dutch and German."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ivr import console_catalogs

cli = AppGroup("translations", help="The console's own texts in Dutch and German.")


@cli.command("check")
@click.option("--strict", is_flag=True, help="also fail on marked texts missing from the template")
def check(strict: bool) -> None:
    """Exit non-zero when a text in the catalogs lacks a Dutch or German translation."""
    problems = console_catalogs.check(strict=strict)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the console catalogs")
    click.echo("console catalogs complete: nl, de")
