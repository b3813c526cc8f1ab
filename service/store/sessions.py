"""Web sessions on the server: one row per signed-in browser, and the notice it is to see next.

They live in their own SQLite file next to the content database (``<CONTENT_DB>.sessions``)
because they are per-browser state, not content: a write here must not bump the content
generation (which would empty every public cache on each sign-in), and session ids have no
place in content backups or exports. Rows hold a SHA-256 of the session id, never the id.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from service.store.db import connect

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS web_sessions ("
    " id_hash TEXT PRIMARY KEY,"
    " token_id INTEGER NOT NULL,"
    " expires INTEGER NOT NULL,"
    " flash TEXT"
    ") WITHOUT ROWID"
)


def sessions_path(database: Path) -> Path:
    """Where the sessions over this content database are kept."""
    return database.with_name(database.name + ".sessions")


@dataclass(frozen=True)
class SessionRow:
    """A live session as the guard needs it: its token and the notice waiting for it."""

    token_id: int
    flash: str | None


class SessionStore:
    """The sessions file: created (with its table) when opened, one connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        # Made private before SQLite opens it; its -wal and -shm files take the same mode.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        with self.write() as conn:
            conn.execute(_SCHEMA)

    def __deepcopy__(self, memo: dict[int, object]) -> SessionStore:
        # Litestar deep-copies the routers it registers, guards included: they share one store.
        return self

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``, so writers queue)."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def create_session(
    store: SessionStore, id_hash: str, token_id: int, expires: int, now: int
) -> None:
    """Record a new session, dropping the expired ones in the same transaction."""
    with store.write() as conn:
        conn.execute("DELETE FROM web_sessions WHERE expires <= ?", (now,))
        conn.execute(
            "INSERT INTO web_sessions (id_hash, token_id, expires) VALUES (?, ?, ?)",
            (id_hash, token_id, expires),
        )


def find_session(store: SessionStore, id_hash: str, now: int) -> SessionRow | None:
    """The unexpired session with this id hash, or None (ended, expired or never made)."""
    row = store.conn.execute(
        "SELECT token_id, flash FROM web_sessions WHERE id_hash = ? AND expires > ?",
        (id_hash, now),
    ).fetchone()
    if row is None:
        return None
    return SessionRow(token_id=int(row[0]), flash=None if row[1] is None else str(row[1]))


def end_session(store: SessionStore, id_hash: str) -> None:
    """Forget a session: its cookie is worthless from now on, in every worker."""
    with store.write() as conn:
        conn.execute("DELETE FROM web_sessions WHERE id_hash = ?", (id_hash,))


def set_flash(store: SessionStore, id_hash: str, message: str) -> None:
    """Keep a notice for the session's next page."""
    with store.write() as conn:
        conn.execute("UPDATE web_sessions SET flash = ? WHERE id_hash = ?", (message, id_hash))


def clear_flash(store: SessionStore, id_hash: str) -> None:
    """The notice was shown: drop it."""
    with store.write() as conn:
        conn.execute("UPDATE web_sessions SET flash = NULL WHERE id_hash = ?", (id_hash,))
