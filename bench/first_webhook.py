"""The first webhook of a call, alone, with wrk: the app against two yardsticks in the same run.

Each request is a new call (its own CallSid and caller number), signed as Twilio signs; wrk's
Lua script cycles through requests prepared here, so the app checks a real signature and stores
a new call every time. The yardsticks are `bench/bare_app.py`: `/twiml` (fixed TwiML) and
`/twiml/commit` (the same after one durable SQLite commit).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from ivr.phone.transport import signature

ACCOUNT = "AC" + "0" * 32
DESK = "+31413741742"


@dataclass
class Wrk:
    target: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_p50_ms: list[float] | None = None
    latencies_p99_ms: list[float] | None = None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def add(self, run: dict[str, float]) -> None:
        self.requests += int(run["requests"])
        self.errors += int(run["errors"] + run["non2xx"])
        self.seconds += run["duration_us"] / 1e6
        self.latencies_p50_ms = [*(self.latencies_p50_ms or []), run["p50_us"] / 1000]
        self.latencies_p99_ms = [*(self.latencies_p99_ms or []), run["p99_us"] / 1000]

    def summary(self) -> dict[str, object]:
        return {
            "target": self.target,
            "requests": self.requests,
            "errors": self.errors,
            "requests_per_second": round(self.per_second, 1),
            "p50_ms": [round(v, 2) for v in self.latencies_p50_ms or []],
            "p99_ms": [round(v, 2) for v in self.latencies_p99_ms or []],
        }


def available() -> bool:
    return shutil.which("wrk") is not None


def script(url: str, token: str | None, count: int, first: int, headers: dict[str, str]) -> str:
    """A wrk Lua script posting `count` different first webhooks (calls) to `url`, in turn."""
    bodies, signatures = [], []
    for i in range(first, first + count):
        form = {
            "AccountSid": ACCOUNT,
            "CallSid": f"CA{i:032x}",
            "From": f"+3163{i % 10_000_000:07d}",
            "To": DESK,
            "Caller": f"+3163{i % 10_000_000:07d}",
            "Called": DESK,
            "CallStatus": "ringing",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }
        bodies.append(urlencode(form))
        signatures.append(signature(token, url, form) if token else "")
    fixed = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    lua_headers = ", ".join(f'["{k}"] = "{v}"' for k, v in fixed.items())
    return (
        f"local bodies = {{{','.join(json.dumps(b) for b in bodies)}}}\n"
        f"local signatures = {{{','.join(json.dumps(s) for s in signatures)}}}\n"
        f"local path = {json.dumps(urlsplit(url).path)}\n"
        f"local headers = {{{lua_headers}}}\n"
        """
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
local n = 0
function request()
  local i = (n * 2 + id) % #bodies + 1  -- two threads take turns: no request twice
  n = n + 1
  headers["X-Twilio-Signature"] = signatures[i]
  return wrk.format("POST", path, headers, bodies[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "non2xx": %d, ' ..
    '"p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""
    )


def run(  # noqa: PLR0917  (each is a different knob of one wrk run)
    url: str,
    seconds: float,
    connections: int,
    token: str | None,
    first: int,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    """One wrk run of `seconds` against `url`; the figures its script prints at the end."""
    count = max(1000, int(seconds * 6000))  # more than wrk can send: no CallSid comes twice
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script(url, token, count, first, headers or {}))
    try:
        out = subprocess.run(
            [
                *("wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s"),
                *("--timeout", "10s", "-s", handle.name, url),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        Path(handle.name).unlink()
    return json.loads(out.strip().splitlines()[-1])
