"""Logs as one JSON object per line (LOG_FORMAT=json): what a log collector parses without rules.

Each line has time, level, logger, message, and within a request its id; a webhook's line also
the call's CallSid and the desk. Callers' numbers are masked where they are logged (ivr.privacy);
a full number that slipped into a message is masked here as well.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from ivr.privacy import mask_number

DESK = "default"  # the desk's key before the call's desk is known (models.DEFAULT_DESK)
# E.164 (+31612345678), international (0031...) and national (0612345678); not a reference.
_NUMBER = re.compile(r"\+\d{8,15}|\b00\d{8,15}\b|\b0\d{9,10}\b")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
MARK = "_ivr_json"


class RequestContext(logging.Filter):
    """Adds the request id, the CallSid and the desk of the request being answered, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flask import g, has_request_context, request

        if has_request_context():
            record.request_id = g.get("request_id")
            if request.path.startswith("/voice/"):
                sid = request.form.get("CallSid", "") if request.method == "POST" else ""
                record.call_sid = sid if _CALL_SID.fullmatch(sid) else None
                record.desk = _desk_key(request.values)
        return True


def _desk_key(values: Any) -> str:
    """The call's desk: as the webhook found it (ivr.voice.context.desk), else the desk claiming
    the number dialled or called from. No lookup here logs (this runs inside logging)."""
    from flask import current_app, g

    from ivr.services.desks import line_desks

    found = g.get("ivr_desk")
    if found is None:
        desks = line_desks(current_app.extensions)
        found = desks.claiming(values.get("To")) or desks.claiming(values.get("From"))
        found = found or desks.first
    return found.key or DESK


class JsonFormatter(logging.Formatter):
    """One JSON object per record; gunicorn's access lines carry the request's fields too."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _masked(record.getMessage()),
        }
        for field in ("request_id", "call_sid", "desk"):
            value = getattr(record, field, None)
            if value:
                entry[field] = value
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_access_fields(record.args))
        if record.exc_info:
            entry["exception"] = _masked(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def _access_fields(atoms: dict[str, Any]) -> dict[str, Any]:
    """gunicorn's access-log atoms (docs.gunicorn.org/en/stable/settings.html#access-log-format)."""
    fields = {
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": atoms.get("s"),
        "duration_ms": round(int(atoms.get("D") or 0) / 1000, 1),
        "bytes": atoms.get("B"),
        "remote": atoms.get("h"),
    }
    request_id = atoms.get("{x-request-id}o")
    if request_id and request_id != "-":
        fields["request_id"] = request_id
    return {key: value for key, value in fields.items() if value not in (None, "-")}


def _masked(text: str) -> str:
    return _NUMBER.sub(lambda m: mask_number(m.group(0)), text)


class _CurrentStderr:
    """Writes to whatever `sys.stderr` is now (a test's capture, or the real one)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def json_handler() -> logging.Handler:
    handler = logging.StreamHandler(_CurrentStderr())  # type: ignore[arg-type]
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContext())
    setattr(handler, MARK, True)
    return handler


def configure(level: str, log_format: str) -> None:
    """The root logger writes JSON lines to stderr, or the text format as before."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, MARK, False)]:
        root.removeHandler(handler)
    if log_format == "json":
        for handler in root.handlers:  # basicConfig's text handler would say everything twice
            if type(handler) is logging.StreamHandler:
                root.removeHandler(handler)
        root.addHandler(json_handler())
        root.setLevel(level)
    else:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def start_request() -> None:
    """A request id: the proxy's `X-Request-Id` when it is sane, else a new one."""
    from flask import g, request

    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]


def tag_response(response: Any) -> Any:
    from flask import g

    if g.get("request_id"):
        response.headers["X-Request-Id"] = g.request_id
    return response
