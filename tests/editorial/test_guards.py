"""The guarded actions as plain calls: no-op edits, past schedules, cancel, republish."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schema.api import ArticleCreate
from schema.article import DraftState
from schema.sections import IntroSection
from service.delivery.reads import get_live
from service.editorial import drafts, live
from service.editorial.versions import draft_etag
from service.errors import Conflict, FieldError, InvalidInput
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.conftest import SLUG
from tests.editorial.steps import EDITOR, OTHER_EDITOR, approved_draft, audit_actions, edit_intro


def test_saving_what_is_there_keeps_the_approval_version_and_audit(seeded_db: ContentDB) -> None:
    draft = approved_draft(seeded_db)
    actions = audit_actions(seeded_db)
    intro = next(s for s in draft.sections if s.key == "intro")

    same, added = drafts.put_section(
        seeded_db, OTHER_EDITOR, SLUG, "intro", intro, draft_etag(draft)
    )

    assert not added
    assert (same.version, same.editors, same.state) == (draft.version, draft.editors, draft.state)
    assert same.state is DraftState.APPROVED
    assert audit_actions(seeded_db) == actions


def test_a_real_change_after_a_no_op_is_still_an_edit(seeded_db: ContentDB) -> None:
    first = edit_intro(seeded_db, text="Same.")
    again = edit_intro(seeded_db, OTHER_EDITOR, text="Same.")
    assert (again.version, again.editors) == (first.version, [EDITOR.name])
    changed = edit_intro(seeded_db, OTHER_EDITOR, text="Other.")
    assert (changed.version, changed.editors) == (first.version + 1, [EDITOR.name, "Sam Second"])


@pytest.mark.parametrize("ago", [timedelta(0), timedelta(seconds=1), timedelta(days=400)])
def test_a_schedule_that_is_not_in_the_future_is_refused(
    seeded_db: ContentDB, ago: timedelta
) -> None:
    approved_draft(seeded_db)
    with pytest.raises(InvalidInput) as refused:
        live.publish(seeded_db, EDITOR, SLUG, utc_now() - ago, None)
    assert refused.value.errors == (FieldError("$.at", "in the past"),)
    live_article = get_live(seeded_db, SLUG)
    assert live_article is not None
    assert live_article.revision == 1


def test_cancel_schedule_clears_the_time_and_keeps_the_sign_off(seeded_db: ContentDB) -> None:
    approved = approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR, SLUG, utc_now() + timedelta(hours=2), None)

    cancelled = live.cancel_schedule(seeded_db, EDITOR, SLUG)

    assert cancelled.scheduled_at is None
    assert cancelled.review == approved.review
    assert cancelled.state is DraftState.APPROVED
    assert live.publish_due(seeded_db, utc_now() + timedelta(hours=3)) == []
    with pytest.raises(Conflict):
        live.cancel_schedule(seeded_db, EDITOR, SLUG)


def test_republish_restores_the_last_live_revision(seeded_db: ContentDB) -> None:
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR, SLUG, None, None)
    published = get_live(seeded_db, SLUG)
    live.unpublish(seeded_db, EDITOR, SLUG)

    change = live.republish(seeded_db, EDITOR, SLUG)

    assert (change.action, change.revision) == ("republished", 3)
    back = get_live(seeded_db, SLUG)
    assert back is not None and published is not None
    assert back.sections == published.sections
    with pytest.raises(Conflict):
        live.republish(seeded_db, EDITOR, SLUG)


def test_republish_of_a_never_published_article_is_a_conflict(seeded_db: ContentDB) -> None:
    body = ArticleCreate(
        slug="new-one",
        title="New one",
        summary="A summary.",
        disclaimer="Not medical advice.",
        sections=[IntroSection(key="intro", title="Introduction", body="Text.")],
    )
    drafts.create_article(seeded_db, EDITOR, body)
    with pytest.raises(Conflict) as refused:
        live.republish(seeded_db, EDITOR, "new-one")
    assert "never published" in refused.value.detail
