"""What the history costs: the same operations over 5k, 50k and 500k generated incidents.

    bin/bench --scale                        # SQLite, and PostgreSQL where its binaries are
    bin/bench --scale --sizes 5000,50000 --backend sqlite
    bin/bench --scale --postgres-url postgresql+psycopg://ivr:ivr@127.0.0.1/ivr_scale  # emptied

For each size, a database is filled by `flask --app app demo seed`'s generator
(ivr/services/demo_history.py: 24 months, 3 desks) and then, in-process through the Flask test
client (no HTTP server: the figures are the app's own work and its database's, comparable across
sizes, not absolute capacity), each operation is timed `--repeat` times and the median kept:
the first webhook of a new call and a whole out-of-hours call (per webhook), the work list and
its live fragment, an incident page, the monthly report (page and `report sla`; both also with
no figures kept, as the first view after a change), the JSON API's list, the month's incident
export (CSV) and `incidents export` of the last month, the wall board, the retention purge
(once: it changes what it finds) and dispatch (one claim) with 300 callers waiting and 50 free
agents. Afterwards: each figure per size and the ratio largest over
smallest (the issue's target: at most 2x from 5k to 500k for what a user waits for).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, delete, insert, select, text  # noqa: E402

from ivr import create_app, migrations  # noqa: E402
from ivr.clock import FixedClock  # noqa: E402
from ivr.db import get_session  # noqa: E402
from ivr.models import DEFAULT_DESK, Agent, AgentDesk, Incident, QueueEntry, ReportCache  # noqa: E402
from ivr.phone.transport import InProcess  # noqa: E402
from ivr.phone.twilio_call import TwilioCall  # noqa: E402
from ivr.services.demo_history import Plan, generate  # noqa: E402
from ivr.services.dispatch import claim_next  # noqa: E402
from ivr.services.queue import QueueSettings  # noqa: E402
from ivr.services.retention import purge  # noqa: E402
from ivr.services.users import create_token, create_user  # noqa: E402
from tests.conftest import reset_postgres  # noqa: E402
from tests.reliability.calls import out_of_hours_report  # noqa: E402
from tests.support.servers import PG_BIN, private_postgres  # noqa: E402

TOKEN = "bench-auth-token-0123456789abcdef"
PASSWORD = "bench password 30"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Saturday night: the desk is closed, so a whole call is the full out-of-hours intake.
NIGHT = datetime(2026, 11, 28, 22, 0, tzinfo=AMSTERDAM)
MONTH = "2026-10"  # the last full month before NIGHT: the report a lead asks for
WAITING, FREE_AGENTS = 300, 50
SLOW_SECONDS = 3.0
# What a user waits for (the 2x target); the purge and the full export are jobs.
WAITED_FOR = (
    "first webhook",
    "whole call (per webhook)",
    "work list",
    "work list live",
    "incident page",
    "report page",
    "report CLI",
    "report page, nothing kept",
    "report CLI, nothing kept",
    "API list",
    "month export CSV",
    "wall board",
    "dispatch claim",
)


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    started = time.perf_counter()
    action()  # warm: compiled statements, the pool, the page's templates
    if time.perf_counter() - started > SLOW_SECONDS:
        repeat = 1  # a slow operation once more, not `repeat` times: the run must end
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def _login(app: Flask) -> FlaskClient:
    with app.app_context():
        create_user(get_session(), "bench", PASSWORD)
    client = app.test_client()
    page = client.get("/console/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token on the login page"
    answer = client.post(
        "/console/login",
        data={"username": "bench", "password": PASSWORD, "csrf_token": found.group(1)},
    )
    assert answer.status_code == 302, answer.status_code
    return client


def _ok(client: FlaskClient, path: str, **kwargs: Any) -> Callable[[], None]:
    def get() -> None:
        response = client.get(path, **kwargs)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")

    return get


def _forgetting(app: Flask, action: Callable[[], None]) -> Callable[[], None]:
    """`action` after the kept report figures are deleted: the first view after a change."""

    def run() -> None:
        with app.app_context():
            session = get_session()
            session.execute(delete(ReportCache))
            session.commit()
        action()

    return run


def _cli(app: Flask, *args: str) -> Callable[[], None]:
    runner = app.test_cli_runner()

    def run() -> None:
        result = runner.invoke(args=list(args))
        if result.exit_code != 0:
            raise RuntimeError(f"{' '.join(args)}: {result.output[-300:]}")

    return run


def measure(
    url: str, incidents: int, repeat: int, spool: Path, months: int = 24
) -> dict[str, float]:
    """Generate `incidents` over `months` into the migrated, empty database at `url`; time each
    operation."""
    migrations.upgrade("head", url=url)
    engine = create_engine(url)
    started = time.perf_counter()
    generate(engine, Plan(incidents=incidents, months=months, now=NIGHT))
    if engine.dialect.name == "postgresql":
        # The planner's statistics, as a database in use has them (autovacuum's ANALYZE comes
        # only some time after a bulk load): without them the report's plans are guesses.
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    figures: dict[str, float] = {"generate s": round(time.perf_counter() - started, 1)}
    app = create_app(
        {
            "DATABASE_URL": url,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "SECRET_KEY": "bench",
            "CLOCK": FixedClock(NIGHT),
            "SPOOL_DIR": str(spool),
            "LOG_LEVEL": "WARNING",
            "DB_TIMEOUT_SECONDS": 60,  # a figure, not a timeout, at every size
        }
    )
    try:
        figures |= _operations(app, repeat)
    finally:
        app.extensions["ivr.db"].engine.dispose()
    return figures


def _operations(app: Flask, repeat: int) -> dict[str, float]:
    numbers = iter(range(10**6))
    figures: dict[str, float] = {}

    def first_webhook() -> None:
        TwilioCall(InProcess(app, token=TOKEN), from_number=f"+3197010{next(numbers):06d}").start()

    def whole_call() -> None:
        call = TwilioCall(InProcess(app, token=TOKEN), from_number=f"+3197020{next(numbers):06d}")
        if not out_of_hours_report(call).reference:
            raise RuntimeError("the caller was not told a reference")
        whole_call.webhooks = len(call.transcript)  # type: ignore[attr-defined]

    figures["first webhook"] = _median_ms(first_webhook, repeat)
    per_call = _median_ms(whole_call, repeat)
    figures["whole call (per webhook)"] = round(per_call / whole_call.webhooks, 2)  # type: ignore[attr-defined]
    staff = _login(app)
    with app.app_context():
        session = get_session()
        token = create_token(session, "bench", NIGHT)
        old = session.scalar(
            select(Incident.reference)
            .where(
                # an old one: before the month reported (the oldest history has at least that)
                Incident.status == "resolved",
                Incident.received_at < datetime(2026, 10, 1, tzinfo=AMSTERDAM),
            )
            .order_by(Incident.received_at.desc())
            .limit(1)
        )
    figures["work list"] = _median_ms(_ok(staff, "/console/"), repeat)
    figures["work list live"] = _median_ms(_ok(staff, "/console/work-list/live"), repeat)
    figures["incident page"] = _median_ms(_ok(staff, f"/console/incidents/{old}"), repeat)
    figures["report page"] = _median_ms(_ok(staff, f"/console/report?month={MONTH}"), repeat)
    figures["report CLI"] = _median_ms(_cli(app, "report", "sla", "--month", MONTH), repeat)
    # The same after a change: no figures kept (ivr/services/report_cache.py), all computed.
    page = _ok(staff, f"/console/report?month={MONTH}")
    figures["report page, nothing kept"] = _median_ms(_forgetting(app, page), repeat)
    cli = _cli(app, "report", "sla", "--month", MONTH)
    figures["report CLI, nothing kept"] = _median_ms(_forgetting(app, cli), repeat)
    api = _ok(app.test_client(), "/api/incidents", headers={"Authorization": f"Bearer {token}"})
    figures["API list"] = _median_ms(api, repeat)
    figures["month export CSV"] = _median_ms(
        _ok(staff, f"/console/incidents.csv?month={MONTH}"), repeat
    )
    since = (NIGHT - timedelta(days=30)).date().isoformat()
    figures["export CLI, 30 days"] = _median_ms(
        _cli(app, "incidents", "export", "--since", since), 1
    )
    figures["wall board"] = _median_ms(_ok(staff, "/console/board.json"), repeat)
    with app.app_context():
        started = time.perf_counter()
        purge(get_session(), NIGHT, app.config["RETENTION_DAYS"])
        figures["retention purge"] = round((time.perf_counter() - started) * 1000, 2)
        figures["dispatch claim"] = _dispatch(app, repeat)
    return figures


def _dispatch(app: Flask, repeat: int) -> float:
    """One claim (free agent + right caller, both taken) with 300 waiting and 50 free agents."""
    session = get_session()
    since = NIGHT - timedelta(hours=1)
    session.execute(
        insert(Agent),
        [
            {
                "name": f"Bench Agent {i}",
                "address": f"+3120555{i:04d}",  # a phone (a browser agent needs a softphone)
                "languages": "nl,de",
                "on_duty": True,
                "presence": "available",
                "presence_since": since,
            }
            for i in range(FREE_AGENTS)
        ],
    )
    # An agent serves the desks they belong to (issue 26): the bench's callers are the default's.
    agent_ids = session.scalars(select(Agent.id).where(Agent.name.like("Bench Agent %")))
    session.execute(insert(AgentDesk), [{"agent_id": a, "desk": DEFAULT_DESK} for a in agent_ids])
    session.execute(
        insert(QueueEntry),
        [
            {
                "call_sid": f"CA{'b' * 24}{i:08d}",
                "language": ("nl", "de")[i % 2],
                "kind": "incident",
                "category": 1 + i % 4,
                "status": "waiting",
                "mode": "line",
                "enqueued_at": since + timedelta(seconds=i),
                "last_seen_at": NIGHT,
                "in_queue_at": since + timedelta(seconds=i + 1),
            }
            for i in range(WAITING)
        ],
    )
    session.commit()
    database = app.extensions["ivr.db"]
    settings = QueueSettings.from_config(app.config)

    def claim() -> None:
        if claim_next(database, settings, NIGHT) is None:
            raise RuntimeError("no claim with callers waiting and agents free")

    return _median_ms(claim, min(repeat, FREE_AGENTS - 1))


@contextmanager
def _databases(backend: str, postgres_url: str | None, tmp: Path) -> Iterator[Callable[[int], str]]:
    """A fresh, empty database per size."""
    if backend == "sqlite":
        yield lambda size: f"sqlite:///{tmp / f'scale-{size}.sqlite3'}"
        return
    if postgres_url:
        url = postgres_url

        def fresh(_size: int) -> str:
            reset_postgres(url)
            return url

        yield fresh
        return
    with private_postgres() as server:

        def fresh_private(_size: int) -> str:
            reset_postgres(server.url)
            return server.url

        yield fresh_private


def ratios(by_size: dict[int, dict[str, float]]) -> dict[str, float]:
    smallest, largest = min(by_size), max(by_size)
    return {
        name: round(by_size[largest][name] / by_size[smallest][name], 2)
        for name in by_size[smallest]
        if by_size[smallest][name] and name in by_size[largest]
    }


def show(backend: str, by_size: dict[int, dict[str, float]]) -> None:
    sizes = sorted(by_size)
    ratio = ratios(by_size)
    header = f"{backend + ' (ms)':<26}" + "".join(f"{s:>11,}" for s in sizes) + f"{'ratio':>8}"
    print(header)
    for name in by_size[sizes[0]]:
        cells = "".join(f"{by_size[s].get(name, float('nan')):>11.1f}" for s in sizes)
        mark = " !" if name in WAITED_FOR and ratio.get(name, 0) > 2 else ""
        print(f"{name:<26}{cells}{ratio.get(name, 0):>7.2f}x{mark}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", help="an existing database to use (it is emptied)")
    parser.add_argument("--sizes", default="5000,50000,500000", help="incidents, comma-separated")
    parser.add_argument(
        "--months",
        default="24",
        help="months of history, one for every size or one per size (comma-separated): "
        "--sizes 42000,126000,504000 --months 2,6,24 keeps the reported month at the same "
        "size (about 21,000 incidents) while the history before it grows",
    )
    parser.add_argument("--repeat", type=int, default=5, help="timings per operation (median)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    months = [int(m) for m in args.months.split(",")]
    if len(months) == 1:
        months *= len(sizes)
    if len(months) != len(sizes) or min(months) < 2:
        parser.error(
            "--months: one figure, or one per size; at least 2 (the month reported is "
            f"{MONTH}, the last full one)"
        )
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.postgres_url and not (PG_BIN / "initdb").exists():
        print("no PostgreSQL server binaries (.ci/postgres installs them): SQLite only")
        backends.remove("postgresql")
    results: dict[str, dict[int, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="ivr-scale-") as tmp:
        for backend in backends:
            results[backend] = {}
            with _databases(backend, args.postgres_url, Path(tmp)) as database_for:
                for size, span in zip(sizes, months, strict=True):
                    print(f"{backend}: {size:,} incidents over {span} months", flush=True)
                    url = database_for(size)
                    spool = Path(tmp) / "spool"
                    results[backend][size] = measure(url, size, args.repeat, spool, span)
                    print(json.dumps(results[backend][size]), flush=True)
                    if url.startswith("sqlite"):
                        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
            show(backend, results[backend])
    if args.json:
        figures = {b: {"sizes": r, "ratios": ratios(r)} for b, r in results.items()}
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
