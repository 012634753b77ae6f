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

Four measurements per backend:
- latency: `--calls` calls in progress at once, each caller pausing `--think` seconds (on
  average) before every webhook, as a caller listens to a prompt; webhook p50/p95/p99.
- throughput: `--connections` calls back to back with no pauses; webhooks/s and calls/s.
- first webhook (with wrk, `bench/first_webhook.py`): `/voice/incoming` of a new call each
  request, against the bare endpoint and against the bare endpoint after one durable SQLite
  commit (`/twiml/commit`), the three in turn in `--rounds` rounds;
- in-process (`bench/inprocess.py`): whole calls through the Flask test client, the time per
  webhook inside the app, and statements, transactions and round trips per call.
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

from bench import bare_app, desks, first_webhook, inprocess  # noqa: E402
from ivr import migrations  # noqa: E402
from ivr.phone.transport import Form, Reply, absolute, signature  # noqa: E402
from ivr.phone.twilio_call import TwilioCall  # noqa: E402
from tests.conftest import reset_postgres  # noqa: E402
from tests.reliability.calls import out_of_hours_report  # noqa: E402
from tests.support.servers import PG_BIN, gunicorn, private_postgres  # noqa: E402

TOKEN = "bench-auth-token-0123456789abcdef"
# Saturday night: the desk is closed, so every call takes the full intake with a recording.
NIGHT = datetime(2026, 11, 28, 22, 0, tzinfo=ZoneInfo("Europe/Amsterdam")).isoformat()
P99_TARGET_MS = 10.0  # with 100 calls in progress (issue 15)
RATIO_TARGET = {"sqlite": 0.5, "postgresql": 0.5}  # whole calls against bare (issue 30)
FIRST_WEBHOOK_TARGET = {"bare": 0.5, "bare + commit": 0.75}


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


def night_report_to(numbers: tuple[str, ...]) -> CallScript:
    """`night_report`, the callers dialling `numbers` (the desks') in turn (`--desks`)."""
    if not numbers:
        return night_report

    def report(transport: Loopback, from_number: str) -> None:
        dialled = numbers[int(from_number[-7:]) % len(numbers)]
        call = TwilioCall(
            transport, from_number=from_number, to_number=dialled, headers={"X-IVR-Clock": NIGHT}
        )
        if not out_of_hours_report(call).reference:
            raise RuntimeError("the caller was not told a reference")

    return report


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
    backend: str, bare_base: str, args: argparse.Namespace, numbers: Iterator[int]
) -> tuple[list[Phase], dict[str, object]]:
    """The app on `backend`, each measurement paired with the bare endpoint's taken beside it.

    Also: the first webhook alone under wrk (app, bare, bare + commit in turn) and, in-process,
    what one whole call costs per webhook and in statements and round trips.
    """
    bare_url = f"{bare_base}/twiml"
    extra: dict[str, object] = {}
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
        dialled: tuple[str, ...] = ()
        if args.desks:  # a DESKS_FILE of that many desks, the callers dialling each in turn
            env["DESKS_FILE"] = str(Path(tmp) / "desks.toml")
            dialled = desks.write(Path(env["DESKS_FILE"]), args.desks)
        script = night_report_to(dialled)
        with gunicorn(env, workers=args.workers) as base:
            incoming = f"{base}/voice/incoming"
            warm = drive(Phase(backend, "warm-up", 2, 0.0), incoming, script, 1, numbers)
            walk = bare_walk(round(warm.webhooks / max(warm.calls, 1)))
            drive(Phase("bare", "warm-up", 2, 0.0), bare_url, walk, 1, numbers)
            app, bare = (incoming, script), (bare_url, walk)
            phases = measure_in_turn(backend, app, bare, args, numbers)
            if args.first_webhook and first_webhook.available():
                extra["first_webhook"] = first_webhook_in_turn(
                    backend, incoming, bare_base, args, numbers
                )
        app_calls = warm.calls + sum(p.calls for p in phases[1::2])
        stored = complete_incidents(url)
        print(f"  {backend}: {stored} complete incidents stored for {app_calls} completed calls")
        if stored != app_calls:
            raise SystemExit(f"{backend}: reports lost or duplicated under load")
        spooled = list((Path(tmp) / "spool").glob("*"))
        if spooled:
            print(f"  {backend}: {len(spooled)} spool files written (database errors)")
        if args.inprocess_calls:
            print(f"  {backend}: {args.inprocess_calls} whole calls in-process", flush=True)
            figures = inprocess.measure(
                url,
                args.inprocess_calls,
                Path(tmp) / "spool-inprocess",
                desks_file=env.get("DESKS_FILE", ""),
                dialled=dialled,
            )
            inprocess.show(backend, figures)
            extra["inprocess"] = figures
    return phases, extra


def first_webhook_in_turn(
    backend: str,
    incoming: str,
    bare_base: str,
    args: argparse.Namespace,
    numbers: Iterator[int],
) -> dict[str, object]:
    """The first webhook alone with wrk: bare, bare + commit and the app in turn, in rounds."""
    targets = {
        "bare": (f"{bare_base}/twiml", None, {}),
        "bare + commit": (f"{bare_base}/twiml/commit", None, {}),
        "app": (incoming, TOKEN, {"X-IVR-Clock": NIGHT}),
    }
    print(f"  {backend}: first webhook with wrk, {args.connections} connections", flush=True)
    results = {name: first_webhook.Wrk(name) for name in targets}
    for url, token, headers in targets.values():  # warm-up
        first_webhook.run(url, 1, args.connections, token, next(numbers) * 1_000_000, headers)
    for _ in range(args.rounds):
        for name, (url, token, headers) in targets.items():
            run = first_webhook.run(
                url,
                args.seconds / args.rounds,
                args.connections,
                token,
                next(numbers) * 1_000_000,
                headers,
            )
            results[name].add(run)
    app = results["app"]
    ratios = {
        name: round(app.per_second / results[name].per_second, 3)
        for name in ("bare", "bare + commit")
    }
    for name, result in results.items():
        shown = "".join(f"  {ratios[y]:.2f}x {y}" for y in ratios if name == "app")
        print(
            f"  {backend} first webhook {name:<14}{result.per_second:>8.0f} requests/s  "
            f"p50 {statistics.median(result.latencies_p50_ms or [0]):.1f} ms  "
            f"p99 {statistics.median(result.latencies_p99_ms or [0]):.1f} ms"
            f"  errors {result.errors}{shown}"
        )
    for name, target in FIRST_WEBHOOK_TARGET.items():
        met = "met" if ratios[name] >= target else "MISSED"
        print(f"  {backend}: first webhook {ratios[name]:.2f}x {name} (target >= {target}x): {met}")
    return {"ratios": ratios, **{name: r.summary() for name, r in results.items()}}


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
    backend = "postgresql" if "postgresql" in phase.server else "sqlite"
    if phase.kind == "latency":
        p99 = phase.percentile_ms(99)
        met = p99 < P99_TARGET_MS
        what = f"p99 {p99:.1f} ms with {phase.concurrent_calls} calls in progress"
        target = f"< {P99_TARGET_MS:.0f} ms"
    else:
        ratio = phase.webhooks_per_second / bare.webhooks_per_second
        met = ratio >= RATIO_TARGET[backend]
        what = f"throughput {ratio:.2f}x the bare endpoint's"
        target = f">= {RATIO_TARGET[backend]}x"
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


@contextmanager
def _prepared(path: Path) -> Iterator[str]:
    bare_app.prepare(str(path)).close()
    yield str(path)


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
    parser.add_argument(
        "--desks",
        type=int,
        default=0,
        help="a DESKS_FILE of this many desks, callers dialling each in turn (0: none, the "
        "environment's one desk)",
    )
    parser.add_argument(
        "--first-webhook",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the first webhook alone with wrk against bare and bare + commit (needs wrk)",
    )
    parser.add_argument(
        "--inprocess-calls",
        type=int,
        default=None,
        help="whole calls in-process (default: 13 a second of --seconds, 200 for 15 s; 0: none)",
    )
    args = parser.parse_args(argv)
    if args.inprocess_calls is None:
        args.inprocess_calls = max(10, round(args.seconds * 13))
    if args.workers is None:
        import multiprocessing

        args.workers = multiprocessing.cpu_count() * 2 + 1  # gunicorn.conf.py's default
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not args.postgres_url and not (PG_BIN / "initdb").exists():
        print("no PostgreSQL server binaries (.ci/postgres installs them): SQLite only")
        backends.remove("postgresql")
    numbers = itertools.count()
    print(f"gunicorn with {args.workers} sync workers; {args.seconds:.0f} s per measurement")
    if args.first_webhook and not first_webhook.available():
        print("no wrk (bin/bench installs Debian's wrk when run as root): no first-webhook runs")
    phases: list[Phase] = []
    extras: dict[str, object] = {}
    with (
        tempfile.TemporaryDirectory(prefix="ivr-bare-") as bare_tmp,
        _prepared(Path(bare_tmp) / "bare.sqlite3") as bare_db,
        gunicorn(
            {"BARE_SQLITE": bare_db},
            workers=args.workers,
            app="bench.bare_app:app",
        ) as bare_base,
    ):
        for backend in backends:
            backend_phases, extras[backend] = bench_backend(backend, bare_base, args, numbers)
            phases += backend_phases
    figures = report(phases) | {"backends": extras}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if figures["failed_calls"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
