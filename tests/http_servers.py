"""A real webhook receiver for tests: a stdlib HTTP server in a thread that records every POST.

It answers 500 to the first ``fail_first`` requests and ``status`` to the others (both can be
changed while it runs), after ``delay`` seconds when set; ``stop()`` cuts such waits short and
joins every handler thread, so nothing outlives a test.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import msgspec


@dataclass(frozen=True)
class Received:
    """One request as the receiver got it."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        """The body decoded."""
        return msgspec.json.decode(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # joined on close, so no handler thread outlives the test
    block_on_close = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timed-out dispatcher) is expected here, not an error."""


class Receiver:
    """Records POSTs on 127.0.0.1; use as a context manager or call ``start``/``stop``."""

    def __init__(
        self, port: int = 0, *, status: int = 204, delay: float = 0.0, fail_first: int = 0
    ) -> None:
        self.port = port
        self.status = status
        self.delay = delay
        self.fail_first = fail_first
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._released = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The URL to subscribe."""
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Receiver:
        """Listen (on ``port``, or a free one) and serve in a thread."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._arrived:
                    got = Received(self.path, headers, body, time.monotonic())
                    receiver.received.append(got)
                    receiver._arrived.notify_all()
                    is_failing = len(receiver.received) <= receiver.fail_first
                    status = 500 if is_failing else receiver.status
                    delay = receiver.delay
                if delay:
                    receiver._released.wait(delay)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read ``received`` instead."""

        self._server = _Server(("127.0.0.1", self.port), Handler)
        self.port = int(self._server.server_address[1])
        # A short poll interval: shutdown() waits for it, and tests stop receivers often.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def release(self) -> None:
        """End delayed answers now (and answer any later request at once)."""
        self._released.set()

    def stop(self) -> None:
        """Stop serving, end any delayed answers, close the socket, join the threads."""
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first ``count`` requests, waiting up to ``timeout`` seconds for them."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            assert len(self.received) >= count, f"{len(self.received)} of {count} requests"
            return list(self.received)

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
