"""A local fake of the part of Twilio's REST API the line uses, for tests and simulations.

It speaks Twilio's shapes (twilio.com/docs/voice/api/call-resource): form-encoded POSTs under
`/2010-04-01/Accounts/{AccountSid}/`, HTTP Basic authentication with the account SID and auth
token, JSON resources with snake_case fields, errors as `{"code", "message", "more_info",
"status"}`. The `twilio` library's `Client` talks to it unchanged (`TWILIO_API_BASE`).

Every request is recorded (`requests`); calls are kept (`calls`). What happens to a created
call (an agent's phone ringing, answering, pressing keys) is played by whoever drives the test,
through the call's recorded `url` and `status_callback`: the fake answers the API, it does not
decide outcomes. More resources plug in with `route` (see `_calls_routes` for the pattern).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from base64 import b64decode
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from ivr.phone.transport import Reply, Transport

API_VERSION = "2010-04-01"
ACCOUNT_PATH = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)(?P<rest>/.*)$")
LIVE = ("queued", "ringing", "in-progress")
# Every Status a Message resource can have
# (twilio.com/docs/messaging/api/message-resource#message-status-values).
MESSAGE_STATUSES = (
    "queued", "sending", "sent", "failed", "delivered", "undelivered", "receiving", "received",
    "accepted", "scheduled", "read", "partially_delivered", "canceled",
)  # fmt: skip


@dataclass(frozen=True)
class ApiRequest:
    """One request as the fake received it; `form` keeps repeated fields in order."""

    method: str
    path: str  # below /2010-04-01/Accounts/{sid}, e.g. "/Calls.json"
    form: dict[str, list[str]]
    received: float = field(default_factory=time.perf_counter, compare=False)  # for benchmarks

    def value(self, name: str, default: str = "") -> str:
        values = self.form.get(name)
        return values[0] if values else default


@dataclass
class FakeCall:
    """A call created through the API, as Twilio would report it."""

    sid: str
    account_sid: str
    to: str
    from_: str
    url: str
    status_callback: str
    status_callback_events: list[str]
    timeout: int
    status: str = "queued"
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    redirects: list[str] = field(default_factory=list)  # URLs the call was sent to by updates

    def resource(self) -> dict[str, Any]:
        stamp = format_datetime(self.created_at)
        return {
            "sid": self.sid,
            "account_sid": self.account_sid,
            "to": self.to,
            "to_formatted": self.to,
            "from": self.from_,
            "from_formatted": self.from_,
            "status": self.status,
            "direction": "outbound-api",
            "api_version": API_VERSION,
            "date_created": stamp,
            "date_updated": stamp,
            "start_time": None,
            "end_time": None,
            "duration": None,
            "parent_call_sid": None,
            "answered_by": None,
            "price": None,
            "price_unit": "USD",
            "uri": f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{self.sid}.json",
        }


class ApiError(Exception):
    """Answered as Twilio answers errors."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


Handler = Callable[["FakeTwilio", ApiRequest, re.Match[str]], tuple[int, dict[str, Any]]]


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
        _calls_routes(self)
        _messages_routes(self)
        _recordings_routes(self)
        _queues_routes(self)

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


def _calls_routes(fake: FakeTwilio) -> None:
    """Calls.json: create; Calls/{sid}.json: fetch, and update (redirect or end)."""

    @fake.route("POST", r"/Calls\.json")
    def create(fake: FakeTwilio, request: ApiRequest, _m: re.Match[str]) -> tuple[int, dict]:
        for required in ("To", "From"):
            if not request.value(required):
                raise ApiError(400, 21201, f"No '{required}' number is specified")
        if not (request.value("Url") or request.value("Twiml")):
            raise ApiError(400, 21205, "Url parameter is required")
        refusal = fake.refuse_calls.get(request.value("To")) or fake.refuse_calls.get("*")
        if refusal:
            raise ApiError(refusal[0], refusal[1], f"Twilio error {refusal[1]}")
        call = FakeCall(
            sid="CA" + secrets.token_hex(16),
            account_sid=fake.account_sid,
            to=request.value("To"),
            from_=request.value("From"),
            url=request.value("Url"),
            status_callback=request.value("StatusCallback"),
            status_callback_events=request.form.get("StatusCallbackEvent", []),
            timeout=int(request.value("Timeout", "60") or 60),
        )
        fake.calls[call.sid] = call
        return 201, call.resource()

    @fake.route("GET", r"/Calls/(?P<sid>CA\w+)\.json")
    def fetch(fake: FakeTwilio, _r: ApiRequest, m: re.Match[str]) -> tuple[int, dict]:
        return 200, _call(fake, m["sid"]).resource()

    @fake.route("POST", r"/Calls/(?P<sid>CA\w+)\.json")
    def update(fake: FakeTwilio, request: ApiRequest, m: re.Match[str]) -> tuple[int, dict]:
        call = _call(fake, m["sid"])
        if call.status not in LIVE:
            raise ApiError(400, 21220, "Call is not in-progress. Cannot redirect.")
        status = request.value("Status")
        if status in ("completed", "canceled"):
            call.status = "canceled" if call.status != "in-progress" else "completed"
        elif status:
            raise ApiError(400, 21218, f"Invalid Status {status!r}")
        elif request.value("Url"):
            call.redirects.append(request.value("Url"))
        return 200, call.resource()


def _messages_routes(fake: FakeTwilio) -> None:
    """Messages.json: send a text message, and read the account's messages
    (twilio.com/docs/messaging/api/message-resource)."""

    @fake.route("POST", r"/Messages\.json")
    def create(fake: FakeTwilio, request: ApiRequest, _m: re.Match[str]) -> tuple[int, dict]:
        if not request.value("To"):
            raise ApiError(400, 21604, "A 'To' phone number is required.")
        if not (request.value("From") or request.value("MessagingServiceSid")):
            raise ApiError(400, 21603, "A 'From' phone number is required.")
        if not request.value("Body"):
            raise ApiError(400, 21602, "Message body is required.")
        stamp = format_datetime(datetime.now(UTC))
        sid = "SM" + secrets.token_hex(16)
        message = {
            "sid": sid,
            "account_sid": fake.account_sid,
            "to": request.value("To"),
            "from": request.value("From") or None,
            "messaging_service_sid": request.value("MessagingServiceSid") or None,
            "body": request.value("Body"),
            "status": "queued",
            "direction": "outbound-api",
            "num_segments": "1",
            "api_version": API_VERSION,
            "date_created": stamp,
            "date_updated": stamp,
            "date_sent": None,
            "error_code": None,
            "error_message": None,
            "price": None,
            "uri": f"/{API_VERSION}/Accounts/{fake.account_sid}/Messages/{sid}.json",
        }
        if request.value("StatusCallback"):
            fake.message_callbacks[sid] = request.value("StatusCallback")
        fake.messages.append(message)
        if fake.lose_replies:
            raise ApiError(fake.lose_replies, 20500, "Bad Gateway")
        return 201, message

    @fake.route("GET", r"/Messages\.json")
    def read(fake: FakeTwilio, request: ApiRequest, _m: re.Match[str]) -> tuple[int, dict]:
        """The account's messages, most recent first, filtered by To and From (one page)."""
        size = int(request.value("PageSize", "50") or 50)
        found = [
            m
            for m in reversed(fake.messages)
            if request.value("To") in ("", m["to"]) and request.value("From") in ("", m["from"])
        ]
        uri = f"/{API_VERSION}/Accounts/{fake.account_sid}/Messages.json"
        return 200, {
            "messages": found[:size],
            "page": 0,
            "page_size": size,
            "start": 0,
            "end": min(size, len(found)) - 1,
            "uri": uri,
            "first_page_uri": uri,
            "next_page_uri": None,
            "previous_page_uri": None,
        }


def _recordings_routes(fake: FakeTwilio) -> None:
    """Recordings/{sid}.json: fetch, and delete (204; 404 when Twilio has no such recording)."""

    def recording(fake: FakeTwilio, sid: str) -> dict[str, Any]:
        found = fake.recordings.get(sid)
        if found is None:
            raise ApiError(
                404, 20404, f"The requested resource /Recordings/{sid}.json was not found"
            )
        return found

    @fake.route("GET", r"/Recordings/(?P<sid>RE\w+)\.json")
    def fetch(fake: FakeTwilio, _r: ApiRequest, m: re.Match[str]) -> tuple[int, dict]:
        return 200, {"account_sid": fake.account_sid, **recording(fake, m["sid"])}

    @fake.route("DELETE", r"/Recordings/(?P<sid>RE\w+)\.json")
    def delete(fake: FakeTwilio, _r: ApiRequest, m: re.Match[str]) -> tuple[int, dict]:
        recording(fake, m["sid"])
        del fake.recordings[m["sid"]]
        return 204, {}


def _queues_routes(fake: FakeTwilio) -> None:
    """Queues.json: list (one page); Queues/{sid}.json: delete (Twilio's queue resource)."""

    def resource(sid: str, queue: dict[str, Any]) -> dict[str, Any]:
        return {
            "sid": sid,
            "account_sid": fake.account_sid,
            "friendly_name": queue["friendly_name"],
            "current_size": queue["current_size"],
            "max_size": 100,
            "average_wait_time": 0,
            "uri": f"/{API_VERSION}/Accounts/{fake.account_sid}/Queues/{sid}.json",
        }

    @fake.route("GET", r"/Queues\.json")
    def read(fake: FakeTwilio, _r: ApiRequest, _m: re.Match[str]) -> tuple[int, dict]:
        uri = f"/{API_VERSION}/Accounts/{fake.account_sid}/Queues.json"
        found = [resource(sid, queue) for sid, queue in fake.queues.items()]
        return 200, {
            "queues": found,
            "page": 0,
            "page_size": len(found),
            "start": 0,
            "end": len(found) - 1,
            "uri": uri,
            "first_page_uri": uri,
            "next_page_uri": None,
            "previous_page_uri": None,
        }

    @fake.route("DELETE", r"/Queues/(?P<sid>QU\w+)\.json")
    def delete(fake: FakeTwilio, _r: ApiRequest, m: re.Match[str]) -> tuple[int, dict]:
        queue = fake.queues.get(m["sid"])
        if queue is None:
            raise ApiError(404, 20404, f"The requested resource /Queues/{m['sid']}.json not found")
        if queue["current_size"]:  # Twilio removes only empty queues; this code is the fake's
            raise ApiError(400, 20001, "Queue is not empty")
        del fake.queues[m["sid"]]
        return 204, {}


def _call(fake: FakeTwilio, sid: str) -> FakeCall:
    call = fake.calls.get(sid)
    if call is None:
        raise ApiError(404, 20404, f"The requested resource /Calls/{sid}.json was not found")
    return call


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
