"""`GET /metrics` for Prometheus (only with METRICS_TOKEN), and the webhooks measured in one place.

Webhooks are counted and timed by request hooks on the app for every `/voice/` request, so no
view needs to know; the state of the line is read at scrape time (ivr/telemetry/state.py).
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector

from ivr.telemetry import metrics, state

bp = Blueprint("metrics", __name__)
VOICE_PREFIX = "/voice/"


@bp.get("/metrics")
def scrape() -> Response:
    token = current_app.config["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response(
            "a bearer token is required\n",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"'},
            mimetype="text/plain",
        )
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every worker's and sidecar's files, added up
        own = b""
    else:
        own = generate_latest(REGISTRY)  # one process: its own values
    registry.register(state.collector(current_app._get_current_object()))  # type: ignore[attr-defined]
    # The text format every Prometheus reads (Debian's 2.x too).
    return Response(
        own + generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4}
    )


def _start() -> None:
    if request.path.startswith(VOICE_PREFIX):
        g.webhook_started = time.perf_counter()


def _measure(response: Response) -> Response:
    started = g.pop("webhook_started", None)
    if started is None:
        return response
    endpoint = request.endpoint or "unknown_step"
    metrics.WEBHOOK_SECONDS.labels(endpoint).observe(time.perf_counter() - started)
    metrics.WEBHOOKS.labels(endpoint, _outcome(response)).inc()
    return response


def _outcome(response: Response) -> str:
    """ok, degraded (answered without the database), fallback, refused, or an HTTP error."""
    if response.status_code == 403:
        return "refused"
    if response.status_code >= 500:
        return "server_error"
    if response.status_code >= 400:
        return "client_error"
    if request.endpoint is None or g.get("webhook_fallback"):  # an unknown step, the safety net
        return "fallback"
    if g.get("database_failed"):
        return "degraded"
    return "ok"


def note_fallback() -> None:
    """The safety net answered: the caller hears the apology (or is put through)."""
    g.webhook_fallback = True


def init_app(app: Flask) -> None:
    if not app.config["METRICS_TOKEN"]:
        return  # nobody can read the figures: webhooks are not timed either
    # Registered first (ivr/__init__.py calls this before the blueprints): the time includes the
    # signature check, and the count runs after every other after_request.
    app.before_request(_start)
    app.after_request(_measure)
    app.register_blueprint(bp)
