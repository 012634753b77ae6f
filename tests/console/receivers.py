"""Small real HTTP servers on loopback for tests: a ticket system and a fake Twilio media host."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    url: str
    received: list[Received] = field(default_factory=list)
    status: int = 200
    reply: bytes = b"ok"
    content_type: str = "text/plain"
    delay: float = 0.0  # seconds before answering: a slow receiver


class _Server(ThreadingHTTPServer):
    # server_close() waits for the handlers: none outlives its test to write into another's
    # captured output (a slow handler answering after the client's timeout, say).
    daemon_threads = False

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client stopped waiting, as the timeout tests make it
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serving(
    port: int = 0,
    status: int = 200,
    reply: bytes = b"ok",
    content_type: str = "text/plain",
    delay: float = 0.0,
) -> Iterator[Server]:
    """A server that records every request and answers `status` with `reply`."""
    state = Server("", status=status, reply=reply, content_type=content_type, delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            state.received.append(Received(self.path, dict(self.headers), body))
            time.sleep(state.delay)
            self.send_response(state.status)
            self.send_header("Content-Type", state.content_type)
            self.send_header("Content-Length", str(len(state.reply)))
            self.end_headers()
            self.wfile.write(state.reply)

        do_GET = do_POST = _answer

        def log_message(self, *_args: object) -> None:
            pass

    httpd = _Server(("127.0.0.1", port), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
