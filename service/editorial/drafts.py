"""The working draft: created, read (started from live on first read), edited under If-Match."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from schema.api import ArticleCreate, ArticlePatch
from schema.article import MAX_SECTIONS, ArticleFields, Draft
from schema.base import present_fields
from schema.references import DOSE_REFERENCES, section_literal_doses
from schema.sections import Section
from service.editorial.actor import Actor, record
from service.editorial.citations import refuse_dropped_citations, refuse_missing_citations
from service.editorial.rich_text import refuse_oversized, refuse_slow_rich_text
from service.editorial.versions import (
    check_if_match,
    edited,
    lock_draft,
    require_article,
    save_draft,
)
from service.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
)
from service.store import content, drafts
from service.store.codec import utc_now
from service.store.db import ContentDB

# What an edit changes: the new field values, and a short note for the audit log.
Edit = Callable[[Draft], tuple[dict[str, Any], str]]


def read_draft(db: ContentDB, slug: str, actor: Actor) -> Draft:
    """The working draft; the first read starts one from the live revision."""
    with db.read() as conn:
        article_id = require_article(conn, slug)
        stored = drafts.get_draft(conn, article_id, slug)
    if stored is not None:
        return stored
    with db.write() as conn:
        # Checked again under the write lock: a concurrent first read may have started it.
        locked = lock_draft(conn, slug, actor)
        if not locked.is_stored:
            save_draft(conn, locked, locked.draft)
    return locked.draft


def refuse_literal_doses(sections: Sequence[Section], prefix: str) -> None:
    """A 400 naming each field whose prose writes out a dose its therapy already types."""
    errors = tuple(
        FieldError(
            f"{prefix.format(index=index)}.{path}",
            f"states the dose {text!r} literally; refer to it as {DOSE_REFERENCES}",
        )
        for index, section in enumerate(sections)
        for path, text in section_literal_doses(section)
    )
    if errors:
        raise InvalidInput(
            "Prose restates a typed dose; write a reference such as {dose} so it cannot drift.",
            errors=errors,
        )


def create_article(db: ContentDB, actor: Actor, body: ArticleCreate) -> Draft:
    """A new, unpublished article whose content lives in its first draft."""
    refuse_literal_doses(body.sections, "$.sections[{index}]")
    refuse_slow_rich_text(body.sections, "$.sections[{index}]")
    # Keyword arguments alike in shape to other calls and builds: each names what it passes.
    fields = ArticleFields(
        title=body.title,
        summary=body.summary,
        disclaimer=body.disclaimer,
        hero_image=body.hero_image,
        references=body.references,
        review_interval_months=body.review_interval_months,
    )
    refuse_missing_citations(fields, body.sections, "$.sections[{index}]")
    at = utc_now()
    with db.write() as conn:
        if content.get_article_id(conn, body.slug) is not None:
            raise Conflict(f"An article with the slug {body.slug!r} exists already.")
        article_id = content.insert_article(conn, body.slug, actor=actor.name, at=at)
        draft = Draft(
            article=body.slug,
            version=1,
            base_revision=None,
            fields=fields,
            sections=list(body.sections),
            editors=[actor.name],
            updated_by=actor.name,
            updated_at=at,
        )
        drafts.insert_draft(conn, article_id, draft)
        record(
            conn,
            actor,
            "article_created",
            article=body.slug,
            revision=None,
            detail=f"{len(draft.sections)} section(s)",
            at=at,
        )
    return draft


def _edit(
    db: ContentDB, actor: Actor, slug: str, if_match: str | None, action: str, edit: Edit
) -> Draft:
    """Check the version and write, inside one transaction; a stale ETag changes nothing.

    An edit that leaves the content as it was is no edit: the draft keeps its version,
    editors, state and approval, and nothing is recorded.
    """
    at = utc_now()
    with db.write() as conn:
        locked = lock_draft(conn, slug, actor)
        check_if_match(locked.draft, if_match, required=True)
        changes, note = edit(locked.draft)
        if is_unchanged(locked.draft, changes):
            return locked.draft
        new = edited(locked.draft, actor, at, **changes)
        refuse_oversized((new.fields, new.sections))
        save_draft(conn, locked, new)
        record(
            conn,
            actor,
            action,
            article=slug,
            revision=new.base_revision,
            detail=f"{note}; draft version {new.version}",
            at=at,
        )
    return new


def is_unchanged(draft: Draft, changes: dict[str, Any]) -> bool:
    """Whether ``changes`` would leave the draft's content exactly as it is."""
    return all(getattr(draft, name) == value for name, value in changes.items())


def put_section(
    db: ContentDB, actor: Actor, slug: str, key: str, section: Section, if_match: str | None
) -> tuple[Draft, bool]:
    """Replace the section with this key, or append it; True when it was added."""
    if section.key != key:
        raise InvalidInput(
            f"The body's `key` ({section.key!r}) differs from the key in the path ({key!r}).",
            errors=(FieldError("$.key", f"must equal the path's key {key!r}"),),
        )
    refuse_literal_doses([section], "$")
    refuse_slow_rich_text([section], "$")
    added = False

    def edit(draft: Draft) -> tuple[dict[str, Any], str]:
        nonlocal added
        refuse_missing_citations(draft.fields, [section])
        keys = [existing.key for existing in draft.sections]
        if key in keys:
            sections = [section if s.key == key else s for s in draft.sections]
            return {"sections": sections}, f"section {key} replaced"
        if len(keys) >= MAX_SECTIONS:
            raise InvalidInput(
                f"The draft has {MAX_SECTIONS} sections, the most an article may have.",
                errors=(FieldError("$", f"at most {MAX_SECTIONS} sections"),),
            )
        added = True
        return {"sections": [*draft.sections, section]}, f"section {key} added"

    draft = _edit(db, actor, slug, if_match, "section_saved", edit)
    return draft, added


def delete_section(db: ContentDB, actor: Actor, slug: str, key: str, if_match: str | None) -> Draft:
    """Remove a section from the draft."""

    def edit(draft: Draft) -> tuple[dict[str, Any], str]:
        if all(s.key != key for s in draft.sections):
            raise NotFound(
                f"The draft of {slug!r} has no section {key!r}; its sections are: "
                f"{', '.join(s.key for s in draft.sections) or 'none'}."
            )
        return {"sections": [s for s in draft.sections if s.key != key]}, f"section {key} removed"

    return _edit(db, actor, slug, if_match, "section_deleted", edit)


def patch_draft(
    db: ContentDB, actor: Actor, slug: str, patch: ArticlePatch, if_match: str | None
) -> Draft:
    """Change article fields and the section order; only the fields present change."""
    given = present_fields(patch)
    if not given:
        raise InvalidInput(
            "The patch names no field to change.",
            errors=(FieldError("$", "name at least one field"),),
        )
    order = given.pop("section_order", None)

    def edit(draft: Draft) -> tuple[dict[str, Any], str]:
        changes: dict[str, Any] = {}
        if given:
            changes["fields"] = msgspec.structs.replace(draft.fields, **given)
            refuse_dropped_citations(changes["fields"], draft.sections)
        if order is not None:
            changes["sections"] = _reordered(draft, order)
        return changes, "changed " + ", ".join(
            [*given, *(["section_order"] if order is not None else [])]
        )

    return _edit(db, actor, slug, if_match, "draft_patched", edit)


def _reordered(draft: Draft, order: list[str]) -> list[Section]:
    keys = [section.key for section in draft.sections]
    if len(order) != len(keys) or set(order) != set(keys):
        missing = [key for key in keys if key not in order]
        unknown = [key for key in order if key not in keys]
        repeated = sorted({key for key in order if order.count(key) > 1})
        problems = [
            f"{label}: {', '.join(found)}"
            for label, found in (("missing", missing), ("unknown", unknown), ("repeated", repeated))
            if found
        ]
        raise InvalidInput(
            "`section_order` must list every section key of the draft exactly once ("
            + "; ".join(problems)
            + ").",
            errors=(FieldError("$.section_order", "; ".join(problems)),),
        )
    by_key = {section.key: section for section in draft.sections}
    return [by_key[key] for key in order]
