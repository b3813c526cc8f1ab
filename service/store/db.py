"""SQLite connections (WAL, foreign keys, busy timeout), transactions, migrations, generation."""

from __future__ import annotations

import mmap
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeAlias

import sqlite_utils

BUSY_TIMEOUT_MS = 5_000
# The handle every store query takes: a connection inside ``ContentDB.read()`` or ``write()``.
# Layers above the store name it by this alias, so only the store imports sqlite3.
Connection: TypeAlias = sqlite3.Connection


class Generation:
    """A cross-process "content changed" marker: 8 bytes in a shared memory-mapped file.

    Every committed write stores a fresh random value after its commit; readers compare the
    mapped bytes with the value they last saw (well under a microsecond) instead of asking
    SQLite on every request, so every worker sees a change on its next request.
    """

    SIZE = 8

    def __init__(self, path: Path) -> None:
        self.path = path
        self._map: mmap.mmap | None = None

    def _mapped(self) -> mmap.mmap:
        if self._map is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                if os.fstat(fd).st_size < self.SIZE:
                    os.pwrite(fd, os.urandom(self.SIZE), 0)
                self._map = mmap.mmap(fd, self.SIZE, mmap.MAP_SHARED)
            finally:
                os.close(fd)
        return self._map

    def current(self) -> bytes:
        """The marker now; it differs after every bump."""
        return self._mapped()[: self.SIZE]

    def bump(self) -> None:
        """Mark the content as changed for every process (a random value never repeats)."""
        self._mapped()[: self.SIZE] = os.urandom(self.SIZE)


def connect(path: Path) -> Connection:
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
    def conn(self) -> Connection:
        """This thread's connection."""
        conn: Connection | None = getattr(self._local, "conn", None)
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
    def write(self, *, is_content: bool = True) -> Iterator[Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` so writers queue instead of deadlocking.

        ``is_content=False`` is for bookkeeping that changes nothing public (the webhook outbox):
        its commit neither bumps the generation nor runs the after-commit callbacks, which would
        empty every worker's response cache on every delivery attempt.
        """
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if not is_content:
            return
        self.generation.bump()
        for callback in self._after_commit:
            callback()

    @contextmanager
    def read(self) -> Iterator[Connection]:
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
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            self._local.utils = None
