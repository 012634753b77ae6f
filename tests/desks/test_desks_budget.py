"""Many desks cost the database what one does (issue 26): the desk is found from the number
dialled in memory, and every desk's closures and announcements are read in one statement and
cached together. Counted with SQLAlchemy's events, never timed."""

from __future__ import annotations

from pathlib import Path

from bench import desks as bench_desks
from ivr.clock import FixedClock
from ivr.phone.transport import InProcess
from ivr.phone.twilio_call import TwilioCall
from tests.conftest import TOKEN, local
from tests.reliability.calls import out_of_hours_report
from tests.support.statements import CountedTransport, counting

SATURDAY_NIGHT = local(2026, 11, 28, 22, 0)


def statements_of_calls(app, dialled: tuple[str, ...], calls: int, first: int = 0) -> list[int]:  # type: ignore[no-untyped-def]
    """Statements of each of `calls` out-of-hours reports, the callers dialling `dialled` in
    turn; new callers, numbered from `first`."""
    counts = []
    with counting(app.extensions["ivr.db"].engine) as tally:
        for i in range(calls):
            transport = CountedTransport(InProcess(app, token=TOKEN), tally)
            kwargs = {"to_number": dialled[i % len(dialled)]} if dialled else {}
            call = TwilioCall(transport, from_number=f"+3165{first + i:07d}", **kwargs)
            assert out_of_hours_report(call).reference
            call.hang_up()
            counts.append(sum(used["statements"] for _path, used in transport.per_webhook))
    return counts


def test_twenty_desks_cost_the_statements_of_one(
    make_app, clock: FixedClock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clock.set(SATURDAY_NIGHT)
    one = make_app()
    alone = statements_of_calls(one, (), 6)
    path = tmp_path / "desks.toml"
    dialled = bench_desks.write(path, 20)
    many = make_app(DESKS_FILE=str(path))
    assert len(many.extensions["ivr.desks"]) == 20
    spread = statements_of_calls(many, dialled, 6, first=100)
    # The first call reads the caches; every later call costs the same with 20 desks as with one.
    assert spread[1:] == alone[1:], (alone, spread)
    assert spread[0] == alone[0]
