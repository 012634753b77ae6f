"""How many SLA computations a second the domain core does (a benchmark, not a test).

    python bench/sla_bench.py --seconds 3

Each SLA computation is what the line does per incident: SlaClock.start (next opening, reaction
and restore due in opening time) plus sla_state at a random later instant. Cold: the per-day
cache of opening spans is cleared before each computation; warm: it holds the year already.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ivr.domain.calendar import BusinessCalendar, _day_spans
from ivr.domain.holidays import HolidayCalendar
from ivr.domain.hours import OpeningHours
from ivr.domain.sla import SlaClock, sla_state
from ivr.domain.triage import Category

YEAR_START = datetime(2027, 1, 1, tzinfo=UTC)


def calendar() -> BusinessCalendar:
    return BusinessCalendar(
        OpeningHours.parse("mon-fri 08:30-17:00"),
        ZoneInfo("Europe/Amsterdam"),
        HolidayCalendar("NL"),
    )


def instants(n: int, seed: int = 7) -> list[datetime]:
    rng = Random(seed)
    return [YEAR_START + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(n)]


def sla_computation(cal: BusinessCalendar, received: datetime, category: Category) -> None:
    due = SlaClock.start(cal, category, received)
    sla_state(cal, due.clock_start, due.reaction_due, received + timedelta(hours=20))


def rate(seconds: float, work: Callable[[int], None]) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        work(done)
        done += 1
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    args = parser.parse_args()
    times = instants(100_000)
    categories = list(Category)
    cal = calendar()

    def cold(i: int) -> None:
        _day_spans.cache_clear()  # every day's opening spans computed afresh
        sla_computation(cal, times[i % len(times)], categories[i % 4])

    def warm(i: int) -> None:
        sla_computation(cal, times[i % len(times)], categories[i % 4])

    rows = [
        ("SLA computation (cold)", rate(args.seconds, cold)),
        ("SLA computation (warm)", rate(args.seconds, warm)),
    ]
    cal = calendar()
    rows.append(("next_opening", rate(args.seconds, lambda i: cal.next_opening(times[i % 1000]))))
    rows.append(
        (
            "add_opening_time (16 h)",
            rate(
                args.seconds, lambda i: cal.add_opening_time(times[i % 1000], timedelta(hours=16))
            ),
        )
    )
    print(f"{'operation':<28} {'per second':>12}")
    for name, per_second in rows:
        print(f"{name:<28} {per_second:>12,.0f}")


if __name__ == "__main__":
    main()
