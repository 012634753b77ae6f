"""Twilio's REST API, the one place the line talks to it: outbound calls, call updates, messages.

Built on the `twilio` library's unchanged `Client`. Its requests go to `TWILIO_API_BASE`: the
real API by default, the local fake (`ivr.phone.fake_twilio`) in tests and simulations. Services
call this module; routes never do. Every failure (Twilio down, slow, refusing) is one exception,
`TwilioUnavailable`, so callers of the adapter need to handle exactly one thing.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from requests import RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from ivr.telemetry import metrics

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
# The call progress events the line follows for an outbound call (Twilio's StatusCallbackEvent).
CALL_EVENTS = ("initiated", "ringing", "answered", "completed")
NOT_IN_PROGRESS = 21220  # Twilio's error code for updating a call that has ended
RECENT_MESSAGES = 20  # how far back a look-up for a message already sent goes (newest first)


class TwilioUnavailable(RuntimeError):
    """Twilio's API could not be reached, timed out, or refused the request."""

    def __init__(self, what: str, status: int | None = None, code: int | None = None) -> None:
        super().__init__(what)
        self.status = status  # the HTTP status Twilio answered; None when it was not reached
        self.code = code  # Twilio's error code (twilio.com/docs/api/errors), when it gave one


class RebasedHttpClient(TwilioHttpClient):
    """Sends the library's requests for any *.twilio.com host to `base` instead.

    The library builds absolute URLs (https://api.twilio.com/2010-04-01/...); only the scheme
    and host are replaced, so paths, form fields and authentication stay exactly Twilio's.
    """

    def __init__(self, base: str, timeout: float) -> None:
        # The library logs every request at INFO (URL and headers, never the form); keep quiet.
        quiet = logging.getLogger("ivr.twilio_rest.http")
        quiet.setLevel(logging.WARNING)
        super().__init__(timeout=timeout, logger=quiet)
        self.base = urlsplit(base.rstrip("/"))

    def rebase(self, url: str) -> str:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host != "twilio.com" and not host.endswith(".twilio.com"):
            return url
        prefix = self.base.path.rstrip("/")
        return urlunsplit(
            (self.base.scheme, self.base.netloc, prefix + parts.path, parts.query, "")
        )

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        return super().request(method, self.rebase(url), *args, **kwargs)


@dataclass(frozen=True)
class OutboundCall:
    sid: str
    status: str


@dataclass(frozen=True)
class TwilioQueue:
    sid: str
    name: str  # the queue's FriendlyName: the name `<Enqueue>` gave it
    size: int  # callers in it now


@dataclass(frozen=True)
class SentMessage:
    sid: str
    status: str


class TwilioRest:
    """The line's account on Twilio's REST API."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        caller_id: str = "",
        api_base: str = TWILIO_API,
        timeout: float = 5.0,
    ) -> None:
        self.account_sid = account_sid
        self.caller_id = caller_id
        self.api_base = api_base
        self._client = Client(
            account_sid or None,
            auth_token or None,
            http_client=RebasedHttpClient(api_base, timeout),
            environment={},  # settings come from the app's configuration, never os.environ
        )
        self.configured = bool(account_sid and auth_token)
        self._auth = (account_sid, auth_token)
        self._timeout = timeout
        # Until when this worker places no calls: Twilio refused the account or the line's
        # settings (ivr/services/dispatch.py); one try after it tells whether it was fixed.
        self.refused_until: datetime | None = None
        # Whether this worker has placed a call yet: its first success clears an alert another
        # worker (or one before a restart with the setting fixed) raised.
        self.placed_once = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TwilioRest:
        return cls(
            account_sid=config["TWILIO_ACCOUNT_SID"],
            auth_token=config["TWILIO_AUTH_TOKEN"],
            caller_id=config["TWILIO_NUMBER"],
            api_base=config["TWILIO_API_BASE"],
            timeout=config["HTTP_TIMEOUT_SECONDS"],
        )

    @property
    def client(self) -> Client:
        """The library's client, for the few uses the functions below do not cover yet."""
        return self._client

    # Calls ----------------------------------------------------------------------------------

    def create_call(
        self,
        to: str,
        url: str,
        status_callback: str,
        *,
        ring_seconds: int = 25,
        events: Sequence[str] = CALL_EVENTS,
        caller_id: str | None = None,
    ) -> OutboundCall:
        """Place a call to `to`; when answered Twilio fetches `url` (POST) for the TwiML."""
        sender = caller_id or self.caller_id
        if not sender:
            raise TwilioUnavailable("no caller ID: TWILIO_NUMBER is not configured")
        call = self._do(
            "create a call",
            lambda: self._client.calls.create(
                to=to,
                from_=sender,
                url=url,
                method="POST",
                status_callback=status_callback,
                status_callback_method="POST",
                status_callback_event=list(events),
                timeout=ring_seconds,
            ),
        )
        return OutboundCall(sid=call.sid, status=call.status)

    def redirect_call(self, call_sid: str, url: str) -> None:
        """Let a call in progress continue with the TwiML at `url` (POST)."""
        self._do(
            "redirect a call", lambda: self._client.calls(call_sid).update(url=url, method="POST")
        )

    def withdraw(self, call_sid: str, gone_url: str) -> None:
        """Take back an offer's call: a phone still ringing stops; one answered already is sent
        to `gone_url`, which tells the agent the caller is gone (a REST redirect only moves a
        call in progress: twilio.com/docs/voice/api/call-resource#update-a-call-resource)."""
        try:
            status = self._do("fetch a call", lambda: self._client.calls(call_sid).fetch()).status
        except TwilioUnavailable as exc:
            if exc.status != 404:
                raise
            return
        if status == "in-progress":
            try:
                self.redirect_call(call_sid, gone_url)
                return
            except TwilioUnavailable as exc:
                if exc.code != NOT_IN_PROGRESS:  # it ended meanwhile: nothing left to take back
                    raise
        self.hang_up(call_sid)

    def hang_up(self, call_sid: str) -> None:
        """End a call, ringing or in progress; a call that has ended already is not an error."""
        try:
            self._do(
                "hang up a call", lambda: self._client.calls(call_sid).update(status="completed")
            )
        except TwilioUnavailable as exc:
            # 404: no such call any more; 21220: "Call is not in-progress" (it ended already).
            if exc.status != 404 and exc.code != NOT_IN_PROGRESS:
                raise

    # Queues ------------------------------------------------------------------------------------

    def queues(self, limit: int = 1000) -> list[TwilioQueue]:
        """The account's queues (Twilio keeps every queue `<Enqueue>` made until deleted)."""
        found = self._do("list queues", lambda: self._client.queues.list(limit=limit))
        return [
            TwilioQueue(sid=q.sid, name=q.friendly_name or "", size=q.current_size or 0)
            for q in found
        ]

    def delete_queue(self, queue_sid: str) -> bool:
        """Delete a queue: True when deleted now, False when Twilio had none (404)."""
        try:
            self._do("delete a queue", lambda: self._client.queues(queue_sid).delete())
        except TwilioUnavailable as exc:
            if exc.status == 404:
                return False
            raise
        return True

    # Messages ----------------------------------------------------------------------------------

    def send_message(
        self, to: str, body: str, sender: str, status_callback: str | None = None
    ) -> SentMessage:
        """A text message through the Messaging API; `sender` is a number or a Messaging Service
        SID (`MG...`), which lets Twilio pick the number from the service's pool. Twilio posts
        each change of the message's status to `status_callback`
        (twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks)."""
        if not sender:
            raise TwilioUnavailable("no sender: MESSAGES_FROM is not configured")
        by_service = sender.startswith("MG")
        message = self._do(
            "send a message",
            lambda: self._client.messages.create(
                to=to,
                body=body,
                **({"status_callback": status_callback} if status_callback else {}),
                **({"messaging_service_sid": sender} if by_service else {"from_": sender}),
            ),
        )
        return SentMessage(sid=message.sid, status=message.status)

    def find_message(
        self, to: str, body: str, sender: str, known: Collection[str] = ()
    ) -> SentMessage | None:
        """A message with this body that Twilio already took for `to`, among the latest
        `RECENT_MESSAGES` to that number and not one of the `known` SIDs (messages the line knows
        it sent), or None. Twilio's Messages API has no idempotency key: before trying again
        after an attempt whose outcome is unknown (a lost reply, a crash), this tells whether the
        first attempt went through."""
        by_number = sender.startswith("+")
        found = self._do(
            "look up messages",
            lambda: self._client.messages.list(
                to=to, **({"from_": sender} if by_number else {}), limit=RECENT_MESSAGES
            ),
        )
        for message in found:
            if message.body == body and message.sid not in known:
                return SentMessage(sid=message.sid, status=message.status)
        return None

    # Recordings -----------------------------------------------------------------------------

    def delete_recording(self, recording_sid: str) -> bool:
        """Erase a recording at Twilio: True when erased now, False when Twilio had none (404).

        Raises TwilioUnavailable when it could not be erased (not configured, unreachable,
        refused): the caller keeps the SID to try again.
        """
        try:
            self._do("delete a recording", lambda: self._client.recordings(recording_sid).delete())
        except TwilioUnavailable as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def fetch_recording(self, recording_url: str) -> tuple[bytes, str]:
        """A recording's MP3 and its media type, for a ticket system to keep (issue 28).

        Only URLs on `TWILIO_API_BASE` are fetched, so the credentials go nowhere else. Raises
        TwilioUnavailable when it cannot be had now.
        """
        import requests

        if not recording_url.startswith(self.api_base.rstrip("/") + "/"):
            raise TwilioUnavailable("the recording is not on the configured Twilio API host")

        def get() -> Any:
            # Twilio serves the media as MP3 when asked by extension (as the console plays it).
            answer = requests.get(recording_url + ".mp3", auth=self._auth, timeout=self._timeout)
            if answer.status_code != 200:
                raise TwilioUnavailable(
                    f"Twilio answered {answer.status_code} for the recording", answer.status_code
                )
            return answer.content, answer.headers.get("Content-Type", "audio/mpeg")

        return self._do("fetch a recording", get)  # type: ignore[no-any-return]

    def _do(self, what: str, request: Any) -> Any:
        if not self.configured:
            raise TwilioUnavailable(f"cannot {what}: TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN not set")
        try:
            return request()
        except TwilioRestException as exc:
            log.warning("Twilio refused to %s: HTTP %s, code %s", what, exc.status, exc.code)
            metrics.TWILIO_ERRORS.labels(metrics.twilio_code(exc.code)).inc()
            raise TwilioUnavailable(f"Twilio refused to {what}", exc.status, exc.code) from exc
        except (RequestException, TwilioException, OSError) as exc:
            log.warning("Twilio unreachable to %s (%s)", what, type(exc).__name__)
            metrics.TWILIO_ERRORS.labels(metrics.twilio_code(None, unreachable=True)).inc()
            raise TwilioUnavailable(f"Twilio unreachable to {what}") from exc


def init_app(app: Flask) -> TwilioRest:
    rest = TwilioRest.from_config(app.config)
    app.extensions["ivr.twilio"] = rest
    return rest
