"""`flask --app app demo seed --incidents 5000`: a generated history to look at or measure."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import create_engine

from ivr import migrations, services
from ivr.services.demo_history import DESK_KEYS, Plan, generate, has_calls

cli = AppGroup("demo", help="A generated history: desks, agents, calls, incidents (fake numbers).")


def default_url(incidents: int) -> str:
    instance = Path(current_app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance / f'demo-{incidents}.sqlite3'}"


@cli.command("seed")
@click.option(
    "--incidents",
    type=click.IntRange(1, 1_000_000),
    required=True,
    help="How many incidents (5,000 to 1,000,000 for a realistic history).",
)
@click.option("--months", type=click.IntRange(1, 120), default=24, show_default=True)
@click.option("--desks", type=click.IntRange(1, len(DESK_KEYS)), default=3, show_default=True)
@click.option("--seed", type=int, default=30, show_default=True, help="Same seed, same history.")
@click.option(
    "--database-url",
    default=None,
    help="Where to write (default: a new SQLite file instance/demo-N.sqlite3, not DATABASE_URL).",
)
@click.option(
    "--into-existing",
    is_flag=True,
    help="Write even though the database has calls already (they mix with the generated).",
)
def seed(
    *,
    incidents: int,
    months: int,
    desks: int,
    seed: int,
    database_url: str | None,
    into_existing: bool,
) -> None:
    """Generate MONTHS months of history with INCIDENTS incidents, in bulk."""
    url = database_url or default_url(incidents)
    migrations.upgrade("head", url=url)
    engine = create_engine(url)
    try:
        if has_calls(engine) and not into_existing:
            raise click.ClickException(
                "that database has calls already; give --into-existing to add a generated "
                "history to it anyway, or another --database-url"
            )
        started = time.monotonic()

        def progress(done: int) -> None:
            if done % 50_000 == 0 or done == incidents:
                click.echo(f"  {done} incidents ({time.monotonic() - started:.0f} s)")

        plan = Plan(incidents=incidents, months=months, desks=desks, seed=seed, now=services.now())
        written = generate(engine, plan, progress)
    finally:
        engine.dispose()
    rows = ", ".join(f"{count} {table}" for table, count in sorted(written.rows.items()))
    click.echo(f"wrote {rows} in {time.monotonic() - started:.1f} s")
    click.echo(f"DATABASE_URL={url}")
