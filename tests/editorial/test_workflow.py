"""Editorial rules as functions over a real database: drafts, review, publishing, scheduling,
rollback and the audit."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from typing import Any

import msgspec
import pytest

from schema.api import ArticlePatch
from schema.article import DraftState
from schema.sections import TherapyTypesSection
from service.config import Settings
from service.delivery import reads
from service.editorial import drafts, history, live, review
from service.editorial.actor import Actor
from service.editorial.versions import draft_etag
from service.errors import Conflict, Forbidden, InvalidInput, PreconditionFailed
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.concurrency import run_in_threads
from tests.conftest import SLUG
from tests.editorial.steps import (
    EDITOR,
    OTHER_EDITOR,
    REVIEWER,
    approved_draft,
    audit_actions,
    edit_intro,
)


def test_first_read_starts_the_draft_from_live_without_editors(seeded_db: ContentDB) -> None:
    draft = drafts.read_draft(seeded_db, SLUG, REVIEWER)
    assert (draft.state, draft.version, draft.base_revision, draft.editors) == (
        DraftState.DRAFT,
        1,
        1,
        [],
    )
    assert drafts.read_draft(seeded_db, SLUG, EDITOR) == draft


def test_every_write_changes_the_etag_and_records_the_editor(seeded_db: ContentDB) -> None:
    start = drafts.read_draft(seeded_db, SLUG, EDITOR)
    first = edit_intro(seeded_db, EDITOR, "One.")
    second = edit_intro(seeded_db, OTHER_EDITOR, "Two.")
    assert len({draft_etag(start), draft_etag(first), draft_etag(second)}) == 3
    assert second.editors == [EDITOR.name, OTHER_EDITOR.name]
    with pytest.raises(PreconditionFailed):
        drafts.delete_section(seeded_db, EDITOR, SLUG, "intro", draft_etag(first))
    assert drafts.read_draft(seeded_db, SLUG, EDITOR) == second


def test_submit_needs_edits_and_the_draft_state(seeded_db: ContentDB) -> None:
    with pytest.raises(Conflict, match="nothing to review"):
        review.submit(seeded_db, EDITOR, SLUG, None)
    edit_intro(seeded_db)
    review.submit(seeded_db, EDITOR, SLUG, None)
    with pytest.raises(Conflict, match="`in_review`"):
        review.submit(seeded_db, EDITOR, SLUG, None)


def test_any_edit_after_approval_returns_the_draft_to_draft(seeded_db: ContentDB) -> None:
    approved = approved_draft(seeded_db)
    assert approved.review is not None
    assert approved.review.reviewed_by.name == REVIEWER.name

    patched = drafts.patch_draft(
        seeded_db, OTHER_EDITOR, SLUG, ArticlePatch(title="New title"), draft_etag(approved)
    )
    assert (patched.state, patched.review, patched.fields.title) == (
        DraftState.DRAFT,
        None,
        "New title",
    )
    with pytest.raises(Conflict, match="`draft`"):
        live.publish(seeded_db, EDITOR, SLUG, None, None)


def test_approve_needs_the_etag_the_reviewer_read(seeded_db: ContentDB) -> None:
    edit_intro(seeded_db)
    submitted = review.submit(seeded_db, EDITOR, SLUG, None)
    stale = draft_etag(msgspec.structs.replace(submitted, version=submitted.version - 1))
    with pytest.raises(PreconditionFailed):
        review.approve(seeded_db, REVIEWER, SLUG, stale, "")
    assert drafts.read_draft(seeded_db, SLUG, REVIEWER).state is DraftState.IN_REVIEW


def test_four_eyes_compares_names_not_roles(seeded_db: ContentDB) -> None:
    edit_intro(seeded_db)
    submitted = review.submit(seeded_db, EDITOR, SLUG, None)
    as_reviewer = Actor(name=EDITOR.name, role="reviewer")
    as_admin = Actor(name=EDITOR.name, role="admin")
    for actor in (as_reviewer, as_admin):
        with pytest.raises(Forbidden):
            review.approve(seeded_db, actor, SLUG, draft_etag(submitted), "")
    assert drafts.read_draft(seeded_db, SLUG, REVIEWER).state is DraftState.IN_REVIEW
    assert audit_actions(seeded_db)[-2:] == ["approval_denied", "approval_denied"]


def test_reject_stores_the_reason_and_clears_the_review(seeded_db: ContentDB) -> None:
    approved_draft(seeded_db)
    rejected = review.reject(seeded_db, REVIEWER, SLUG, "  Cite the dose source.  ", None)
    assert (rejected.state, rejected.review, rejected.rejection_reason) == (
        DraftState.DRAFT,
        None,
        "Cite the dose source.",
    )
    with pytest.raises(Conflict):
        review.reject(seeded_db, REVIEWER, SLUG, "again", None)


def test_publish_makes_a_revision_with_the_review_and_clears_the_draft(
    seeded_db: ContentDB,
) -> None:
    approved_draft(seeded_db)
    change = live.publish(seeded_db, EDITOR, SLUG, None, None)
    assert (change.action, change.revision, change.sections_changed) == ("published", 2, ["intro"])
    revision = history.get_revision(seeded_db, SLUG, 2)
    assert revision.review.reviewed_by.name == REVIEWER.name
    assert revision.published_by == EDITOR.name
    fresh = drafts.read_draft(seeded_db, SLUG, EDITOR)
    assert (fresh.base_revision, fresh.version, fresh.editors) == (2, 1, [])
    assert audit_actions(seeded_db)[-1] == "published"


def test_failed_actions_leave_no_audit_row(seeded_db: ContentDB) -> None:
    with pytest.raises(InvalidInput):
        drafts.patch_draft(
            seeded_db, EDITOR, SLUG, ArticlePatch(section_order=["intro"]), '"draft-1-1"'
        )
    with pytest.raises(Conflict):
        live.publish(seeded_db, EDITOR, SLUG, None, None)
    assert audit_actions(seeded_db) == []


def test_audit_rows_cannot_be_changed_or_deleted(seeded_db: ContentDB) -> None:
    edit_intro(seeded_db)
    for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            seeded_db.conn.execute(statement)
    assert audit_actions(seeded_db) == ["section_saved"]


def test_rollback_restores_old_content_and_review_as_a_new_revision(seeded_db: ContentDB) -> None:
    original = history.get_revision(seeded_db, SLUG, 1)
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR, SLUG, None, None)

    change = live.rollback(seeded_db, EDITOR, SLUG, 1)
    restored = history.get_revision(seeded_db, SLUG, change.revision or 0)
    assert (restored.number, restored.restored_from) == (3, 1)
    assert (restored.fields, restored.sections, restored.review) == (
        original.fields,
        original.sections,
        original.review,
    )
    with pytest.raises(Conflict, match="live already"):
        live.rollback(seeded_db, EDITOR, SLUG, 3)


def test_scheduled_publish_waits_for_its_time(seeded_db: ContentDB) -> None:
    approved_draft(seeded_db)
    at = utc_now() + timedelta(hours=1)
    change = live.publish(seeded_db, EDITOR, SLUG, at, None)
    assert (change.action, change.at) == ("scheduled", at)
    assert live.publish_due(seeded_db, at - timedelta(seconds=1)) == []
    assert reads.require_live_article(seeded_db, SLUG).revision == 1

    [published] = live.publish_due(seeded_db, at + timedelta(seconds=1))
    assert published.revision == 2
    assert audit_actions(seeded_db)[-2:] == ["publish_scheduled", "published"]
    entry = history.read_audit(seeded_db, article=SLUG, since=None, limit=200).entries[-1]
    assert (entry.actor, entry.role) == (EDITOR.name, "scheduler")


def test_an_edit_cancels_the_schedule(seeded_db: ContentDB) -> None:
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR, SLUG, utc_now() + timedelta(seconds=1), None)
    edited = edit_intro(seeded_db, OTHER_EDITOR, "Late change.")
    assert edited.scheduled_at is None
    assert live.publish_due(seeded_db, utc_now() + timedelta(hours=1)) == []


def test_only_one_of_several_workers_publishes_a_due_draft(
    settings: Settings, seeded_db: ContentDB
) -> None:
    approved_draft(seeded_db)
    at = utc_now() + timedelta(milliseconds=50)
    live.publish(seeded_db, EDITOR, SLUG, at, None)
    workers = [ContentDB(settings.content_db) for _ in range(4)]
    barrier = threading.Barrier(len(workers))
    published: list[Any] = []

    def run(db: ContentDB) -> None:
        barrier.wait()
        published.extend(live.publish_due(db, at + timedelta(seconds=1)))
        db.close()

    run_in_threads(run, [(db,) for db in workers])
    assert len(published) == 1
    assert [r.number for r in history.list_history(seeded_db, SLUG).revisions] == [2, 1]


def test_draft_of_an_unpublished_article_starts_from_its_newest_revision(
    seeded_db: ContentDB,
) -> None:
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR, SLUG, None, None)
    live.unpublish(seeded_db, EDITOR, SLUG)
    draft = drafts.read_draft(seeded_db, SLUG, EDITOR)
    assert draft.base_revision == 2
    therapy = next(s for s in draft.sections if isinstance(s, TherapyTypesSection))
    assert therapy.therapies[0].dose.max == 1.0
