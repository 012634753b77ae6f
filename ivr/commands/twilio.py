"""`flask --app app twilio fallback-twiml`: what Twilio plays when the app cannot answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from ivr.voice.fallback_document import PARTS, fallback_document

cli = AppGroup("twilio", help="Configuration to paste into the Twilio console.")


@cli.command("fallback-twiml")
@click.option(
    "--base-url",
    required=True,
    help="The app's public URL as Twilio reaches it, e.g. https://ivr.example.nl",
)
@click.option(
    "--part",
    type=click.Choice(PARTS),
    default="primary",
    show_default=True,
    help="Which TwiML Bin: primary (the number's Primary handler fails), dialled (its Dial's "
    "action), outcome (records a message only when nobody answered).",
)
@click.option(
    "--next-url",
    default="",
    help="The URL of the Bin this part leads to: for primary the dialled Bin, for dialled the "
    "outcome Bin.",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file")
@click.option(
    "--desk",
    "desk_key",
    help="For this desk's numbers (DESKS_FILE): its fallback number, called from its first number",
)
def fallback_twiml(
    base_url: str, part: str, next_url: str, output: Path | None, desk_key: str | None
) -> None:
    """TwiML for the number's "Primary handler fails": TwiML Bins or static files.

    With FALLBACK_NUMBER set that is three Bins, made in reverse order: outcome, then dialled
    (--next-url: the outcome Bin's URL), then primary (--next-url: the dialled Bin's URL).
    """
    config = _desk_config(desk_key) if desk_key else current_app.config
    needs_next = part == "dialled" or (part == "primary" and config["FALLBACK_NUMBER"])
    if needs_next and not next_url:
        what = "outcome" if part == "dialled" else "dialled"
        raise click.UsageError(
            f"--next-url is needed: the URL of the {what!r} TwiML Bin (make it first with "
            f"--part {what}); without it nobody could tell an unanswered fallback call from a "
            "finished one."
        )
    if part == "primary" and config["FALLBACK_NUMBER"] and not config["TWILIO_NUMBER"]:
        click.echo(
            "warning: TWILIO_NUMBER is not set, so the fallback number is called with the "
            "caller's own ID; a withheld one can make its network refuse the call "
            "(twilio.com/docs/api/errors/13214). Set TWILIO_NUMBER and regenerate.",
            err=True,
        )
    document = fallback_document(config, base_url, part, next_url)
    if output:
        output.write_text(document + "\n", encoding="utf-8")
        click.echo(f"written to {output}", err=True)
    else:
        click.echo(document)


def _desk_config(key: str) -> dict[str, Any]:
    """The settings with desk `key`'s fallback number, and its first number as the caller ID."""
    desks = current_app.extensions["ivr.desks"]
    desk = desks.get(key)
    if desk is None:
        raise click.BadParameter(
            f"no desk {key!r} (desks: {', '.join(desks.keys)})", param_hint="--desk"
        )
    config = dict(current_app.config)
    config["FALLBACK_NUMBER"] = desk.fallback_number
    if desk.numbers:
        config["TWILIO_NUMBER"] = desk.numbers[0]
    return config
