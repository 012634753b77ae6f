"""What one whole call costs in-process: time per webhook, and statements and round trips.

    python bench/inprocess.py --calls 200                       # SQLite in a temporary file
    python bench/inprocess.py --postgres-url postgresql+psycopg://ivr:ivr@127.0.0.1/ivr_bench
    python bench/inprocess.py --calls 200 --profile 25          # and the 25 costliest functions

Drives complete out-of-hours calls (the same script as bin/bench's) through the Flask test
client, every request signed and checked, with no HTTP server in between: what is left is the
app's own work per webhook. The database work is counted with SQLAlchemy's events
(tests/support/statements.py), per call and per webhook.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr import create_app, migrations  # noqa: E402
from ivr.clock import FixedClock  # noqa: E402
from ivr.phone.transport import InProcess  # noqa: E402
from ivr.phone.twilio_call import TwilioCall  # noqa: E402
from tests.conftest import reset_postgres  # noqa: E402
from tests.reliability.calls import out_of_hours_report  # noqa: E402
from tests.support.statements import KINDS, CountedTransport, counting  # noqa: E402

TOKEN = "bench-auth-token-0123456789abcdef"
NIGHT = datetime(2026, 11, 28, 22, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def measure(
    url: str,
    calls: int,
    spool_dir: Path,
    profile: int = 0,
    *,
    desks_file: str = "",
    dialled: tuple[str, ...] = (),
) -> dict[str, Any]:
    """`calls` whole calls against a migrated database at `url`; figures per call and webhook.

    The callers are new to the line (numbers no other benchmark phase uses): each chooses a
    language, as in bin/bench's calls.
    """
    app = create_app(
        {
            "DATABASE_URL": url,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "SECRET_KEY": "bench",
            "CLOCK": FixedClock(NIGHT),
            "SPOOL_DIR": str(spool_dir),
            "LOG_LEVEL": "WARNING",
            "DESKS_FILE": desks_file,
        }
    )
    engine = app.extensions["ivr.db"].engine
    inside = [0.0, 0.0]  # wall and CPU seconds spent in the app itself, not in the client
    wsgi_app = app.wsgi_app

    def timed(environ: Any, start_response: Any) -> Any:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            return wsgi_app(environ, start_response)
        finally:
            inside[0] += time.perf_counter() - started
            inside[1] += time.process_time() - cpu_started

    app.wsgi_app = timed  # type: ignore[method-assign]

    def one_call(i: int, transport_of: Any) -> int:
        call = TwilioCall(
            transport_of(InProcess(app, token=TOKEN)),
            from_number=f"+3165{i:07d}",
            **({"to_number": dialled[i % len(dialled)]} if dialled else {}),
        )
        if not out_of_hours_report(call).reference:
            raise RuntimeError("the caller was not told a reference")
        return len(call.transcript)

    for i in range(5):  # warm-up: imports, compiled-statement caches, the pool
        one_call(10_000_000 - 1 - i, lambda t: t)
    with counting(engine) as tally:
        transports: list[CountedTransport] = []

        def counted(inner: Any) -> CountedTransport:
            transports.append(CountedTransport(inner, tally))
            return transports[-1]

        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not waits
        inside[:] = [0.0, 0.0]
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        for i in range(calls):
            one_call(i, counted)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    webhooks = sum(len(t.per_webhook) for t in transports)
    by_path: dict[str, Counter[str]] = defaultdict(Counter)
    for transport in transports:
        for path, used in transport.per_webhook:
            by_path[_step(path)].update(used)
    figures: dict[str, Any] = {
        "calls": calls,
        "webhooks_per_call": round(webhooks / calls, 2),
        # In the app (Flask's wsgi_app: signature check to committed answer), without the client.
        "ms_per_webhook": round(inside[0] / webhooks * 1000, 3),
        # The app's CPU alone (not a PostgreSQL server's): steadier than the wall clock on a
        # shared machine.
        "cpu_ms_per_webhook": round(inside[1] / webhooks * 1000, 3),
        # The client's side too (building requests, signing them, reading the TwiML).
        "with_client_ms_per_webhook": round(elapsed / webhooks * 1000, 3),
        "with_client_cpu_ms_per_webhook": round(cpu / webhooks * 1000, 3),
        "per_call": {k: round(tally.counts[k] / calls, 2) for k in KINDS},
        "round_trips_per_call": round(tally.round_trips / calls, 2),
        "per_webhook": {
            path: {k: round(v / calls, 2) for k, v in sorted(used.items())}
            for path, used in sorted(by_path.items())
        },
    }
    if profiler:
        profiler.dump_stats(spool_dir.parent / "profile.pstats")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        figures["profile"] = out.getvalue()
    engine.dispose()
    return figures


def _step(path: str) -> str:
    return path.split("://", 1)[-1].split("/voice", 1)[-1] or path


def run(backend_url: str | None, calls: int, profile: int, desks: int = 0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ivr-inprocess-") as tmp:
        if backend_url:
            reset_postgres(backend_url)
            url = backend_url
        else:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrations.upgrade("head", url=url)
        desks_file, dialled = "", ()
        if desks:  # a DESKS_FILE of that many desks, the calls dialling each in turn
            from bench import desks as desk_file

            desks_file = str(Path(tmp) / "desks.toml")
            dialled = desk_file.write(Path(desks_file), desks)
        return measure(
            url, calls, Path(tmp) / "spool", profile, desks_file=desks_file, dialled=dialled
        )


def show(name: str, figures: dict[str, Any]) -> None:
    per_call = figures["per_call"]
    print(
        f"  {name}: {figures['ms_per_webhook']:.3f} ms per webhook in the app "
        f"({figures['cpu_ms_per_webhook']:.3f} ms CPU); a call of "
        f"{figures['webhooks_per_call']:.0f} webhooks: {per_call['statements']:.1f} statements, "
        f"{per_call['commits']:.1f} commits, {per_call['checkouts']:.1f} checkouts, "
        f"{per_call['pings']:.1f} pings, {figures['round_trips_per_call']:.1f} round trips"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", help="an existing database to use (it is emptied)")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--per-webhook", action="store_true", help="the counts of each webhook")
    parser.add_argument("--desks", type=int, default=0, help="a DESKS_FILE of this many desks")
    args = parser.parse_args(argv)
    name = "postgresql" if args.postgres_url else "sqlite"
    figures = run(args.postgres_url, args.calls, args.profile, args.desks)
    show(name, figures)
    if args.per_webhook:
        for path, used in figures["per_webhook"].items():
            print(f"    {path:<32} {dict(used)}")
    if args.profile:
        print(figures["profile"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
