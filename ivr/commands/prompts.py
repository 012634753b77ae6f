"""`flask --app app prompts list|check`: the whole script for review, and its gaps."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ivr import catalogs
from ivr.i18n import LOCALES, render
from ivr.prompts import REGISTRY
from ivr.voice.twiml import speaker_for

cli = AppGroup("prompts", help="What callers hear, in Dutch and German.")


@cli.command("list")
def list_prompts() -> None:
    """Every prompt id with its Dutch and German text, and whether a studio recording exists."""
    catalogs.registered_prompts()
    for prompt in REGISTRY.values():
        click.echo(click.style(prompt.id, bold=True))
        for locale in LOCALES:
            speaker = speaker_for(locale)
            recording = speaker.recording(prompt)
            how = f"plays {recording.name}" if recording else f"says ({speaker.voice})"
            click.echo(f"  {locale}  {render(prompt, locale)}    [{how}]")


@cli.command("check")
def check_prompts() -> None:
    """Exit non-zero on any gap: a missing, fuzzy or outdated translation, a stray recording."""
    problems = catalogs.check(audio_dir=Path(current_app.config["AUDIO_DIR"]))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the prompt catalogs")
    voices = ", ".join(f"{loc}: {current_app.config[f'VOICE_{loc.upper()}']}" for loc in LOCALES)
    click.echo(f"{len(REGISTRY)} prompts, translated into {', '.join(LOCALES)}; voices {voices}")
