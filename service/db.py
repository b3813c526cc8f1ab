"""SQLite connections (WAL, foreign keys, busy timeout), transactions, migrations, generation."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 5_000


class Generation:
    """A cross-process "content changed" counter: a file whose identity a commit replaces.

    Readers compare ``os.stat`` results (about a microsecond) instead of asking SQLite on every
    request; every committed write replaces the file, so every worker sees the change on its
    next request.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def current(self) -> tuple[int, int]:
        """The file's identity now; it differs after every bump."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return (0, 0)
        return (stat.st_ino, stat.st_mtime_ns)

    def bump(self) -> None:
        """Mark the content as changed for every process."""
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(str(time.time_ns()))
        os.replace(tmp, self.path)


def connect(path: Path) -> sqlite3.Connection:
    """Open a connection with the pragmas every part of the service relies on."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class ContentDB:
    """The content database: one connection per thread, explicit transactions.

    Connections are per thread because sqlite3 refuses to share one across threads.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.generation = Generation(path.with_name(path.name + ".generation"))
        self._local = threading.local()
        self._after_commit: list[Callable[[], None]] = []

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
        return conn

    @property
    def utils(self) -> sqlite_utils.Database:
        """This thread's connection wrapped by sqlite-utils."""
        db: sqlite_utils.Database | None = getattr(self._local, "utils", None)
        if db is None:
            db = sqlite_utils.Database(self.conn)
            self._local.utils = db
        return db

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after every committed write (cache invalidation, wake-ups)."""
        self._after_commit.append(callback)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` so writers queue instead of deadlocking."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        self.generation.bump()
        for callback in self._after_commit:
            callback()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction, so several queries see one consistent snapshot."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            self._local.utils = None
