"""`flask --app app call`: call the line from a terminal, at any date and time."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from ivr.clock import FixedClock
from ivr.phone.terminal import DIAL_OUTCOMES, Script, TerminalPhone
from ivr.phone.transport import InProcess, OverHttp, Transport
from ivr.phone.twilio_call import TwilioCall, TwimlError


@click.command("call")
@click.option("--url", help="A running server, e.g. http://127.0.0.1:8000 (default: in-process)")
@click.option("--from", "from_number", default="+31612345678", show_default=True)
@click.option("--to", "to_number", default="+31201234567", show_default=True)
@click.option("--at", "at", help='The desk\'s clock for this call, e.g. "2027-04-27 10:00"')
@click.option("--keys", default="", help='Answers at each menu, in order, e.g. "2,1,1,1"')
@click.option("--say", "says", multiple=True, help="A spoken answer, after the --keys")
@click.option("--dial", "dial_outcome", type=click.Choice(DIAL_OUTCOMES), default="completed")
@click.option("--transcript", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def cli(  # noqa: PLR0917 - one option each, as click passes them
    url: str | None,
    from_number: str,
    to_number: str,
    at: str | None,
    keys: str,
    says: tuple[str, ...],
    dial_outcome: str,
    transcript: Path | None,
) -> None:
    """Place a call into the line and hear it; interactive unless --keys or --say are given."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    token = app.config["TWILIO_AUTH_TOKEN"] or None
    when = _parse_at(at, ZoneInfo(app.config["IVR_TIMEZONE"])) if at else None
    headers: dict[str, str] = {}
    transport: Transport
    if url:
        transport = OverHttp(url.rstrip("/") + "/voice/incoming", token=token)
        if when:
            headers["X-IVR-Clock"] = when.isoformat()  # honoured with IVR_ALLOW_CLOCK_HEADER=1
    else:
        if not token:  # nothing outside this process can reach the in-process app
            token = app.config["TWILIO_AUTH_TOKEN"] = secrets.token_hex(16)
        transport = InProcess(app, token=token)
        if when:
            app.extensions["ivr.clock"] = FixedClock(when)
    call = TwilioCall(transport, from_number=from_number, to_number=to_number, headers=headers)
    unattended = bool(keys or says)
    phone = TerminalPhone(
        call,
        show=click.echo,
        script=Script.build(keys, says, dial_outcome),
        ask=None if unattended else _ask,
    )
    try:
        phone.run()
    except TwimlError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:  # requests' connection errors are OSErrors too
        raise click.ClickException(f"cannot reach {transport.base_url}: {exc}") from exc
    finally:
        if transcript:
            transcript.write_text(call.as_text() + "\n", encoding="utf-8")
    if transcript:
        click.echo(f"transcript written to {transcript}")


def _parse_at(text: str, tz: ZoneInfo) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter(f"{text!r} is not a date and time like 2027-04-27 10:00") from exc
    return when if when.tzinfo else when.replace(tzinfo=tz)


def _ask(question: str) -> str:
    return click.prompt(question, default="", show_default=False)
