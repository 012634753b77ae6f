"""gunicorn settings, from the environment: bind address, workers, timeouts."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Twilio waits 15 s for a webhook; a worker stuck longer than this is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "20"))
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's runtime control socket lives in $HOME by default: one path shared by every instance
# on the host (tests and benchmarks run several), and a home a container user may not have.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "") == ""
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]


def post_worker_init(_worker: object) -> None:
    """Move what start-up allocated out of the garbage collector's sight.

    A worker holds about a hundred thousand long-lived objects (Flask, SQLAlchemy, Babel, the
    holiday tables); without this every full collection walks them all, a pause of ~40
    milliseconds in the middle of some caller's webhook.
    """
    import gc

    gc.collect()
    gc.freeze()


def when_ready(server) -> None:  # type: ignore[no-untyped-def]
    """Say once, at start, that webhooks will not be verified or will all be refused."""
    from ivr.config import load_config
    from ivr.voice.security import WARNED, token_warning

    message = token_warning(load_config())
    if message:
        server.log.warning(message)
        os.environ[WARNED] = "1"  # the workers, forked after this, need not say it again


# LOG_FORMAT=json: gunicorn's own lines and its access log as JSON objects, like the app's.
if os.environ.get("LOG_FORMAT", "text").strip().lower() == "json":
    # The access atoms gunicorn passes to the formatter (ivr/telemetry/logs.py reads them).
    access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus %({x-request-id}o)s'
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ivr.telemetry.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": []},  # the app adds its own (ivr/telemetry/logs.py)
        "loggers": {
            "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }


def child_exit(_server: object, worker: object) -> None:
    """A dead worker's live gauges leave the metrics (prometheus_client's multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
