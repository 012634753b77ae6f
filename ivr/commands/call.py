"""`flask --app app call`: call the line from a terminal, at any date and time."""

from __future__ import annotations

import contextlib
import secrets
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ivr import migrations, services
from ivr.caller_id import callable_number
from ivr.clock import FixedClock, SystemClock
from ivr.commands import verbose_option
from ivr.db import get_session
from ivr.domain.moments import DateInputError, parse_moment
from ivr.phone.fake_twilio import FakeTwilio
from ivr.phone.scratch import scratch_copy
from ivr.phone.switchboard import BEHAVIOURS, Switchboard
from ivr.phone.terminal import (
    DIAL_OUTCOMES,
    SAY_PREFIX,
    EndOfInput,
    Script,
    TerminalPhone,
    keys_to_answers,
)
from ivr.phone.transport import InProcess, OverHttp, Transport
from ivr.phone.twilio_call import TwilioCall, TwimlError
from ivr.services import softphone
from ivr.services.agents import all_agents
from ivr.services.desks import Desks
from ivr.twilio_rest import TwilioRest


@click.command("call")
@click.option("--url", help="A running server, e.g. http://127.0.0.1:8000 (default: in-process)")
@click.option(
    "--from",
    "from_number",
    help="The caller's number (default: a fresh Dutch mobile number each call, so no language "
    "remembered from an earlier call)",
)
@click.option("--to", "to_number", default="+31201234567", show_default=True)
@click.option(
    "--desk",
    "desk_key",
    help="Call this desk (DESKS_FILE): its first number, --at in its time zone",
)
@click.option("--at", "at", help='The desk\'s clock for this call, e.g. "2027-04-27 10:00"')
@click.option(
    "--keys",
    default="",
    callback=lambda ctx, _p, value: _in_order(ctx, keys_to_answers(value)),
    help='Answers at each menu, e.g. "2,1,1,1" (with --say: in the order given)',
)
@click.option(
    "--say",
    "says",
    multiple=True,
    callback=lambda ctx, _p, value: _in_order(ctx, [SAY_PREFIX + s for s in value]),
    help="A spoken answer (repeatable; --say and --keys are used in the order given)",
)
@click.option("--record-text", help="What the unattended caller says into the recording")
@click.option("--dial", "dial_outcome", type=click.Choice(DIAL_OUTCOMES), default="completed")
@click.option(
    "--agents",
    "agent_phones",
    default="accept",
    show_default=True,
    help="In-process: what the agents' phones do with offers, in order, the last repeating: "
    f"{', '.join(BEHAVIOURS)} (e.g. voicemail,accept)",
)
@click.option("--transcript", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--keep",
    is_flag=True,
    help="In-process with --at: write the call into the instance's database (default: a scratch "
    "copy of it, discarded after the call)",
)
@verbose_option(everything=True)
@with_appcontext
def cli(  # noqa: PLR0917 - one option each, as click passes them
    url: str | None,
    from_number: str | None,
    to_number: str,
    desk_key: str | None,
    at: str | None,
    keys: list[str],
    says: list[str],
    record_text: str | None,
    dial_outcome: str,
    agent_phones: str,
    transcript: Path | None,
    keep: bool,
) -> None:
    """Place a call into the line and hear it; interactive unless --keys or --say are given."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    to_number = _desk_number(app, desk_key) if desk_key else to_number
    if at:
        _parse_at(at, _zone_of(app, to_number))  # a wrong time is said before any copy
    # With --url the server's own database, whatever it is; a simulated time writes into a copy.
    scratch = bool(at) and not keep and not url
    if scratch:
        _require_newest_schema()
    with scratch_copy(app) if scratch else contextlib.nullcontext():
        if scratch:
            click.echo(
                "database: a scratch copy, discarded after the call "
                "(--keep writes a simulated call into the instance's database)"
            )
        elif not url:
            click.echo("database: the instance's own (the call is kept)")
        _place(
            app,
            url,
            from_number,
            to_number,
            at,
            record_text,
            dial_outcome,
            agent_phones,
            transcript,
        )


def _place(  # noqa: PLR0917 - the command's options, passed on
    app: Flask,
    url: str | None,
    from_number: str | None,
    to_number: str,
    at: str | None,
    record_text: str | None,
    dial_outcome: str,
    agent_phones: str,
    transcript: Path | None,
) -> None:
    """The call itself, into whichever database the app uses now."""
    token = app.config["TWILIO_AUTH_TOKEN"] or None
    when = _parse_at(at, _zone_of(app, to_number)) if at else None
    headers: dict[str, str] = {}
    transport: Transport
    board: Switchboard | None = None
    fake: FakeTwilio | None = None
    if url:
        transport = OverHttp(url.rstrip("/") + "/voice/incoming", token=token)
        if when:
            headers["X-IVR-Clock"] = when.isoformat()  # honoured with IVR_ALLOW_CLOCK_HEADER=1
    else:
        _require_newest_schema()
        if not token:  # nothing outside this process can reach the in-process app
            token = app.config["TWILIO_AUTH_TOKEN"] = secrets.token_hex(16)
        transport = InProcess(app, token=token)
        if when:
            app.extensions["ivr.clock"] = FixedClock(when)
        fake, board = _simulated_agents(app, transport, token, to_number, agent_phones)
    call = TwilioCall(
        transport,
        from_number=from_number or _fresh_mobile_number(),
        to_number=to_number,
        headers=headers,
    )
    answers = click.get_current_context().meta.get(ANSWERS, [])
    unattended = bool(answers or record_text)
    script = Script(answers, dial_outcome=dial_outcome, recording_text=record_text)
    phone = TerminalPhone(
        call, show=click.echo, script=script, ask=None if unattended else _ask, board=board
    )
    try:
        phone.run()
    except TwimlError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:  # requests' connection errors are OSErrors too
        raise click.ClickException(f"cannot reach {transport.base_url}: {exc}") from exc
    finally:
        if fake is not None:
            fake.stop()
        if transcript:
            transcript.write_text(call.as_text() + "\n", encoding="utf-8")
    if when and not url:
        from ivr.services.outbox import due_now_for_call

        due_now_for_call(get_session(), call.call_sid, SystemClock().now())
    if transcript:
        click.echo(f"transcript written to {transcript}")


def _desk_number(app: Flask, key: str) -> str:
    """The first number of desk `key`: what a caller of that desk dials."""
    desks: Desks = app.extensions["ivr.desks"]
    desk = desks.get(key)
    if desk is None:
        raise click.BadParameter(
            f"no desk {key!r} (desks: {', '.join(desks.keys)})", param_hint="--desk"
        )
    if not desk.numbers:
        raise click.BadParameter(f"desk {key!r} has no numbers", param_hint="--desk")
    return desk.numbers[0]


def _zone_of(app: Flask, to_number: str) -> ZoneInfo:
    """The time zone of the desk the number reaches: --at is that desk's clock."""
    desks: Desks = app.extensions["ivr.desks"]
    return desks.claiming(to_number).tz if desks.claiming(to_number) else desks.first.tz


def _require_newest_schema() -> None:
    """The in-process line needs its tables: say what to run rather than show a traceback."""
    if not migrations.is_current():
        raise click.ClickException(
            "the database is not at the newest schema: run `bin/flask --app app db upgrade`"
            " (or start `bin/serve` once, which does it) before calling the line in-process"
        )


def _simulated_agents(
    app: Flask, transport: Transport, token: str, line_number: str, behaviours: str
) -> tuple[FakeTwilio, Switchboard]:
    """Every agent's phone behind a local fake Twilio, doing `behaviours` with each offer."""
    planned = [b.strip() for b in behaviours.split(",") if b.strip()]
    if not planned or set(planned) - set(BEHAVIOURS):
        raise click.BadParameter(f"--agents takes {', '.join(BEHAVIOURS)}; got {behaviours!r}")
    account = "AC" + "0" * 32
    fake = FakeTwilio(account, token).start()
    app.config["TWILIO_ACCOUNT_SID"] = account
    app.extensions["ivr.twilio"] = TwilioRest(
        account, token, caller_id=line_number, api_base=fake.base_url
    )
    board = Switchboard(fake, transport, line_number=line_number)
    for agent in all_agents(get_session()):
        board.phone(agent.address, *planned)
        if agent.address.startswith("client:"):
            # Issue 27: a browser agent's softphone is open and registered; `accept` is its
            # Accept button (ivr/phone/switchboard.py).
            softphone.heartbeat(get_session(), agent, services.now())
    return fake, board


def _parse_at(text: str, tz: ZoneInfo) -> datetime:
    try:
        return parse_moment(text, tz, "")
    except DateInputError as exc:
        raise click.BadParameter(str(exc)) from exc


ANSWERS = "ivr.call.answers"


def _in_order(ctx: click.Context, answers: list[str]) -> list[str]:
    """Click processes options in command-line order: collect --say and --keys as given."""
    ctx.meta.setdefault(ANSWERS, []).extend(answers)
    return answers


def _fresh_mobile_number() -> str:
    """A valid Dutch mobile number no earlier test call is likely to have used."""
    while True:
        number = f"+316{secrets.randbelow(10**8):08d}"
        if callable_number(number):
            return number


def _ask(question: str) -> str:
    try:
        return click.prompt(question, default="", show_default=False)
    except click.Abort as exc:  # end of input (Ctrl-D): the caller puts the phone down
        raise EndOfInput from exc
