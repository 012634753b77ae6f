"""The loopback HTTP server under the vendors' fakes (Twilio, TOPdesk, Zammad): one base.

A fake subclasses `LoopbackServer` and answers `respond(request)` with (status, JSON) or None
(the reply is lost: the connection closes without an answer). The base starts it on
127.0.0.1 on a free port in a thread, reads each request's body, answers JSON (204 without a
body) and shuts it down; the vendor's shapes, statuses and citations stay in each fake.
"""

from __future__ import annotations

import json
import secrets
import threading
from base64 import b64decode
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self

# (status, JSON payload) to answer, or None to close the connection without an answer.
Answer = tuple[int, Any] | None


@dataclass(frozen=True)
class LoopbackRequest:
    method: str
    target: str  # the path with its query string, as sent
    headers: Message
    body: bytes

    @property
    def authorization(self) -> str:
        return self.headers.get("Authorization", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def basic_auth_is(header: str, user: str, password: str) -> bool:
    """Whether an `Authorization` header is HTTP Basic with exactly this user and password
    (RFC 7617, https://www.rfc-editor.org/rfc/rfc7617#section-2)."""
    if not header.startswith("Basic "):
        return False
    try:
        given_user, _, given_password = b64decode(header[6:]).decode().partition(":")
    except ValueError:  # not base64, or not UTF-8 (UnicodeDecodeError is a ValueError)
        return False
    return secrets.compare_digest(f"{given_user}:{given_password}", f"{user}:{password}")


class LoopbackServer:
    """An HTTP server on a loopback port for one fake; use as a context manager."""

    methods: ClassVar[tuple[str, ...]] = ("GET", "POST")  # others get http.server's 501
    content_type: ClassVar[str] = "application/json"
    protocol_version: ClassVar[str] = "HTTP/1.0"

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.lock = threading.RLock()
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def respond(self, request: LoopbackRequest) -> Answer:
        raise NotImplementedError

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _handler_for(fake: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = fake.protocol_version

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = fake.respond(LoopbackRequest(self.command, self.path, self.headers, body))
            if answer is None:  # the reply is lost: close without a word
                self.close_connection = True
                return
            status, payload = answer
            data = b"" if status == 204 else json.dumps(payload).encode()  # 204: no body
            self.send_response(status)
            self.send_header("Content-Type", fake.content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:  # quiet: tests read the fake's requests
            pass

    for method in fake.methods:
        setattr(Handler, f"do_{method}", Handler._serve)
    return Handler
