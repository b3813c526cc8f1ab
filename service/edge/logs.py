"""Structured JSON logs, one object a line, each carrying the request id of its request."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import msgspec

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
_encode = msgspec.json.Encoder().encode
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON with time, level, logger, message, request id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        """One JSON object for one record."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _encode(entry).decode(errors="replace")


def configure_logging(
    level: str = "info",
    access_write: Callable[[bytes], object] | None = None,
    batch_seconds: float = 0.005,
) -> None:
    """Send the service's logs to stderr as JSON lines (idempotent; the level is updated).

    The access log skips ``logging`` (see :class:`AccessLog`); ``access_write`` sends its
    batches elsewhere than stderr (tests).
    """
    root = logging.getLogger("service")
    root.setLevel(level.upper())
    ACCESS_LOG.configure(
        is_enabled=logging.getLogger("service.access").isEnabledFor(logging.INFO),
        write=access_write,
    )
    ACCESS_LOG.interval = batch_seconds
    root.propagate = False
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    # httpx logs every request's full URL at INFO: webhook URLs may carry secrets in the query.
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


class AccessLine(msgspec.Struct):
    """One access-log line: the keys a ``JsonFormatter`` line carries, in the same order."""

    time: str
    level: str
    logger: str
    message: str
    request_id: str | None
    method: str
    path: str
    route: str
    status: int
    duration_ms: float


_encode_line = msgspec.json.Encoder().encode


class AccessLog:
    """Access-log lines encoded once on the request path and written in batches by a thread.

    ``logging`` cost as much as the response itself on the hot path (a record, a formatter,
    a lock and a write system call per request). Here a request pays for one encode and a
    deque append; a daemon thread wakes when lines are pending, waits ``interval`` seconds for
    more, and writes them in order with one call. ``flush`` (on shutdown, and at exit) writes
    what is still pending, so no line is lost.
    """

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.is_enabled = True
        self._write: Callable[[bytes], object] = _write_stderr
        self._pending: deque[bytes] = deque()
        self._wake = threading.Event()
        self._flushing = threading.Lock()
        self._thread: threading.Thread | None = None

    def configure(self, *, is_enabled: bool, write: Callable[[bytes], object] | None) -> None:
        """Whether lines are kept, and where they go (stderr by default)."""
        self.flush()
        self.is_enabled = is_enabled
        self._write = write or _write_stderr

    def add(self, line: AccessLine) -> None:
        """Queue one line; the writer thread starts with the first."""
        self._pending.append(_encode_line(line) + b"\n")
        if not self._wake.is_set():
            self._wake.set()
            if self._thread is None:
                self._start()

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)
        self._thread.start()
        atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.interval)  # let a batch gather
            self._wake.clear()
            self.flush()

    def flush(self) -> None:
        """Write every pending line now, in the order they came."""
        with self._flushing:
            batch = []
            pending = self._pending
            while pending:
                batch.append(pending.popleft())
            if batch:
                with contextlib.suppress(OSError, ValueError):  # stderr closed at exit
                    self._write(b"".join(batch))


def _write_stderr(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(2, view) :]


ACCESS_LOG = AccessLog()


def log_access_line(
    method: str, path: str, route: str, status: int, seconds: float, request_id: str | None
) -> None:
    """One access-log line, if the level keeps them (info and below)."""
    if ACCESS_LOG.is_enabled:
        ACCESS_LOG.add(
            AccessLine(
                time=datetime.now(UTC).isoformat(),
                level="info",
                logger="service.access",
                message=f"{method} {path} {status}",
                request_id=request_id or request_id_var.get(),
                method=method,
                path=path,
                route=route,
                status=status,
                duration_ms=round(seconds * 1000, 3),
            )
        )
