"""Real HTTP servers on loopback for tests, each a stdlib server in a thread.

``Receiver`` is a webhook receiver that records every POST. It answers 500 to the first
``fail_first`` requests and ``status`` to the others (both can be changed while it runs), after
``delay`` seconds when set; ``stop()`` cuts such waits short and joins every handler thread, so
nothing outlives a test. ``PageServer`` serves one HTML page, as another origin would.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

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


class _QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read what the server recorded instead."""


class LocalServer(ABC):
    """A server on 127.0.0.1 in a thread; use as a context manager or call ``start``/``stop``."""

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @abstractmethod
    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class; subclasses say what they answer."""

    def start(self) -> Self:
        """Listen (on ``port``, or a free one) and serve in a thread."""
        self._server = _Server(("127.0.0.1", self.port), self.handler())
        self.port = int(self._server.server_address[1])
        # A short poll interval: shutdown() waits for it, and tests stop servers often.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket, join the threads."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class PageServer(LocalServer):
    """Serves one HTML page at every path."""

    def __init__(self, page: bytes, port: int = 0) -> None:
        super().__init__(port)
        self.page = page

    @property
    def url(self) -> str:
        """The page's URL."""
        return f"http://127.0.0.1:{self.port}/"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """Answer every GET with the page."""
        page = self.page

        class Handler(_QuietHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

        return Handler


class Receiver(LocalServer):
    """Records POSTs: a webhook receiver."""

    def __init__(
        self, port: int = 0, *, status: int = 204, delay: float = 0.0, fail_first: int = 0
    ) -> None:
        super().__init__(port)
        self.status = status
        self.delay = delay
        self.fail_first = fail_first
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._released = threading.Event()

    @property
    def url(self) -> str:
        """The URL to subscribe."""
        return f"http://127.0.0.1:{self.port}/hook"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """Record each POST, then answer as configured."""
        receiver = self

        class Handler(_QuietHandler):
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

        return Handler

    def release(self) -> None:
        """End delayed answers now (and answer any later request at once)."""
        self._released.set()

    def stop(self) -> None:
        """End any delayed answers, then stop serving."""
        self.release()
        super().stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first ``count`` requests, waiting up to ``timeout`` seconds for them."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            assert len(self.received) >= count, f"{len(self.received)} of {count} requests"
            return list(self.received)
