"""A local fake of the part of Twilio's REST API the line uses, for tests and simulations.

It speaks Twilio's shapes (twilio.com/docs/voice/api/call-resource): form-encoded POSTs under
`/2010-04-01/Accounts/{AccountSid}/`, HTTP Basic authentication with the account SID and auth
token, JSON resources with snake_case fields, errors as `{"code", "message", "more_info",
"status"}`. The `twilio` library's `Client` talks to it unchanged (`TWILIO_API_BASE`).

Every request is recorded (`requests`); calls are kept (`calls`). What happens to a created
call (an agent's phone ringing, answering, pressing keys) is played by whoever drives the test,
through the call's recorded `url` and `status_callback`: the fake answers the API, it does not
decide outcomes. More resources plug in with `route` (see `calls_routes` in
`ivr.phone.fake_resources` for the pattern).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from base64 import b64decode
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from ivr.phone.fake_resources import (
    API_VERSION,
    LIVE,
    MESSAGE_STATUSES,
    ApiError,
    ApiRequest,
    FakeCall,
    Handler,
    calls_routes,
    messages_routes,
    queues_routes,
    recordings_routes,
)
from ivr.phone.transport import Reply, Transport

# The resources' names, for `from ivr.phone.fake_twilio import ...` as before.
__all__ = ["MESSAGE_STATUSES", "ApiError", "ApiRequest", "FakeCall", "FakeTwilio"]

ACCOUNT_PATH = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)(?P<rest>/.*)$")


class FakeTwilio:
    """Twilio's REST API on a loopback port; use as a context manager."""

    def __init__(self, account_sid: str, auth_token: str, host: str = "127.0.0.1") -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.requests: list[ApiRequest] = []
        self.calls: dict[str, FakeCall] = {}
        self.messages: list[dict[str, Any]] = []  # text messages accepted, as resources
        self.recordings: dict[str, dict[str, Any]] = {}  # what Twilio holds, by RecordingSid
        self.queues: dict[str, dict[str, Any]] = {}  # by QueueSid: friendly_name, current_size
        self.failing: int | None = None  # an HTTP status to answer everything with (an outage)
        # Calls.json refusing a call as Twilio does, by `To` ("*": every call): (HTTP, code),
        # e.g. (400, 21211) an invalid number, (400, 21210) a 'From' not on the account.
        self.refuse_calls: dict[str, tuple[int, int]] = {}
        self.message_callbacks: dict[str, str] = {}  # MessageSid -> its StatusCallback URL
        # A message is accepted and kept, but the line is answered with this HTTP status: the
        # reply lost on its way back (a gateway timing out), so the line cannot know it was sent.
        self.lose_replies: int | None = None
        self.lock = threading.RLock()
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        calls_routes(self)
        messages_routes(self)
        recordings_routes(self)
        queues_routes(self)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register a handler for `method` on a path below the account, e.g. r"/Calls\\.json"."""

        def register(handler: Handler) -> Handler:
            self._routes.append((method, re.compile(f"^{pattern}$"), handler))
            return handler

        return register

    def start(self) -> FakeTwilio:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # What tests look at ----------------------------------------------------------------------

    def made(self, method: str, path_pattern: str) -> list[ApiRequest]:
        with self.lock:
            wanted = re.compile(f"^{path_pattern}$")
            return [r for r in self.requests if r.method == method and wanted.match(r.path)]

    def calls_to(self, number: str) -> list[FakeCall]:
        with self.lock:
            return [c for c in self.calls.values() if c.to == number]

    def live_calls(self) -> list[FakeCall]:
        with self.lock:
            return [c for c in self.calls.values() if c.status in LIVE]

    def set_queue(self, name: str, size: int) -> str:
        """What `<Enqueue>` does on Twilio's side: the queue `name` exists with `size` callers
        (created on first use, as Twilio creates it); returns its QueueSid."""
        with self.lock:
            for sid, queue in self.queues.items():
                if queue["friendly_name"] == name:
                    queue["current_size"] = size
                    return sid
            sid = "QU" + secrets.token_hex(16)
            self.queues[sid] = {"friendly_name": name, "current_size": size}
            return sid

    def report_message(
        self, transport: Transport, sid: str, status: str, error_code: int | None = None
    ) -> Reply | None:
        """What Twilio does when a message's status changes: post it, signed, to the message's
        StatusCallback (None when it asked for none). `status` is one of MESSAGE_STATUSES."""
        with self.lock:
            message = next(m for m in self.messages if m["sid"] == sid)
            message["status"], message["error_code"] = status, error_code
            url = self.message_callbacks.get(sid)
        if not url:
            return None
        form = {
            "AccountSid": self.account_sid,
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": message["to"],
            "From": message["from"] or "",
            "ApiVersion": API_VERSION,
        }
        if error_code is not None:
            form["ErrorCode"] = str(error_code)
        return transport.post(url, form)

    def set_status(self, call_sid: str, status: str) -> None:
        """What the simulated phone did (ringing, in-progress, completed, no-answer, ...)."""
        with self.lock:
            self.calls[call_sid].status = status

    # Serving ----------------------------------------------------------------------------------

    def handle(self, method: str, path: str, auth: str, body: bytes) -> tuple[int, dict[str, Any]]:
        match = ACCOUNT_PATH.match(path.split("?", 1)[0])
        if not match:
            raise ApiError(404, 20404, f"The requested resource {path} was not found")
        if not self._authorised(auth) or match["account"] != self.account_sid:
            raise ApiError(401, 20003, "Authenticate")
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        if "?" in path:  # a GET's filters (To, From, PageSize) are in the query string
            form |= parse_qs(path.split("?", 1)[1], keep_blank_values=True)
        request = ApiRequest(method, match["rest"], form)
        with self.lock:
            self.requests.append(request)
            if self.failing:
                raise ApiError(self.failing, 20500, "Internal Server Error")
            for route_method, pattern, handler in self._routes:
                found = pattern.match(request.path)
                if found and route_method == method:
                    return handler(self, request, found)
        raise ApiError(404, 20404, f"The requested resource {request.path} was not found")

    def _authorised(self, header: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return secrets.compare_digest(f"{user}:{password}", f"{self.account_sid}:{self.auth_token}")


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, payload = fake.handle(
                    self.command, self.path, self.headers.get("Authorization", ""), body
                )
            except ApiError as exc:
                status, payload = exc.status, exc.body()
            data = b"" if status == 204 else json.dumps(payload).encode()  # 204: no body
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, *_args: Any) -> None:  # quiet: tests read `fake.requests`
            pass

    return Handler
