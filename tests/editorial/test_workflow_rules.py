"""The workflow rules' exact outcomes: what each transition returns, stores and audits.

Written to kill the mutants `make mutants` found surviving (docs/testing.md): a transition that
audits the wrong action, article or revision, forgets to clear a field, or answers with the
wrong change would have passed the story tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import msgspec
import pytest

from schema.api import ArticleCreate, ArticlePatch
from schema.article import DraftState
from schema.sections import IntroSection
from seed.data import load_seed_article
from service.delivery.reads import get_live
from service.editorial import drafts, history, live, review
from service.editorial.actor import Actor
from service.editorial.versions import draft_etag
from service.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)
from service.store import content
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.conftest import SLUG
from tests.editorial.steps import EDITOR, OTHER_EDITOR, REVIEWER, approved_draft, edit_intro

SEED_KEYS = [section.key for section in load_seed_article().sections]
Keys = list[str]
OTHER = Actor(name="Olga Other", role="reviewer", request_id="req-9")


def last_audit(db: ContentDB) -> tuple[str, str, str, str | None, int | None, str]:
    """The newest audit entry as (actor, role, action, article, revision, detail)."""
    entry = history.read_audit(db, article=None, since=None, limit=500).entries[-1]
    return (entry.actor, entry.role, entry.action, entry.article, entry.revision, entry.detail)


def in_review(db: ContentDB) -> str:
    """Edit and submit the seed article's draft; its ETag."""
    edit_intro(db)
    return draft_etag(review.submit(db, EDITOR, SLUG, None))


# --- reject -------------------------------------------------------------------------------


def test_reject_sends_the_draft_back_clearing_review_schedule_and_submitter(
    seeded_db: ContentDB,
) -> None:
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR, SLUG, utc_now() + timedelta(days=1), None)
    rejected = review.reject(seeded_db, OTHER, SLUG, "  Cite the trial.  ", None)
    assert rejected.state is DraftState.DRAFT
    assert (rejected.review, rejected.scheduled_at, rejected.submitted_by) == (None, None, None)
    assert rejected.rejection_reason == "Cite the trial."
    assert drafts.read_draft(seeded_db, SLUG, EDITOR) == rejected
    assert last_audit(seeded_db) == (
        OTHER.name, "reviewer", "rejected", SLUG, 1, "Cite the trial."
    )  # fmt: skip
    assert live.publish_due(seeded_db, utc_now() + timedelta(days=2)) == []


def test_reject_checks_an_if_match_when_one_is_sent(seeded_db: ContentDB) -> None:
    etag = in_review(seeded_db)
    with pytest.raises(PreconditionFailed):
        review.reject(seeded_db, OTHER, SLUG, "No.", '"stale"')
    assert review.reject(seeded_db, OTHER, SLUG, "No.", etag).state is DraftState.DRAFT


def test_reject_of_a_draft_not_in_review_names_the_states_that_allow_it(
    seeded_db: ContentDB,
) -> None:
    edit_intro(seeded_db)
    with pytest.raises(Conflict) as refused:
        review.reject(seeded_db, OTHER, SLUG, "No.", None)
    assert refused.value.detail == (
        f"The draft of {SLUG!r} is `draft`; only a draft in `in_review` or `approved` "
        "can be rejected."
    )


# --- unpublish ----------------------------------------------------------------------------


def test_unpublish_withdraws_every_section_and_audits_the_revision(seeded_db: ContentDB) -> None:
    change = live.unpublish(seeded_db, EDITOR, SLUG)
    assert (change.article, change.action, change.revision) == (SLUG, "unpublished", 1)
    assert change.sections_changed == SEED_KEYS
    assert change.at is not None
    assert get_live(seeded_db, SLUG) is None
    assert last_audit(seeded_db) == (
        EDITOR.name, "editor", "unpublished", SLUG, 1, "revision 1 withdrawn"
    )  # fmt: skip
    with pytest.raises(Conflict) as again:
        live.unpublish(seeded_db, EDITOR, SLUG)
    assert again.value.detail == f"The article {SLUG!r} is not published, so cannot be unpublished."


# --- rollback -----------------------------------------------------------------------------


def test_rollback_to_a_missing_revision_names_the_field(seeded_db: ContentDB) -> None:
    with pytest.raises(InvalidInput) as refused:
        live.rollback(seeded_db, EDITOR, SLUG, 9)
    assert refused.value.detail == f"The article {SLUG!r} has no revision 9."
    assert refused.value.errors == (FieldError("$.revision", "no revision 9"),)


def test_rollback_answers_audits_and_records_who_restored_what(seeded_db: ContentDB) -> None:
    approved_draft(seeded_db)
    live.publish(seeded_db, EDITOR, SLUG, None, None)
    change = live.rollback(seeded_db, EDITOR, SLUG, 1)
    assert (change.article, change.action, change.revision) == (SLUG, "rolled_back", 3)
    assert change.sections_changed == ["intro"]
    restored = history.get_revision(seeded_db, SLUG, 3)
    assert (restored.published_by, restored.restored_from) == (EDITOR.name, 1)
    assert restored.published_at == change.at
    assert last_audit(seeded_db) == (
        EDITOR.name, "editor", "rolled_back", SLUG, 3,
        "restored revision 1; sections changed: intro",
    )  # fmt: skip
    assert history.list_history(seeded_db, SLUG).live_revision == 3


# --- publish ------------------------------------------------------------------------------


def test_publish_answers_audits_and_clears_the_draft(seeded_db: ContentDB) -> None:
    approved = approved_draft(seeded_db)
    change = live.publish(seeded_db, EDITOR, SLUG, None, None)
    assert (change.article, change.action, change.revision) == (SLUG, "published", 2)
    assert change.sections_changed == ["intro"]
    assert change.at == history.get_revision(seeded_db, SLUG, 2).published_at
    assert last_audit(seeded_db) == (
        EDITOR.name, "editor", "published", SLUG, 2,
        f"draft version {approved.version}; sections changed: intro",
    )  # fmt: skip
    fresh = drafts.read_draft(seeded_db, SLUG, EDITOR)
    assert (fresh.base_revision, fresh.version, fresh.editors) == (2, 1, [])


def test_a_scheduled_publish_is_audited_with_its_time(seeded_db: ContentDB) -> None:
    approved = approved_draft(seeded_db)
    at = utc_now() + timedelta(hours=3)
    change = live.publish(seeded_db, EDITOR, SLUG, at, None)
    assert (change.article, change.action, change.revision, change.at) == (
        SLUG, "scheduled", None, at
    )  # fmt: skip
    assert change.sections_changed == []
    assert last_audit(seeded_db) == (
        EDITOR.name, "editor", "publish_scheduled", SLUG, None,
        f"draft version {approved.version + 1} at {at.isoformat()}",
    )  # fmt: skip


# --- drafts: create, reorder, delete ----------------------------------------------------


def test_create_article_starts_a_first_draft_and_audits_it(db: ContentDB) -> None:
    intro = IntroSection(key="intro", title="Introduction", body="Hello.")
    body = ArticleCreate(
        slug="new-article",
        title="New",
        summary="A new article.",
        disclaimer="Not advice.",
        hero_image="https://example.test/a.png",
        sections=[intro],
    )
    draft = drafts.create_article(db, EDITOR, body)
    assert (draft.article, draft.state, draft.version, draft.base_revision) == (
        "new-article", DraftState.DRAFT, 1, None
    )  # fmt: skip
    assert (draft.fields.title, draft.fields.summary, draft.fields.disclaimer) == (
        "New", "A new article.", "Not advice."
    )  # fmt: skip
    assert draft.fields.hero_image == "https://example.test/a.png"
    assert draft.sections == [intro]
    assert (draft.editors, draft.updated_by) == ([EDITOR.name], EDITOR.name)
    assert drafts.read_draft(db, "new-article", EDITOR) == draft
    assert last_audit(db) == (
        EDITOR.name, "editor", "article_created", "new-article", None, "1 section(s)"
    )  # fmt: skip
    with pytest.raises(Conflict) as again:
        drafts.create_article(db, EDITOR, body)
    assert again.value.detail == "An article with the slug 'new-article' exists already."


def _order(db: ContentDB, keys: list[str]) -> list[str]:
    draft = drafts.read_draft(db, SLUG, EDITOR)
    new = drafts.patch_draft(db, EDITOR, SLUG, ArticlePatch(section_order=keys), draft_etag(draft))
    return [section.key for section in new.sections]


def test_section_order_is_applied_exactly(seeded_db: ContentDB) -> None:
    reversed_keys = list(reversed(SEED_KEYS))
    assert _order(seeded_db, reversed_keys) == reversed_keys
    assert last_audit(seeded_db)[2:5] == ("draft_patched", SLUG, 1)
    assert last_audit(seeded_db)[5] == "changed section_order; draft version 2"


@pytest.mark.parametrize(
    ("change", "problems"),
    [
        (lambda keys: keys[:-1], lambda keys: f"missing: {keys[-1]}"),
        (lambda keys: [*keys, "extra"], lambda keys: "unknown: extra"),
        (lambda keys: [*keys[:-1], "extra"], lambda keys: f"missing: {keys[-1]}; unknown: extra"),
        (
            lambda keys: [keys[0], *keys[:-1]],
            lambda keys: f"missing: {keys[-1]}; repeated: {keys[0]}",
        ),
        (lambda keys: [*keys, keys[0]], lambda keys: f"repeated: {keys[0]}"),
    ],
    ids=["missing", "unknown", "missing-and-unknown", "missing-and-repeated", "repeated"],
)
def test_a_bad_section_order_names_every_problem(
    seeded_db: ContentDB, change: Callable[[Keys], Keys], problems: Callable[[Keys], str]
) -> None:
    draft = drafts.read_draft(seeded_db, SLUG, EDITOR)
    keys = [section.key for section in draft.sections]
    order, expected = change(keys), problems(keys)
    with pytest.raises(InvalidInput) as refused:
        patch = ArticlePatch(section_order=order)
        drafts.patch_draft(seeded_db, EDITOR, SLUG, patch, draft_etag(draft))
    assert refused.value.detail == (
        f"`section_order` must list every section key of the draft exactly once ({expected})."
    )
    assert refused.value.errors == (FieldError("$.section_order", expected),)


def test_a_patch_with_fields_and_order_changes_both_and_says_so(seeded_db: ContentDB) -> None:
    draft = drafts.read_draft(seeded_db, SLUG, EDITOR)
    keys = list(reversed(SEED_KEYS))
    patch = ArticlePatch(title="Retitled", section_order=keys)
    new = drafts.patch_draft(seeded_db, EDITOR, SLUG, patch, draft_etag(draft))
    assert new.fields.title == "Retitled"
    assert [s.key for s in new.sections] == keys
    assert last_audit(seeded_db)[5] == "changed title, section_order; draft version 2"


def test_delete_section_removes_only_that_section_and_names_the_others_when_missing(
    seeded_db: ContentDB,
) -> None:
    draft = drafts.read_draft(seeded_db, SLUG, EDITOR)
    new = drafts.delete_section(seeded_db, EDITOR, SLUG, "intro", draft_etag(draft))
    assert [s.key for s in new.sections] == SEED_KEYS[1:]
    assert last_audit(seeded_db) == (
        EDITOR.name, "editor", "section_deleted", SLUG, 1, "section intro removed; draft version 2"
    )  # fmt: skip
    with pytest.raises(NotFound) as missing:
        drafts.delete_section(seeded_db, EDITOR, SLUG, "intro", draft_etag(new))
    assert missing.value.detail == (
        f"The draft of {SLUG!r} has no section 'intro'; its sections are: "
        f"{', '.join(SEED_KEYS[1:])}."
    )
    assert REVIEWER.role == "reviewer"


def test_an_empty_patch_is_refused_naming_the_body(seeded_db: ContentDB) -> None:
    draft = drafts.read_draft(seeded_db, SLUG, EDITOR)
    with pytest.raises(InvalidInput) as refused:
        drafts.patch_draft(seeded_db, EDITOR, SLUG, ArticlePatch(), draft_etag(draft))
    assert refused.value.detail == "The patch names no field to change."
    assert refused.value.errors == (FieldError("$", "name at least one field"),)


def test_deleting_from_a_draft_without_sections_says_none_are_left(db: ContentDB) -> None:
    body = ArticleCreate(slug="empty", title="Empty", summary="No sections.", disclaimer="None.")
    draft = drafts.create_article(db, EDITOR, body)
    with pytest.raises(NotFound) as missing:
        drafts.delete_section(db, EDITOR, "empty", "intro", draft_etag(draft))
    assert (
        missing.value.detail
        == "The draft of 'empty' has no section 'intro'; its sections are: none."
    )


def test_publish_checks_an_if_match_when_one_is_sent(seeded_db: ContentDB) -> None:
    approved = approved_draft(seeded_db)
    with pytest.raises(PreconditionFailed):
        live.publish(seeded_db, EDITOR, SLUG, None, '"stale"')
    assert live.publish(seeded_db, EDITOR, SLUG, None, draft_etag(approved)).revision == 2


def test_publish_of_a_draft_not_approved_names_the_state_it_needs(seeded_db: ContentDB) -> None:
    in_review(seeded_db)
    with pytest.raises(Conflict) as refused:
        live.publish(seeded_db, EDITOR, SLUG, None, None)
    assert refused.value.detail == (
        f"The draft of {SLUG!r} is `in_review`; only a draft in `approved` can be published."
    )


def test_publishing_content_equal_to_live_says_no_section_changed(seeded_db: ContentDB) -> None:
    seed_intro = next(s for s in load_seed_article().sections if s.key == "intro")
    edit_intro(seeded_db, text="Changed.")
    draft = edit_intro(seeded_db, text=seed_intro.body)  # and back: edited, but equal to live
    submitted = review.submit(seeded_db, EDITOR, SLUG, draft_etag(draft))
    review.approve(seeded_db, REVIEWER, SLUG, draft_etag(submitted), "MD")
    change = live.publish(seeded_db, EDITOR, SLUG, None, None)
    assert change.sections_changed == []
    assert last_audit(seeded_db)[5].endswith("; sections changed: none")


def test_a_section_key_must_match_the_path(seeded_db: ContentDB) -> None:
    draft = drafts.read_draft(seeded_db, SLUG, EDITOR)
    intro = IntroSection(key="intro", title="Introduction", body="x")
    with pytest.raises(InvalidInput) as refused:
        drafts.put_section(seeded_db, EDITOR, SLUG, "safety", intro, draft_etag(draft))
    assert refused.value.detail == (
        "The body's `key` ('intro') differs from the key in the path ('safety')."
    )
    assert refused.value.errors == (FieldError("$.key", "must equal the path's key 'safety'"),)


def test_a_draft_holds_at_most_a_hundred_sections(db: ContentDB) -> None:
    sections = [IntroSection(key=f"s-{n}", title=f"S {n}", body="x") for n in range(99)]
    body = ArticleCreate(
        slug="long", title="Long", summary="Many.", disclaimer="None.", sections=sections
    )
    draft = drafts.create_article(db, EDITOR, body)
    hundredth = IntroSection(key="s-99", title="S 99", body="x")
    draft, added = drafts.put_section(db, EDITOR, "long", "s-99", hundredth, draft_etag(draft))
    assert added and len(draft.sections) == drafts.MAX_SECTIONS == 100
    extra = IntroSection(key="s-100", title="S 100", body="x")
    with pytest.raises(InvalidInput) as refused:
        drafts.put_section(db, EDITOR, "long", "s-100", extra, draft_etag(draft))
    assert refused.value.detail == "The draft has 100 sections, the most an article may have."
    assert refused.value.errors == (FieldError("$", "at most 100 sections"),)
    first = IntroSection(key="s-0", title="First", body="y")
    _, added = drafts.put_section(db, EDITOR, "long", "s-0", first, draft_etag(draft))
    assert added is False
    assert last_audit(db)[5] == "section s-0 replaced; draft version 3"


# --- submit and approve -------------------------------------------------------------------


def test_approve_and_draft_writes_need_an_if_match(seeded_db: ContentDB) -> None:
    intro = IntroSection(key="intro", title="Introduction", body="No ETag.")
    with pytest.raises(PreconditionRequired):
        drafts.put_section(seeded_db, EDITOR, SLUG, "intro", intro, None)
    in_review(seeded_db)
    with pytest.raises(PreconditionRequired):
        review.approve(seeded_db, REVIEWER, SLUG, None, "MD")
    assert drafts.read_draft(seeded_db, SLUG, EDITOR).state is DraftState.IN_REVIEW


def test_submit_records_the_submitter_and_clears_an_old_rejection(seeded_db: ContentDB) -> None:
    in_review(seeded_db)
    review.reject(seeded_db, OTHER, SLUG, "Cite it.", None)
    edited_again = edit_intro(seeded_db, text="Cited.")
    with pytest.raises(PreconditionFailed):
        review.submit(seeded_db, EDITOR, SLUG, '"stale"')
    submitted = review.submit(seeded_db, EDITOR, SLUG, draft_etag(edited_again))
    assert submitted.state is DraftState.IN_REVIEW
    assert (submitted.submitted_by, submitted.rejection_reason) == (EDITOR.name, None)
    assert last_audit(seeded_db) == (
        EDITOR.name, "editor", "submitted", SLUG, 1, f"draft version {submitted.version}"
    )  # fmt: skip
    with pytest.raises(Conflict) as again:
        review.submit(seeded_db, EDITOR, SLUG, None)
    assert again.value.detail == (
        f"The draft of {SLUG!r} is `in_review`; only a draft in `draft` can be submitted."
    )


def test_submit_of_a_draft_without_edits_is_refused(seeded_db: ContentDB) -> None:
    drafts.read_draft(seeded_db, SLUG, EDITOR)
    with pytest.raises(Conflict) as refused:
        review.submit(seeded_db, EDITOR, SLUG, None)
    assert refused.value.detail == (
        f"The draft of {SLUG!r} has no edits since it was started from the live "
        "revision; there is nothing to review."
    )


def test_approve_signs_with_the_reviewers_name_and_credentials(seeded_db: ContentDB) -> None:
    etag = in_review(seeded_db)
    approved = review.approve(seeded_db, REVIEWER, SLUG, etag, "MD, Psychiatry")
    assert approved.state is DraftState.APPROVED
    assert approved.review is not None
    assert (approved.review.reviewed_by.name, approved.review.reviewed_by.credentials) == (
        REVIEWER.name, "MD, Psychiatry"
    )  # fmt: skip
    assert approved.review.reviewed_at == approved.updated_at
    assert last_audit(seeded_db) == (
        REVIEWER.name, "reviewer", "approved", SLUG, 1, f"draft version {approved.version}"
    )  # fmt: skip
    with pytest.raises(Conflict) as again:
        review.approve(seeded_db, REVIEWER, SLUG, draft_etag(approved), "MD")
    assert again.value.detail == (
        f"The draft of {SLUG!r} is `approved`; only a draft in `in_review` can be approved."
    )


def test_an_editor_cannot_approve_their_own_edit_and_the_refusal_is_audited(
    seeded_db: ContentDB,
) -> None:
    edit_intro(seeded_db, OTHER_EDITOR, "Theirs.")
    etag = in_review(seeded_db)
    own = Actor(name=EDITOR.name, role="reviewer")
    with pytest.raises(Forbidden) as refused:
        review.approve(seeded_db, own, SLUG, etag, "MD")
    assert refused.value.detail == (
        f"{EDITOR.name} edited this draft ({OTHER_EDITOR.name}, {EDITOR.name} did), so cannot "
        "approve it: a different reviewer must sign it off."
    )
    assert last_audit(seeded_db) == (
        EDITOR.name, "reviewer", "approval_denied", SLUG, 1,
        f"{EDITOR.name} edited this draft; four-eyes rule",
    )  # fmt: skip
    assert drafts.read_draft(seeded_db, SLUG, EDITOR).state is DraftState.IN_REVIEW


def test_an_edit_is_audited_with_its_note_and_base_revision(seeded_db: ContentDB) -> None:
    new = edit_intro(seeded_db, text="Audited.")
    assert last_audit(seeded_db) == (
        EDITOR.name, "editor", "section_saved", SLUG, 1,
        f"section intro replaced; draft version {new.version}",
    )  # fmt: skip


def test_a_rollback_is_an_event_of_its_own_naming_every_changed_section(
    seeded_db: ContentDB,
) -> None:
    draft = edit_intro(seeded_db, text="New intro.")
    last = msgspec.structs.replace(draft.sections[-1], title="A new last title")
    drafts.put_section(seeded_db, EDITOR, SLUG, last.key, last, draft_etag(draft))
    submitted = review.submit(seeded_db, EDITOR, SLUG, None)
    review.approve(seeded_db, REVIEWER, SLUG, draft_etag(submitted), "MD")
    published = live.publish(seeded_db, EDITOR, SLUG, None, None)
    assert last_audit(seeded_db)[5].endswith(
        f"; sections changed: {', '.join(published.sections_changed)}"
    )
    change = live.rollback(seeded_db, EDITOR, SLUG, 1)
    assert len(change.sections_changed) > 1
    assert last_audit(seeded_db)[5] == (
        f"restored revision 1; sections changed: {', '.join(change.sections_changed)}"
    )
    with seeded_db.read() as conn:
        [event] = content.list_events(conn, after=0, limit=100)[-1:]
    assert (event.action, event.revision) == ("rolled_back", 3)


def test_a_patch_of_fields_only_says_only_fields_changed(seeded_db: ContentDB) -> None:
    draft = drafts.read_draft(seeded_db, SLUG, EDITOR)
    drafts.patch_draft(seeded_db, EDITOR, SLUG, ArticlePatch(title="Only"), draft_etag(draft))
    assert last_audit(seeded_db)[5] == "changed title; draft version 2"


def test_a_bad_order_lists_every_missing_key(seeded_db: ContentDB) -> None:
    draft = drafts.read_draft(seeded_db, SLUG, EDITOR)
    keys = [section.key for section in draft.sections]
    with pytest.raises(InvalidInput) as refused:
        patch = ArticlePatch(section_order=keys[:-2])
        drafts.patch_draft(seeded_db, EDITOR, SLUG, patch, draft_etag(draft))
    assert refused.value.errors == (
        FieldError("$.section_order", f"missing: {keys[-2]}, {keys[-1]}"),
    )


def test_a_new_articles_draft_belongs_to_that_article(seeded_db: ContentDB) -> None:
    body = ArticleCreate(slug="second", title="Second", summary="Two.", disclaimer="None.")
    draft = drafts.create_article(seeded_db, EDITOR, body)
    assert drafts.read_draft(seeded_db, "second", EDITOR) == draft
    assert drafts.read_draft(seeded_db, SLUG, EDITOR).article == SLUG
