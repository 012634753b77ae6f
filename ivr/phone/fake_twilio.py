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

import re
import secrets
from collections.abc import Callable
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
from ivr.phone.loopback import Answer, LoopbackRequest, LoopbackServer, basic_auth_is
from ivr.phone.transport import Reply, Transport

# The resources' names, for `from ivr.phone.fake_twilio import ...` as before.
__all__ = ["MESSAGE_STATUSES", "ApiError", "ApiRequest", "FakeCall", "FakeTwilio"]

ACCOUNT_PATH = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)(?P<rest>/.*)$")


class FakeTwilio(LoopbackServer):
    """Twilio's REST API on a loopback port; use as a context manager."""

    methods = ("GET", "POST", "DELETE")

    def __init__(self, account_sid: str, auth_token: str, host: str = "127.0.0.1") -> None:
        super().__init__(host)
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
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        calls_routes(self)
        messages_routes(self)
        recordings_routes(self)
        queues_routes(self)

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register a handler for `method` on a path below the account, e.g. r"/Calls\\.json"."""

        def register(handler: Handler) -> Handler:
            self._routes.append((method, re.compile(f"^{pattern}$"), handler))
            return handler

        return register

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

    def respond(self, request: LoopbackRequest) -> Answer:
        try:
            return self.handle(request.method, request.target, request.authorization, request.body)
        except ApiError as exc:
            return exc.status, exc.body()

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
        return basic_auth_is(header, self.account_sid, self.auth_token)
