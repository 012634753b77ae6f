"""`flask --app app twilio fallback-twiml`: what Twilio plays when the app cannot answer."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ivr.voice.fallback_document import fallback_document

cli = AppGroup("twilio", help="Configuration to paste into the Twilio console.")


@cli.command("fallback-twiml")
@click.option(
    "--base-url",
    required=True,
    help="The app's public URL as Twilio reaches it, e.g. https://ivr.example.nl",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file")
def fallback_twiml(base_url: str, output: Path | None) -> None:
    """TwiML for the number's "Primary handler fails": a TwiML Bin or a static file."""
    config = current_app.config
    if config["FALLBACK_NUMBER"] and not config["TWILIO_NUMBER"]:
        click.echo(
            "warning: TWILIO_NUMBER is not set, so the fallback number is called with the "
            "caller's own ID; a withheld one can make its network refuse the call "
            "(twilio.com/docs/api/errors/13214). Set TWILIO_NUMBER and regenerate.",
            err=True,
        )
    document = fallback_document(config, base_url)
    if output:
        output.write_text(document + "\n", encoding="utf-8")
        click.echo(f"written to {output}", err=True)
    else:
        click.echo(document)
