"""`flask --app app retention purge`: erase personal data older than RETENTION_DAYS."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import services
from ivr.db import get_session
from ivr.services.retention import purge, purge_dead_letters
from ivr.twilio_rest import TwilioRest

cli = AppGroup("retention", help="Keep personal data only as long as configured (GDPR).")


@cli.command("purge")
@click.option("--days", type=int, default=None, help="override RETENTION_DAYS")
def purge_command(days: int | None) -> None:
    """Erase recordings at Twilio and mask phone numbers; non-zero when recordings remain."""
    retention = days if days is not None else current_app.config["RETENTION_DAYS"]
    rest: TwilioRest = current_app.extensions["ivr.twilio"]
    eraser = rest.delete_recording if rest.configured else None
    now = services.now()
    result = purge(get_session(), now, retention, eraser)
    gone = f" ({result.already_gone} already gone at Twilio)" if result.already_gone else ""
    click.echo(
        f"erased {result.recordings} recording(s) at Twilio{gone}; masked numbers of "
        f"{result.incidents} incidents and {result.calls} calls; forgot "
        f"{result.remembered_languages} remembered languages; deleted {result.text_messages} "
        f"text messages; masked {result.affected_callers} numbers of callers affected by a "
        "disruption"
    )
    dead = purge_dead_letters(current_app.extensions["ivr.desk"].spool_dir, now, retention, eraser)
    click.echo(
        f"forgot {dead.letters} dead letter(s) of the spool, erasing {dead.recordings} "
        "recording(s) they named at Twilio"
    )
    if result.not_erased:
        raise click.ClickException(
            f"{result.not_erased} recording(s) NOT erased at Twilio ({result.problem}); "
            "their SIDs are kept: run the purge again once Twilio can be reached"
        )
    if dead.not_erased:
        raise click.ClickException(
            f"{dead.not_erased} dead letter(s) kept: their recording is NOT erased at Twilio "
            f"({dead.problem}); run the purge again once Twilio can be reached"
        )
