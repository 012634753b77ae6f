"""The fake Twilio's REST resources: calls, messages, recordings and queues, in Twilio's shapes.

Each `*_routes(fake)` registers its resource's handlers on a `FakeTwilio` with `fake.route`;
a handler answers `(HTTP status, JSON body)` or raises `ApiError` as Twilio answers errors.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ivr.phone.fake_twilio import FakeTwilio

API_VERSION = "2010-04-01"
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


def calls_routes(fake: FakeTwilio) -> None:
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


def messages_routes(fake: FakeTwilio) -> None:
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


def recordings_routes(fake: FakeTwilio) -> None:
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


def queues_routes(fake: FakeTwilio) -> None:
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
