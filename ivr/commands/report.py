"""`flask --app app report sla --month 2026-11`: the service-level report in the terminal."""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, gettext

from ivr import reporting, services
from ivr.commands import desk_option
from ivr.console.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ivr.db import get_session
from ivr.domain.service_level import Period
from ivr.services.desks import line_desks
from ivr.services.reports import service_level

cli = AppGroup("report", help="Reports for the customer: the service level.")


def period_from(month: str | None, first: datetime | None, last: datetime | None) -> Period:
    if month and (first or last):
        raise click.UsageError("give --month, or --from and --to, not both")
    if month:
        try:
            return Period.parse_month(month)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--month") from exc
    if first and last:
        if last < first:
            raise click.BadParameter("--to is before --from", param_hint="--to")
        return Period(first.date(), last.date())
    if first or last:
        raise click.UsageError("give both --from and --to")
    today = services.now().astimezone(current_app.extensions["ivr.desk"].tz).date()
    return Period.month_before(today)


@cli.command("sla")
@click.option("--month", help="a calendar month, e.g. 2026-11 (default: the last complete one)")
@click.option("--from", "first", type=click.DateTime(formats=["%Y-%m-%d"]), help="first day")
@click.option("--to", "last", type=click.DateTime(formats=["%Y-%m-%d"]), help="last day")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="language of the text table (CSV and JSON keep their English keys)",
)
@desk_option()
def sla(  # noqa: PLR0917
    month: str | None,
    first: datetime | None,
    last: datetime | None,
    fmt: str,
    lang: str,
    desk: str | None,
) -> None:
    """Per category and for the line: targets met, times, breaches, calls; of one desk, or
    over all desks (on the first desk's calendar)."""
    period = period_from(month, first, last)
    desks = line_desks(current_app.extensions)
    report = service_level(
        get_session(),
        desks.get(desk) or desks.first,
        period,
        services.now(),
        (desk,) if desk else None,
    )
    if fmt == "json":
        click.echo(json.dumps(reporting.as_json(report), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(reporting.as_csv(report), nl=False)
    else:
        with force_locale(lang):
            click.echo(reporting.as_text(report, gettext), nl=False)
