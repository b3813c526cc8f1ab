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

from service.errors import StorageUnavailable
from service.store.files import PRIVATE_FILE_MODE, create_private_file, make_private_dir

BUSY_TIMEOUT_MS = 5_000
# The read connection maps the file (SQLite caps this at 2 GiB): a page read is a memory access,
# not a system call and a copy. Address space only; the pages are the OS page cache, shared by
# every worker, and SQLite itself coordinates file size changes (checkpoints, restores).
READ_MMAP_BYTES = 1 << 31
# SQLite's answers that mean the storage, not the request, is at fault; what to check for each.
_STORAGE_FAULTS = {
    "readonly": "the file, its -wal and -shm files and their folder must be writable by the server",
    "disk is full": "the disk holding it is full; free some space",
    "disk i/o error": "the disk reported an I/O error; check the disk and the file",
    "unable to open": "the file or its folder cannot be opened; check that both exist and are "
    "readable and writable by the server",
}
# The handle every store query takes: a connection inside ``ContentDB.read()`` or ``write()``.
# Layers above the store name it by this alias, so only the store imports sqlite3.
Connection: TypeAlias = sqlite3.Connection


class ContentConnection(sqlite3.Connection):
    """A connection that remembers whether its open transaction changed public content."""

    is_public_change: bool = False


def mark_public_change(conn: Connection) -> None:
    """Inside a write: this transaction changes what the public reads (see ``ContentDB.write``)."""
    if isinstance(conn, ContentConnection):
        conn.is_public_change = True


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
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
            try:
                if os.fstat(fd).st_size < self.SIZE:
                    os.pwrite(fd, os.urandom(self.SIZE), 0)
                self._map = mmap.mmap(fd, self.SIZE, mmap.MAP_SHARED)
            finally:
                os.close(fd)
        return self._map

    def current(self) -> bytes:
        """The marker now; it differs after every bump."""
        mapped = self._map
        if mapped is None:
            mapped = self._mapped()
        return mapped[:8]

    def bump(self) -> None:
        """Mark the content as changed for every process (a random value never repeats)."""
        self._mapped()[: self.SIZE] = os.urandom(self.SIZE)


def connect(path: Path) -> Connection:
    """Open a connection with the pragmas every part of the service relies on (a missing file is
    created owner-only first, and SQLite gives its -wal and -shm files the same mode)."""
    if not path.exists():
        create_private_file(path)
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=True, factory=ContentConnection
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _set_public_change(conn: Connection, value: bool) -> None:
    if isinstance(conn, ContentConnection):
        conn.is_public_change = value


def storage_unavailable(path: Path, error: sqlite3.Error) -> StorageUnavailable | None:
    """The domain error for an error of the storage itself (None for any other error)."""
    message = str(error).lower()
    for words, advice in _STORAGE_FAULTS.items():
        if words in message:
            return StorageUnavailable(
                f"The content database {path} cannot be used right now ({error}): {advice}. "
                "Nothing was changed."
            )
    return None


@contextmanager
def _storage_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as error:
        fault = storage_unavailable(path, error)
        if fault is None:
            raise
        raise fault from error


def free_bytes(content_db: ContentDB) -> int:
    """Bytes free for the server on the disk holding the database."""
    stats = os.statvfs(content_db.path.parent)
    return stats.f_bavail * stats.f_frsize


class ContentDB:
    """The content database: one connection per thread, explicit transactions.

    Connections are per thread because sqlite3 refuses to share one across threads.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        make_private_dir(path.parent)
        # Any commit (the background jobs watch it) and only public changes (the caches do).
        self.generation = Generation(path.with_name(path.name + ".generation"))
        self.public_generation = Generation(path.with_name(path.name + ".public-generation"))
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

        A write changes nothing public unless a store function inside it declares so
        (``mark_public_change``: publish, rollback, unpublish, restore); only then does the
        public marker move, so draft saves, tokens and audit rows leave every cache in place.
        ``is_content=False`` is for bookkeeping the background jobs need not wake for (the
        webhook outbox): its commit neither bumps the generation nor runs the callbacks.
        """
        with _storage_errors(self.path):
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            _set_public_change(conn, False)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                _set_public_change(conn, False)
                raise
        if getattr(conn, "is_public_change", False):
            _set_public_change(conn, False)
            self.public_generation.bump()
        if not is_content:
            return
        self.generation.bump()
        for callback in self._after_commit:
            callback()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction, so several queries see one consistent snapshot."""
        with _storage_errors(self.path):
            conn = self.conn
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    @property
    def reader(self) -> Connection:
        """This thread's read-only connection for the hot read path, memory-mapped."""
        conn: Connection | None = getattr(self._local, "reader", None)
        if conn is None:
            conn = connect(self.path)
            conn.execute(f"PRAGMA mmap_size = {READ_MMAP_BYTES}")
            conn.execute("PRAGMA query_only = 1")
            self._local.reader = conn
        return conn

    def read_one(self, sql: str, parameters: tuple[object, ...]) -> tuple[object, ...] | None:
        """The first row of one read statement on :attr:`reader`, in the statement's own
        snapshot (autocommit: no BEGIN and COMMIT around it); the statement is compiled once
        per connection and kept (sqlite3's statement cache)."""
        with _storage_errors(self.path):
            row: tuple[object, ...] | None = self.reader.execute(sql, parameters).fetchone()
        return row

    def check_writable(self) -> None:
        """Begin a write and give it up at once: ``StorageUnavailable`` when none can begin. A
        lock held by another writer is no fault (the database is being written)."""
        conn = self.conn
        with _storage_errors(self.path):
            conn.execute("PRAGMA busy_timeout = 0")
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
            finally:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def close(self) -> None:
        """Close this thread's connection."""
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            self._local.utils = None
        reader: Connection | None = getattr(self._local, "reader", None)
        if reader is not None:
            reader.close()
            self._local.reader = None
