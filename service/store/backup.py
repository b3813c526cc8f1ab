"""Online backup and restore of the content database with SQLite's backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from service.store.db import ContentDB, connect, mark_public_change
from service.store.files import create_private_file, make_private_dir
from service.store.versions import has_versions_table, renew_epoch


class BackupError(RuntimeError):
    """A backup or restore could not be made safely."""


def integrity_check(path: Path) -> str:
    """SQLite's own verdict on a database file (``ok`` when sound)."""
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        conn.close()


def backup_database(db: ContentDB, destination: Path) -> None:
    """Copy the live database to ``destination`` while writers keep running.

    The backup API copies pages in steps and restarts when a writer changes the source, so the
    copy is one consistent snapshot; it is checked before it is reported done.
    """
    make_private_dir(destination.parent)
    if destination.exists():
        raise BackupError(f"{destination} exists already; choose a new path for the backup.")
    create_private_file(destination)  # a backup holds webhook secrets: owner-only from the start
    target = sqlite3.connect(destination)
    try:
        db.conn.backup(target, pages=256)
    finally:
        target.close()
    verdict = integrity_check(destination)
    if verdict != "ok":
        destination.unlink(missing_ok=True)
        raise BackupError(f"the backup failed its integrity check: {verdict}")


def restore_database(source: Path, db: ContentDB) -> None:
    """Replace the content database's content with a backup, in one step, and tell every worker."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    verdict = integrity_check(source)
    if verdict != "ok":
        raise BackupError(f"{source} failed its integrity check: {verdict}; nothing was restored.")
    origin = connect(source)
    try:
        origin.backup(db.conn)
    finally:
        origin.close()
    with db.write() as conn:
        if has_versions_table(conn):
            renew_epoch(conn)  # so every worker drops every response it holds
        else:
            mark_public_change(conn)
