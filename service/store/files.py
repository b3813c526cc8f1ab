"""Files the service creates hold reviewed content, tokens' hashes and webhook signing secrets,
so they are owner-only: files 0600, folders 0700 (SQLite gives its -wal and -shm files the mode
of the database file)."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def make_private_dir(path: Path) -> None:
    """Create a folder (and missing parents) readable only by the owner; an existing one stays."""
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)


def create_private_file(path: Path) -> None:
    """Create an empty owner-only file unless it exists."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE_FILE_MODE)
    os.close(fd)


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write a whole owner-only file (created 0600, never readable by others in between)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
