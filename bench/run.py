"""Webhook latency and throughput under many concurrent calls, against a bare Flask endpoint.

    bin/bench                                   # SQLite and a throw-away PostgreSQL
    bin/bench --backend sqlite --seconds 10
    bin/bench --postgres-url postgresql+psycopg://ivr:ivr@127.0.0.1/ivr_bench

Starts gunicorn on loopback with the repo's gunicorn.conf.py (the same worker count for the app
and the yardstick) and drives complete out-of-hours calls with the one Twilio-like client
(`ivr.phone.twilio_call.TwilioCall`): incoming, language, purpose, impact, severity, recording
with its status callback, callback number, the reference read back, the status callback. Every
request is signed, and the app checks every signature. The yardstick is `bench/bare_app.py`, a
bare Flask endpoint returning fixed TwiML, walked by the same client with as many requests a call.

Two measurements per server:
- latency: `--calls` calls in progress at once, each caller pausing `--think` seconds (on
  average) before every webhook, as a caller listens to a prompt; webhook p50/p95/p99.
- throughput: `--connections` calls back to back with no pauses; webhooks/s and calls/s.
Each measurement of the app is paired with one of the bare endpoint taken beside it (throughput
in alternating rounds, `--rounds`), so a busy machine slows both alike; the ratio is the app's
throughput over its pair's. Afterwards the database is counted: every call the client completed
must have left exactly one complete incident with a recording.

The client runs on the same machine and shares its cores with the servers; the figures are for
comparing runs and backends on one machine, not absolute capacity.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from ivr import migrations  # noqa: E402
from ivr.phone.transport import Form, Reply, absolute, signature  # noqa: E402
from ivr.phone.twilio_call import TwilioCall  # noqa: E402
from tests.conftest import reset_postgres  # noqa: E402
from tests.reliability.calls import out_of_hours_report  # noqa: E402
from tests.support.servers import PG_BIN, gunicorn, private_postgres  # noqa: E402

TOKEN = "bench-auth-token-0123456789abcdef"
# Saturday night: the desk is closed, so every call takes the full intake with a recording.
NIGHT = datetime(2026, 11, 28, 22, 0, tzinfo=ZoneInfo("Europe/Amsterdam")).isoformat()
P99_TARGET_MS = 25.0
RATIO_TARGET = 0.5


@dataclass
class Loopback:
    """A transport to a server on loopback: signs as Twilio does, times every request."""

    base_url: str
    latencies: list[float]
    token: str | None = None
    think: float = 0.0  # mean pause before each request after the first (the caller listening)
    _sent: int = 0

    def post(self, url: str, form: Form, headers: Mapping[str, str] | None = None) -> Reply:
        if self.think and self._sent:
            time.sleep(random.uniform(0.5, 1.5) * self.think)
        self._sent += 1
        full = absolute(self.base_url, url)
        all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        if self.token:
            all_headers["X-Twilio-Signature"] = signature(self.token, full, form)
        parts = urlsplit(full)
        body = urlencode(list(form.items()) if isinstance(form, Mapping) else list(form))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        started = time.perf_counter()
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
        try:
            connection.request("POST", path, body, all_headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        self.latencies.append(time.perf_counter() - started)
        return Reply(response.status, text, response.getheader("Content-Type", ""))


CallScript = Callable[[Loopback, str], None]


def night_report(transport: Loopback, from_number: str) -> None:
    call = TwilioCall(transport, from_number=from_number, headers={"X-IVR-Clock": NIGHT})
    if not out_of_hours_report(call).reference:
        raise RuntimeError("the caller was not told a reference")


def bare_walk(requests_per_call: int) -> CallScript:
    def walk(transport: Loopback, from_number: str) -> None:
        call = TwilioCall(
            transport, from_number=from_number, incoming_url="/twiml", status_url="/status"
        )
        call.start()
        for _ in range(requests_per_call - 2):
            call.press("1")
        call.hang_up()

    return walk


@dataclass
class Phase:
    server: str
    kind: str  # latency | throughput
    concurrent_calls: int
    think_seconds: float
    seconds: float = 0.0
    calls: int = 0
    failed_calls: int = 0
    webhooks: int = 0
    latencies: list[float] = field(default_factory=list, repr=False)

    @property
    def webhooks_per_second(self) -> float:
        return self.webhooks / self.seconds if self.seconds else 0.0

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: int) -> float:
        if len(self.latencies) < 2:
            return 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000

    def summary(self) -> dict[str, object]:
        values = {k: v for k, v in asdict(self).items() if k != "latencies"}
        values |= {
            "webhooks_per_second": round(self.webhooks_per_second, 1),
            "calls_per_second": round(self.calls_per_second, 2),
            **{f"p{p}_ms": round(self.percentile_ms(p), 2) for p in (50, 95, 99)},
        }
        return values


def drive(
    phase: Phase, base_url: str, script: CallScript, seconds: float, numbers: Iterator[int]
) -> Phase:
    """`phase.concurrent_calls` callers, each calling again when a call ends, for `seconds`."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def caller() -> None:
        while time.monotonic() < deadline:
            latencies: list[float] = []
            transport = Loopback(base_url, latencies, TOKEN, phase.think_seconds)
            with lock:
                number = f"+3162{next(numbers):07d}"
            try:
                script(transport, number)
                ok = True
            except Exception as exc:  # counted and reported; the run goes on
                print(f"  call from {number} failed: {exc}", file=sys.stderr)
                ok = False
            with lock:
                phase.latencies.extend(latencies)
                phase.webhooks += len(latencies)
                phase.calls += ok
                phase.failed_calls += not ok

    started = time.monotonic()
    threads = [threading.Thread(target=caller) for _ in range(phase.concurrent_calls)]
    for thread in threads:
        thread.start()
        if phase.think_seconds:  # callers arrive spread over a second, not all at once
            time.sleep(1 / phase.concurrent_calls)
    for thread in threads:
        thread.join()
    phase.seconds += time.monotonic() - started  # a phase may be measured in several rounds
    return phase


def complete_incidents(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        count = connection.scalar(
            sa.text(
                "SELECT count(*) FROM incidents WHERE status = 'open' "
                "AND recording_url IS NOT NULL AND callback_number IS NOT NULL"
            )
        )
    engine.dispose()
    return int(count or 0)


@contextmanager
def database(backend: str, postgres_url: str | None, workdir: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    if postgres_url:
        reset_postgres(postgres_url)  # a clean slate: the run counts what it stored
        yield postgres_url
        return
    with private_postgres() as server:
        yield server.url


def bench_backend(
    backend: str, bare_url: str, args: argparse.Namespace, numbers: Iterator[int]
) -> list[Phase]:
    """The app on `backend`, each measurement paired with the bare endpoint's taken beside it."""
    with (
        tempfile.TemporaryDirectory(prefix="ivr-bench-") as tmp,
        database(backend, args.postgres_url, Path(tmp)) as url,
    ):
        migrations.upgrade("head", url=url)
        env = {
            "DATABASE_URL": url,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "IVR_ALLOW_CLOCK_HEADER": "1",
            "SECRET_KEY": "bench",
            "SPOOL_DIR": str(Path(tmp) / "spool"),
        }
        with gunicorn(env, workers=args.workers) as base:
            incoming = f"{base}/voice/incoming"
            warm = drive(Phase(backend, "warm-up", 2, 0.0), incoming, night_report, 1, numbers)
            walk = bare_walk(round(warm.webhooks / max(warm.calls, 1)))
            drive(Phase("bare", "warm-up", 2, 0.0), bare_url, walk, 1, numbers)
            app, bare = (incoming, night_report), (bare_url, walk)
            phases = measure_in_turn(backend, app, bare, args, numbers)
        app_calls = warm.calls + sum(p.calls for p in phases[1::2])
        stored = complete_incidents(url)
        print(f"  {backend}: {stored} complete incidents stored for {app_calls} completed calls")
        if stored != app_calls:
            raise SystemExit(f"{backend}: reports lost or duplicated under load")
        spooled = list((Path(tmp) / "spool").glob("*"))
        if spooled:
            print(f"  {backend}: {len(spooled)} spool files written (database errors)")
    return phases


def measure_in_turn(
    backend: str,
    app: tuple[str, CallScript],
    bare: tuple[str, CallScript],
    args: argparse.Namespace,
    numbers: Iterator[int],
) -> list[Phase]:
    """Bare, then app, for each kind; throughput in rounds, so both see the same machine."""
    phases: list[Phase] = []
    for kind, calls, think in (
        ("latency", args.calls, args.think),
        ("throughput", args.connections, 0.0),
    ):
        bare_phase = Phase(f"bare ({backend} run)", kind, calls, think)
        app_phase = Phase(f"app ({backend})", kind, calls, think)
        print(f"  {backend}: {kind}, {calls} calls at once, app and bare in turn", flush=True)
        rounds = args.rounds if kind == "throughput" else 1  # a latency call lasts ~17 s
        for _ in range(rounds):
            drive(app_phase, *app, args.seconds / rounds, numbers)
            drive(bare_phase, *bare, args.seconds / rounds, numbers)
        phases += [bare_phase, app_phase]
    return phases


def verdict(phase: Phase, bare: Phase) -> str:
    if phase.kind == "latency":
        p99 = phase.percentile_ms(99)
        met = p99 < P99_TARGET_MS
        what = f"p99 {p99:.1f} ms with {phase.concurrent_calls} calls in progress"
        target = f"< {P99_TARGET_MS:.0f} ms"
    else:
        ratio = phase.webhooks_per_second / bare.webhooks_per_second
        met = ratio >= RATIO_TARGET
        what = f"throughput {ratio:.2f}x the bare endpoint's"
        target = f">= {RATIO_TARGET}x"
    return f"{phase.server}: {what} (target {target}): {'met' if met else 'MISSED'}"


def report(phases: list[Phase]) -> dict[str, object]:
    """`phases` come in pairs: the bare endpoint's measurement, then the app's beside it."""
    rows = [
        f"{'server':<23}{'phase':<15}{'calls':>6}{'webhooks/s':>11}{'calls/s':>8}"
        f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'vs bare':>9}"
    ]
    verdicts, figures = [], []
    for bare, app in zip(phases[::2], phases[1::2], strict=True):
        ratio = app.webhooks_per_second / bare.webhooks_per_second
        for p in (bare, app):
            shown = f"{ratio:.2f}x" if p is app and p.kind == "throughput" else ""
            rows.append(
                f"{p.server:<23}{p.kind + ' ' + str(p.concurrent_calls):<15}{p.calls:>6}"
                f"{p.webhooks_per_second:>11.0f}{p.calls_per_second:>8.1f}"
                f"{p.percentile_ms(50):>8.1f}{p.percentile_ms(95):>8.1f}"
                f"{p.percentile_ms(99):>8.1f}{shown:>9}"
            )
        verdicts.append(verdict(app, bare))
        figures.append({"app": app.summary(), "bare": bare.summary(), "ratio": round(ratio, 3)})
    print("\n".join(rows))
    print("\n".join(verdicts))
    failed = sum(p.failed_calls for p in phases)
    if failed:
        print(f"{failed} calls failed")
    return {"pairs": figures, "failed_calls": failed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", help="an existing database to use (it is emptied)")
    parser.add_argument("--seconds", type=float, default=15.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="app and bare in turn, throughput")
    parser.add_argument("--calls", type=int, default=100, help="calls in progress (latency)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause before a webhook")
    parser.add_argument("--connections", type=int, default=16, help="back-to-back calls")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.workers is None:
        import multiprocessing

        args.workers = multiprocessing.cpu_count() * 2 + 1  # gunicorn.conf.py's default
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.postgres_url and not (PG_BIN / "initdb").exists():
        print("no PostgreSQL server binaries (.ci/postgres installs them): SQLite only")
        backends.remove("postgresql")
    numbers = itertools.count()
    print(f"gunicorn with {args.workers} sync workers; {args.seconds:.0f} s per measurement")
    phases: list[Phase] = []
    with gunicorn({}, workers=args.workers, app="bench.bare_app:app") as bare_base:
        for backend in backends:
            phases += bench_backend(backend, f"{bare_base}/twiml", args, numbers)
    figures = report(phases)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if figures["failed_calls"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
