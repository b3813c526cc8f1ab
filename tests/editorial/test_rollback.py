"""Rollback: content already live is a 409 that changes nothing, however often it is clicked."""

from __future__ import annotations

import threading

import pytest

from service.editorial import live
from service.errors import Conflict
from service.store.db import ContentDB
from tests.conftest import SLUG
from tests.editorial.steps import EDITOR, approved_draft, audit_actions


def counts(db: ContentDB) -> tuple[int, int, int]:
    """Revisions, change-feed events and webhook deliveries stored."""
    return tuple(  # type: ignore[return-value]
        db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("revisions", "events", "webhook_deliveries")
    )


def test_rolling_back_to_content_that_is_live_again_is_a_conflict(seeded_db: ContentDB) -> None:
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR, SLUG, None, None)
    live.rollback(seeded_db, EDITOR, SLUG, 1)  # revision 3, a copy of 1
    before, audit_before = counts(seeded_db), audit_actions(seeded_db)
    with pytest.raises(Conflict, match="says exactly what the live revision 3 says"):
        live.rollback(seeded_db, EDITOR, SLUG, 1)
    assert counts(seeded_db) == before
    assert audit_actions(seeded_db) == audit_before
    # Rolling back to the other content still works.
    assert live.rollback(seeded_db, EDITOR, SLUG, 2).revision == 4


def test_ten_parallel_rollbacks_make_one_revision(seeded_db: ContentDB) -> None:
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR, SLUG, None, None)
    revisions, events, _ = counts(seeded_db)
    outcomes: list[str] = []
    lock = threading.Lock()

    def click() -> None:
        db = ContentDB(seeded_db.path)  # one connection per person clicking
        try:
            live.rollback(db, EDITOR, SLUG, 1)
            outcome = "rolled back"
        except Conflict:
            outcome = "conflict"
        finally:
            db.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=click) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 9 + ["rolled back"]
    assert counts(seeded_db)[:2] == (revisions + 1, events + 1)
