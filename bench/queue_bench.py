"""The queue under load: many callers waiting, agents finishing calls; how long dispatch takes.

    python bench/queue_bench.py                                   # SQLite in a temporary file
    python bench/queue_bench.py --postgres-url postgresql+psycopg://ivr:ivr@127.0.0.1/ivr_bench
    python bench/queue_bench.py --agents 12 --callers 120

In-process, every webhook signed and checked as Twilio sends it; the offers go through the real
REST adapter and `twilio` Client over HTTP to the local fake Twilio, and the switchboard plays
the agents' phones (they press 1). Dispatch latency is the time from an agent becoming free
(the status callback of their finished call arriving) to the offer of the next caller reaching
Twilio's API (the fake receiving `Calls.json`), measured with the wall clock.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr import create_app, migrations  # noqa: E402
from ivr.clock import FixedClock  # noqa: E402
from ivr.db import get_session  # noqa: E402
from ivr.phone.fake_twilio import FakeTwilio  # noqa: E402
from ivr.phone.switchboard import Switchboard  # noqa: E402
from ivr.phone.transport import InProcess  # noqa: E402
from ivr.services.agents import add_agent  # noqa: E402
from tests.conftest import reset_postgres  # noqa: E402

TOKEN = "bench-auth-token-0123456789abcdef"
ACCOUNT = "AC" + "b" * 32
LINE = "+31413741742"
OPEN = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
CATEGORY_KEYS = ("11", "12", "22", "33")


def run(database_url: str, agents: int, callers: int) -> dict[str, float]:
    migrations.upgrade("head", url=database_url)
    clock = FixedClock(OPEN)
    with FakeTwilio(ACCOUNT, TOKEN) as fake, tempfile.TemporaryDirectory() as spool:
        app = create_app(
            {
                "DATABASE_URL": database_url,
                "TWILIO_AUTH_TOKEN": TOKEN,
                "TWILIO_ACCOUNT_SID": ACCOUNT,
                "TWILIO_NUMBER": LINE,
                "TWILIO_API_BASE": fake.base_url,
                "WRAP_UP_SECONDS": 0,
                "QUEUE_MAX_LENGTH": callers,
                "SECRET_KEY": "bench",
                "CLOCK": clock,
                "SPOOL_DIR": spool,
                "LOG_LEVEL": "WARNING",
            }
        )
        with app.app_context():
            for i in range(agents):
                add_agent(get_session(), f"Agent {i}", f"+3168{i:07d}", "nl,de")
        board = Switchboard(fake, InProcess(app, token=TOKEN), line_number=LINE)
        waiting = []
        for i in range(callers):
            call = board.call(f"+3162{i:07d}")
            call.start()
            for key in ("1", "1", *CATEGORY_KEYS[i % 4]):
                call.press(key)
            waiting.append(call)
        board.pump()  # the first agents take the first callers
        latencies: list[float] = []
        started = time.perf_counter()
        while board.live:
            agent = next(iter(board.live))
            before = len(fake.requests)
            freed = time.perf_counter()
            board.finish(agent)  # the status callback frees the agent; dispatch offers the next
            offered = [r for r in fake.requests[before:] if r.path == "/Calls.json"]
            if offered:
                latencies.append((offered[0].received - freed) * 1000)
            board.pump()
        elapsed = time.perf_counter() - started
        app.extensions["ivr.db"].engine.dispose()
    served = len(board.connected)
    assert served == callers, f"{served} of {callers} callers reached an agent"
    latencies.sort()
    return {
        "handovers": len(latencies),
        "median_ms": statistics.median(latencies),
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)],
        "calls_per_s": callers / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", help="measure on this PostgreSQL (its schema is reset)")
    parser.add_argument("--agents", type=int, default=6)
    parser.add_argument("--callers", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres_url or f"sqlite:///{Path(tmp) / 'queue.sqlite3'}"
        if args.postgres_url:
            reset_postgres(url)
        result = run(url, args.agents, args.callers)
    backend = "PostgreSQL" if args.postgres_url else "SQLite"
    print(
        f"{backend}: {args.callers} callers, {args.agents} agents, {result['handovers']} "
        f"handovers; dispatch latency median {result['median_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms; {result['calls_per_s']:.1f} calls served a second"
    )


if __name__ == "__main__":
    main()
