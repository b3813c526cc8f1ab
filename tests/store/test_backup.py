"""Online backup while writers run, and restore from it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from seed.loader import publish_seed_variant
from service.store import content
from service.store.backup import BackupError, backup_database, integrity_check, restore_database
from service.store.db import ContentDB
from tests.commands import run_cli
from tests.conftest import SLUG


def publish_revisions(path: Path, count: int) -> None:
    """Publish ``count`` new revisions of the seed article from this thread's own connection."""
    db = ContentDB(path)
    try:
        for counter in range(count):
            publish_seed_variant(db, intro_body=f"Backup test {counter}", actor="backup-test")
    finally:
        db.close()


def revision_count(path: Path) -> int:
    """How many revisions a database file holds."""
    db = ContentDB(path)
    try:
        return len(content.list_revisions(db.conn, SLUG))
    finally:
        db.close()


def test_backup_while_writers_run_is_consistent(seeded_db: ContentDB, tmp_path: Path) -> None:
    writer = threading.Thread(target=publish_revisions, args=(seeded_db.path, 150))
    writer.start()
    copies = []
    try:
        for index in range(3):
            copy = tmp_path / f"backup-{index}.db"
            backup_database(seeded_db, copy)
            copies.append(copy)
    finally:
        writer.join()
    for copy in copies:
        assert integrity_check(copy) == "ok"
        revisions = content.list_revisions(ContentDB(copy).conn, SLUG)
        # A snapshot: every revision it holds is whole and numbered without gaps.
        assert [r.number for r in revisions] == list(range(len(revisions), 0, -1))
    assert revision_count(seeded_db.path) == 151


def test_restore_brings_the_backup_back(seeded_db: ContentDB, tmp_path: Path) -> None:
    copy = tmp_path / "before.db"
    backup_database(seeded_db, copy)
    publish_revisions(seeded_db.path, 3)
    before_restore = seeded_db.generation.current()
    assert revision_count(seeded_db.path) == 4
    restore_database(copy, seeded_db)
    assert revision_count(seeded_db.path) == 1
    assert content.get_live_revision_number(seeded_db.conn, SLUG) == 1
    assert seeded_db.generation.current() != before_restore


def test_backup_refuses_to_overwrite_and_restore_refuses_a_broken_file(
    seeded_db: ContentDB, tmp_path: Path
) -> None:
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"")
    with pytest.raises(BackupError, match="exists already"):
        backup_database(seeded_db, existing)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(BackupError, match="integrity check: file is not a database"):
        restore_database(broken, seeded_db)
    assert revision_count(seeded_db.path) == 1


def test_backup_and_restore_commands_round_trip(seeded_db: ContentDB, tmp_path: Path) -> None:
    copy = tmp_path / "cli-backup.db"
    made = run_cli("backup", str(copy), database=seeded_db.path)
    assert made.returncode == 0, made.stderr
    assert integrity_check(copy) == "ok"
    publish_revisions(seeded_db.path, 2)
    refused = run_cli("backup", str(copy), database=seeded_db.path)
    assert refused.returncode == 1 and "exists already" in refused.stderr
    restored = run_cli("restore", str(copy), database=seeded_db.path)
    assert restored.returncode == 0, restored.stderr
    assert revision_count(seeded_db.path) == 1
