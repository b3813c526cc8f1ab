"""The store's own guarantees: what a commit announces, upgrades of an existing file, the
readiness check, and a draft's state following from what it carries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from schema.article import ArticleFields, Draft, DraftState, Review, Reviewer
from service.store import drafts
from service.store.codec import format_time
from service.store.db import ContentDB
from service.store.migrations import (
    MIGRATIONS,
    DatabaseUnavailable,
    check_schema_version,
    migrate,
)
from tests.conftest import SLUG

AT = datetime(2026, 1, 1, tzinfo=UTC)
REVIEW = Review(reviewed_by=Reviewer(name="Rita Reviewer", credentials="MD"), reviewed_at=AT)
FIELDS = ArticleFields(title="A title", summary="A summary.", disclaimer="A disclaimer.")


def test_a_content_write_announces_its_commit_and_a_bookkeeping_write_does_not(
    db: ContentDB,
) -> None:
    calls: list[str] = []
    db.on_commit(lambda: calls.append("commit"))
    before = db.generation.current()
    with db.write(is_content=False) as conn:
        conn.execute("INSERT INTO audit (at, actor, role, action) VALUES ('t', 'a', 'r', 'x')")
    assert (db.generation.current(), calls) == (before, [])
    with db.write() as conn:
        conn.execute("INSERT INTO audit (at, actor, role, action) VALUES ('t', 'a', 'r', 'y')")
    assert db.generation.current() != before
    assert calls == ["commit"]


def test_a_failed_write_rolls_back_and_announces_nothing(db: ContentDB) -> None:
    before = db.generation.current()
    with pytest.raises(RuntimeError), db.write() as conn:
        conn.execute("INSERT INTO audit (at, actor, role, action) VALUES ('t', 'a', 'r', 'x')")
        raise RuntimeError("stop")
    assert db.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 0
    assert db.generation.current() == before


def _draft_row(
    article_id: int, state: str, review: Review | None, submitted_by: str | None
) -> tuple[object, ...]:
    return (
        article_id,
        1,
        state,
        1,
        '{"title":"A title","summary":"A summary.","disclaimer":"A disclaimer."}',
        "[]",
        '["Erin Editor"]',
        "Erin Editor",
        format_time(AT),
        submitted_by,
        None
        if review is None
        else f'{{"reviewed_by":{{"name":"Rita Reviewer"}},"reviewed_at":"{format_time(AT)}"}}',
    )


def test_upgrading_a_file_with_stored_draft_states_keeps_the_drafts(tmp_path: Path) -> None:
    old = ContentDB(tmp_path / "old.db")
    try:
        for number, migration in enumerate(MIGRATIONS[:3], start=1):
            with old.write() as conn:
                migration(old.utils, conn)
                conn.execute(f"PRAGMA user_version = {number}")
        with old.write() as conn:
            # Rows as schema 3 held them (today's store functions write today's columns).
            conn.executemany(
                "INSERT INTO articles (slug, created_at, created_by) VALUES (?, 't', 'e')",
                [(SLUG,), ("second",)],
            )
            conn.executemany(
                "INSERT INTO drafts (article_id, version, state, base_revision, fields, sections, "
                "editors, updated_by, updated_at, submitted_by, review) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    _draft_row(1, "in_review", None, "Erin Editor"),
                    _draft_row(2, "approved", REVIEW, "Erin Editor"),
                ],
            )
        assert migrate(old) == len(MIGRATIONS)
        columns = [row[1] for row in old.conn.execute("PRAGMA table_info(drafts)")]
        with old.read() as conn:
            states = [
                found.state
                for article_id, slug in ((1, SLUG), (2, "second"))
                if (found := drafts.get_draft(conn, article_id, slug)) is not None
            ]
    finally:
        old.close()
    assert "state" not in columns
    assert states == [DraftState.IN_REVIEW, DraftState.APPROVED]


def test_readiness_check_reports_a_database_that_does_not_answer(tmp_path: Path) -> None:
    not_a_file = tmp_path / "a-folder"
    not_a_file.mkdir()
    with pytest.raises(DatabaseUnavailable, match="unable to open"):
        check_schema_version(ContentDB(not_a_file))


def test_readiness_check_reads_the_schema_version(db: ContentDB) -> None:
    assert check_schema_version(db) == len(MIGRATIONS)


@pytest.mark.parametrize(
    ("review", "submitted_by", "state"),
    [
        (None, None, DraftState.DRAFT),
        (None, "Erin Editor", DraftState.IN_REVIEW),
        (REVIEW, "Erin Editor", DraftState.APPROVED),
    ],
    ids=["neither", "submitted", "signed-off"],
)
def test_a_drafts_state_follows_from_its_review_and_submission(
    review: Review | None, submitted_by: str | None, state: DraftState
) -> None:
    draft = Draft(
        article=SLUG,
        state=DraftState.APPROVED,  # a state given by hand is overruled
        version=1,
        base_revision=1,
        fields=FIELDS,
        sections=[],
        editors=[],
        updated_by="Erin Editor",
        updated_at=AT,
        submitted_by=submitted_by,
        review=review,
    )
    assert draft.state is state
