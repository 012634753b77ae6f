"""The line's own counters, histogram and gauges (prometheus_client; multiprocess-safe).

With `PROMETHEUS_MULTIPROC_DIR` set, prometheus_client keeps every process's values in files
there, so gunicorn's workers and the sidecars add up in one scrape (ivr/telemetry/endpoint.py).
Every label value comes from a closed set: never a phone number, a reference or free text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# `*_created` series: not in multiprocess mode either, so one process reports like many.
disable_created_metrics()

WEBHOOKS = Counter(
    "ivr_webhooks", "Twilio webhooks answered, by endpoint and outcome", ["endpoint", "outcome"]
)
WEBHOOK_SECONDS = Histogram(
    "ivr_webhook_duration_seconds",
    "Time to answer a Twilio webhook (Twilio gives up after 15 s)",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0),
)
TWILIO_ERRORS = Counter(
    "ivr_twilio_rest_errors", "Twilio REST requests refused or failed, by error code", ["code"]
)
DATABASE_ERRORS = Counter(
    "ivr_database_errors", "Database errors (unreachable: no answer in time; other)", ["kind"]
)
SPOOLED = Counter(
    "ivr_spooled_webhook_events", "Events kept in the spool while the database was away", ["event"]
)
OFFERS = Counter("ivr_offers", "Offers of a waiting caller to an agent, by result", ["result"])
CALLBACKS = Counter("ivr_callbacks", "Callbacks' calls to a caller, by result", ["result"])
SIDECAR_LAST_PASS = Gauge(
    "ivr_sidecar_last_pass_timestamp_seconds",
    "Unix time of a sidecar's last successful pass",
    ["sidecar"],
    multiprocess_mode="max",
)

OFFER_RESULTS = ("accepted", "declined", "missed", "failed", "canceled")
CALLBACK_RESULTS = ("reached", "again", "report")
SIDECARS = ("queue_sweeper", "outbox_sender")
_NAME = re.compile(r"[a-z_]{1,32}")

F = TypeVar("F", bound=Callable[..., Any])


def closed(value: object, allowed: tuple[str, ...]) -> str:
    """`value` if it is one of `allowed`, else "other": a label never carries free text."""
    text = str(value)
    return text if text in allowed else "other"


def name_label(value: object) -> str:
    """An identifier from the code (an event type): lower-case letters and _ only."""
    text = str(value)
    return text if _NAME.fullmatch(text) else "other"


def twilio_code(code: int | None, unreachable: bool = False) -> str:
    """Twilio's error codes are five digits (twilio.com/docs/api/errors); anything else: other."""
    if unreachable:
        return "unreachable"
    if code is None:
        return "none"
    return str(code) if 10000 <= int(code) <= 99999 else "other"


def offer_ended(result: str) -> None:
    OFFERS.labels(closed(result, OFFER_RESULTS)).inc()


def counts_callbacks(func: F) -> F:
    """Counts the `outcome` of each CallbackResult the wrapped function returns."""

    @wraps(func)
    def counted(*args: Any, **kwargs: Any) -> Any:
        result = func(*args, **kwargs)
        CALLBACKS.labels(closed(result.outcome, CALLBACK_RESULTS)).inc()
        return result

    return counted  # type: ignore[return-value]


def sidecar_passed(sidecar: str) -> None:
    SIDECAR_LAST_PASS.labels(closed(sidecar, SIDECARS)).set(time.time())
