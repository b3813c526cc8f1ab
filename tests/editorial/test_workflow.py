"""Editorial rules as functions over a real database, and scheduled publishing across restarts."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.api import ArticlePatch
from schema.article import Draft, DraftState
from schema.sections import IntroSection, TherapyTypesSection
from service.app import create_app
from service.config import Settings
from service.delivery import reads
from service.editorial import drafts, history, live, review
from service.editorial.actor import Actor
from service.editorial.versions import draft_etag
from service.errors import Conflict, Forbidden, InvalidInput, PreconditionFailed
from service.jobs.scheduler import Scheduler
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.conftest import SLUG, Headers

EDITOR = Actor(name="Erin Editor", role="editor", request_id="req-1")
OTHER_EDITOR = Actor(name="Sam Second", role="editor")
REVIEWER = Actor(name="Rita Reviewer", role="reviewer")


def edit_intro(db: ContentDB, actor: Actor = EDITOR, text: str = "Changed.") -> Draft:
    """Replace the intro's body in the draft, with the current ETag."""
    draft = drafts.read_draft(db, SLUG, actor)
    intro = IntroSection(key="intro", title="Introduction", body=text)
    new, added = drafts.put_section(db, actor, SLUG, "intro", intro, draft_etag(draft))
    assert not added
    return new


def approved_draft(db: ContentDB) -> Draft:
    """A draft edited by the editor, submitted and approved by the reviewer."""
    edit_intro(db)
    submitted = review.submit(db, EDITOR, SLUG, None)
    return review.approve(db, REVIEWER, SLUG, draft_etag(submitted), "MD")


def audit_actions(db: ContentDB) -> list[str]:
    """The audit log's actions for the seed article, oldest first."""
    page = history.read_audit(db, article=SLUG, since=None, limit=200)
    return [entry.action for entry in page.entries]


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

    threads = [threading.Thread(target=run, args=(db,)) for db in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(published) == 1
    assert [r.number for r in history.list_history(seeded_db, SLUG).revisions] == [2, 1]


def test_scheduler_polls_cheaply_until_something_is_due(seeded_db: ContentDB) -> None:
    scheduler = Scheduler(seeded_db)
    assert scheduler.tick() == []
    approved_draft(seeded_db)
    at = utc_now() + timedelta(minutes=5)
    live.publish(seeded_db, EDITOR, SLUG, at, None)
    assert scheduler.tick() == []
    [change] = scheduler.tick(now=at)
    assert change.revision == 2


def approve_over_http(client: TestClient[Litestar], editor: Headers, reviewer: Headers) -> None:
    """Edit the therapy doses, submit and approve, over HTTP."""
    draft = client.get(f"/v1/admin/articles/{SLUG}/draft", headers=editor)
    section = next(s for s in draft.json()["sections"] if s["key"] == "therapy-types")
    section["therapies"][0]["dose"]["max"] = 0.9
    url = f"/v1/admin/articles/{SLUG}/draft"
    put = client.put(
        f"{url}/sections/therapy-types",
        json=section,
        headers={**editor, "If-Match": draft.headers["etag"]},
    )
    assert put.status_code == 200
    client.post(f"{url}/submit", headers=editor)
    etag = client.get(url, headers=reviewer).headers["etag"]
    assert client.post(f"{url}/approve", headers={**reviewer, "If-Match": etag}).status_code == 200


def live_iv_maximum(client: TestClient[Litestar]) -> float:
    """The IV maximum dose the public API serves."""
    section = client.get(f"/v1/articles/{SLUG}/sections/therapy-types").json()
    maximum: float = section["therapies"][0]["dose"]["max"]
    return maximum


def test_scheduled_publish_due_while_stopped_goes_live_on_the_next_start(
    settings: Settings, app: Litestar, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    with TestClient(app) as client:
        approve_over_http(client, editor_headers, reviewer_headers)
        at = utc_now() + timedelta(milliseconds=300)
        scheduled = client.post(
            f"/v1/admin/articles/{SLUG}/publish",
            headers=editor_headers,
            json={"at": at.isoformat()},
        )
        assert scheduled.status_code == 202, scheduled.text
        assert live_iv_maximum(client) == 1.0
    time.sleep(0.4)  # the server is down when the publish falls due
    stopped = ContentDB(settings.content_db)
    try:
        assert reads.require_live_article(stopped, SLUG).revision == 1
    finally:
        stopped.close()

    with TestClient(create_app(settings)) as restarted:
        assert live_iv_maximum(restarted) == 0.9
        assert restarted.get(f"/v1/articles/{SLUG}").json()["revision"] == 2


def test_running_server_publishes_when_due(
    client: TestClient[Litestar], editor_headers: Headers, reviewer_headers: Headers
) -> None:
    approve_over_http(client, editor_headers, reviewer_headers)
    at = utc_now() + timedelta(milliseconds=200)
    client.post(
        f"/v1/admin/articles/{SLUG}/publish", headers=editor_headers, json={"at": at.isoformat()}
    )
    deadline = time.monotonic() + 5
    while live_iv_maximum(client) != 0.9 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_iv_maximum(client) == 0.9


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
