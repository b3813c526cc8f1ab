"""Structured JSON logs, one object a line, each carrying the request id of its request."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import sys
import threading
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from time import time as wall_clock
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
            "time": datetime.fromtimestamp(record.created, UTC),  # RFC 3339, as msgspec writes it
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


class AccessLine(msgspec.Struct, gc=False):
    """One access-log line: the keys a ``JsonFormatter`` line carries, in the same order."""

    time: datetime
    level: str
    logger: str
    message: str
    request_id: str | None
    method: str
    path: str
    route: str
    status: int
    duration_ms: float


_line_encoder = msgspec.json.Encoder()
# What a request leaves for its line: wall-clock time, method, path, route, status, seconds, id.
AccessRecord = tuple[float, str, str, str, int, float, "str | bytes | None"]


class AccessLog:
    """Access-log lines recorded on the request path as one tuple, written in batches.

    ``logging`` cost as much as the response itself on the hot path (a record, a formatter,
    a lock and a write system call per request). Here a request pays for one tuple and a deque
    append (atomic, no lock). The first line of a batch sets a timer on the event loop that
    answered it; ``interval`` seconds later the batch is turned into JSON lines (one
    comprehension of structs, one msgspec call) and written in order with one call. The timer
    runs on the loop rather than in a thread because a thread taking the GIL from the loop every
    few milliseconds cost more than the formatting itself. ``flush`` (on shutdown, and at exit)
    writes what is still pending, so no line is lost; outside an event loop a line is written at
    once.
    """

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.is_enabled = True
        self._write: Callable[[bytes], object] = _write_stderr
        self._pending: deque[AccessRecord] = deque()
        self._is_idle = True
        self._flushing = threading.Lock()
        atexit.register(self.flush)

    def configure(self, *, is_enabled: bool, write: Callable[[bytes], object] | None) -> None:
        """Whether lines are kept, and where they go (stderr by default)."""
        self.flush()
        self.is_enabled = is_enabled
        self._write = write or _write_stderr

    def add(self, record: AccessRecord) -> None:
        """Queue one request's line; the first of a batch sets the timer that writes it."""
        self._pending.append(record)
        if self._is_idle:
            self._is_idle = False
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (a script, a sync test): write it now
                self.flush()
            else:
                loop.call_later(self.interval, self.flush)

    def flush(self) -> None:
        """Write every pending line now, in the order they came."""
        with self._flushing:
            self._is_idle = True  # lines added from here on set a new timer
            pending = self._pending
            records = [pending.popleft() for _ in range(len(pending))]
            if records:
                data = _line_encoder.encode_lines(_lines(records))
                with contextlib.suppress(OSError, ValueError):  # stderr closed at exit
                    self._write(data)


_from_timestamp = datetime.fromtimestamp  # one global lookup a line, not a global and an attribute


def _lines(records: list[AccessRecord]) -> list[AccessLine]:
    """The JSON lines' structs (a comprehension: about half the cost of a loop of appends)."""
    return [
        AccessLine(
            _from_timestamp(at, UTC),
            "info",
            "service.access",
            f"{method} {path} {status}",
            request_id.decode("latin-1") if isinstance(request_id, bytes) else request_id,
            method,
            path,
            route,
            status,
            int(seconds * 1_000_000 + 0.5) / 1000,  # to the microsecond; round() costs 10x
        )
        for at, method, path, route, status, seconds, request_id in records
    ]


def _write_stderr(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(2, view) :]


ACCESS_LOG = AccessLog()


def log_access_line(
    method: str,
    path: str,
    route: str,
    status: int,
    seconds: float,
    request_id: str | bytes | None,
) -> None:
    """One access-log line, if the level keeps them (info and below); formatted off the path."""
    if ACCESS_LOG.is_enabled:
        ACCESS_LOG.add(
            (wall_clock(), method, path, route, status, seconds, request_id or request_id_var.get())
        )
