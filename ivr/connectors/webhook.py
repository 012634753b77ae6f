"""The generic connector: every incident POSTed as signed JSON to `INCIDENT_WEBHOOK_URL`.

The body is `{"event", "delivery", "incident"}`, signed with HMAC-SHA256 over
`<timestamp>.<body>`; `X-IVR-Delivery` (the outbox row's id, the same on every attempt) lets the
receiver drop a repeat after a crash mid-send, so this connector never needs to look anything up.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ivr.connectors.base import Delivery, Outcome, Progress, Result

Post = Callable[..., Any]  # requests.post's signature


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


@dataclass(frozen=True)
class Receiver:
    url: str
    secret: str
    timeout: float


class WebhookConnector:
    name = "webhook"

    def __init__(self, receiver: Receiver, post: Post | None = None) -> None:
        self.receiver = receiver
        self._post = post

    def deliver(self, delivery: Delivery) -> Outcome:
        post = self._post
        if post is None:
            import requests

            post = requests.post
        body = json.dumps(
            {
                "event": delivery.event,
                "delivery": delivery.message_id,
                "incident": delivery.incident,
            },
            ensure_ascii=False,
        ).encode()
        at = delivery.at or datetime.now().astimezone()
        timestamp = str(int(at.timestamp()))
        headers = {
            "Content-Type": "application/json",
            "X-IVR-Delivery": str(delivery.message_id),
            "X-IVR-Timestamp": timestamp,
            "X-IVR-Signature": sign(self.receiver.secret, timestamp, body),
        }
        try:
            response = post(
                self.receiver.url, data=body, headers=headers, timeout=self.receiver.timeout
            )
        except OSError as exc:  # requests' connection errors and timeouts are OSErrors
            return Outcome(Result.RETRY, message=f"{type(exc).__name__}: {exc}"[:500])
        if 200 <= response.status_code < 300:
            return Outcome(Result.DELIVERED)
        # The receiver is the desk's own: any answer but 2xx is tried again, as it always was.
        return Outcome(Result.RETRY, message=f"HTTP {response.status_code}")

    def progress(self, since: datetime) -> Sequence[Progress]:
        return []  # a webhook tells nothing back
