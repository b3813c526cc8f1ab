"""Restore from the Litestream replica, newest or at an instant, into a fresh file, checked.

The restore is written to a temporary file beside the output and moved into place only after
it passes SQLite's integrity check, carries the current schema version and every live revision
decodes; a database some process has open is never replaced.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from service.config import Settings
from service.store.backup import integrity_check
from service.store.content import list_live_articles
from service.store.db import ContentDB
from service.store.migrations import MIGRATIONS
from service.store.replication import ReplicationError, litestream_binary, replica_url

# SQLite's unix VFS: every connection to a WAL database holds a shared lock on this byte of
# the -shm file (the "DMS" slot) for as long as it is open.
_SHM_DMS_OFFSET = 128
_SIDECARS = ("-wal", "-shm", ".generation", ".public-generation")


class RestoreError(RuntimeError):
    """A restore could not be made, or its result failed a check; nothing was replaced."""


@dataclass(frozen=True)
class RestoreReport:
    """What a restore produced."""

    path: Path
    schema_version: int
    live_articles: int
    seconds: float


def is_in_use(database: Path) -> bool:
    """Whether any process has the WAL database open (it holds a lock in the -shm file).

    The probe lock is a POSIX lock, which closing any descriptor of the file drops for the whole
    process: never call this from a process that itself has the database open.
    """
    shm = database.with_name(database.name + "-shm")
    try:
        fd = os.open(shm, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_OFFSET)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _litestream_restore(settings: Settings, target: Path, at: datetime | None) -> None:
    command = [str(litestream_binary()), "restore", "-o", str(target)]
    if at is not None:
        stamp = at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        command += ["-timestamp", stamp]
    command.append(replica_url(settings))
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode != 0 or not target.is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise RestoreError(f"litestream restore failed: {detail[-1] if detail else 'no output'}")


def check_restored(path: Path) -> tuple[int, int]:
    """Check a restored file; returns its schema version and number of live articles."""
    verdict = integrity_check(path)
    if verdict != "ok":
        raise RestoreError(f"the restored database failed its integrity check: {verdict}")
    db = ContentDB(path)
    try:
        version = int(db.conn.execute("PRAGMA user_version").fetchone()[0])
        if version != len(MIGRATIONS):
            raise RestoreError(f"the restored schema is version {version}, not {len(MIGRATIONS)}")
        with db.read() as conn:
            (live,) = conn.execute(
                "SELECT count(*) FROM articles WHERE live_revision IS NOT NULL"
            ).fetchone()
            try:
                decoded = len(list_live_articles(conn, limit=int(live)))
            except (msgspec.DecodeError, msgspec.ValidationError) as error:
                raise RestoreError(f"a live revision does not decode: {error}") from None
    except sqlite3.DatabaseError as error:
        raise RestoreError(f"the restored database cannot be read: {error}") from None
    finally:
        db.close()
    return version, decoded


def _remove_sidecars(database: Path) -> None:
    for suffix in _SIDECARS:
        database.with_name(database.name + suffix).unlink(missing_ok=True)


def restore_from_replica(
    settings: Settings, output: Path, *, at: datetime | None = None, force: bool = False
) -> RestoreReport:
    """Restore the replica's newest state (or its state at ``at``) to ``output``, checked."""
    if output.exists() or output.with_name(output.name + "-wal").exists():
        if is_in_use(output):
            raise RestoreError(f"{output} is in use by a running process; stop it or use --output")
        if not force:
            raise RestoreError(f"{output} exists; choose a fresh --output or pass --force")
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.restoring-{os.getpid()}")
    _remove_sidecars(temporary)
    temporary.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        try:
            _litestream_restore(settings, temporary, at)
        except ReplicationError as error:
            raise RestoreError(str(error)) from None
        version, live = check_restored(temporary)
        # The old file's WAL must go with it: replayed onto the restored file it would corrupt it.
        _remove_sidecars(output)
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
        _remove_sidecars(temporary)
    return RestoreReport(output, version, live, time.perf_counter() - started)
