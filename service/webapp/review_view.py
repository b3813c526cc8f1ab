"""The review page's content: the diff grouped for sign-off, with the draft's warnings beside it.

Clinically significant changes come first under their own heading; each change shows where it
is in the reader's words, the values either side, and text word by word. The draft's
plausibility warnings are put beside the change they are about (and listed at the top, so a
warning about a value that did not change is seen too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from schema.admin import ContentDiff, FieldChange, WordChange
from schema.article import Draft, Reviewer
from schema.plausibility import ValueWarning
from service.channels.diff_labels import locate
from service.channels.diff_text import shortened
from service.editorial import drafts, history
from service.editorial.actor import Actor
from service.editorial.reviewers import approval_byline
from service.editorial.versions import draft_etag
from service.store.db import ContentDB


@dataclass(frozen=True)
class ShownWarning:
    """A plausibility warning as the page shows it: where, what, and the change it is beside."""

    where: str
    message: str
    anchor: str


@dataclass
class ShownChange:
    """One change on the page: the change, its anchor, its shortened word runs, its warnings."""

    change: FieldChange
    anchor: str
    words: list[WordChange] | None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewView:
    """The diff in two groups, every warning, and the byline an approval would carry."""

    clinical: list[ShownChange]
    other: list[ShownChange]
    warnings: list[ShownWarning]


def _within(inner: str, outer: str) -> bool:
    """Whether the path ``inner`` is ``outer`` or lies inside it (``""`` is the whole section)."""
    return outer == "" or inner == outer or inner.startswith((outer + ".", outer + "["))


def review_view(diff: ContentDiff, warnings: list[ValueWarning], draft: Draft | None) -> ReviewView:
    """The changes grouped, with each warning beside every change it is about."""
    shown = [
        ShownChange(
            change=change,
            anchor=f"change-{number}",
            words=None if change.words is None else shortened(change.words),
        )
        for number, change in enumerate(diff.changes, start=1)
    ]
    listed: list[ShownWarning] = []
    for warning in warnings:
        beside = [
            row
            for row in shown
            if row.change.section == warning.section
            and (_within(row.change.path, warning.path) or _within(warning.path, row.change.path))
        ]
        for row in beside:
            row.warnings.append(warning.message)
        where = _where(draft, warning)
        listed.append(ShownWarning(where, warning.message, beside[0].anchor if beside else ""))
    return ReviewView(
        clinical=[row for row in shown if row.change.is_clinical],
        other=[row for row in shown if not row.change.is_clinical],
        warnings=listed,
    )


def _where(draft: Draft | None, warning: ValueWarning) -> str:
    sections = [] if draft is None else [s for s in draft.sections if s.key == warning.section]
    if not sections:
        return warning.section
    return " > ".join(locate(msgspec.to_builtins(sections[0]), warning.path).steps)


def byline_words(reviewer: Reviewer) -> str:
    """A byline as readers will see it: the name, the credentials, the registration."""
    words = reviewer.name + (f", {reviewer.credentials}" if reviewer.credentials.strip() else "")
    registration = f"{reviewer.registering_body} {reviewer.registration_number}".strip()
    return words + (f" ({registration})" if registration else "")


def review_context(
    db: ContentDB, actor: Actor, slug: str, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    """Everything ``review.html`` shows, for the page and for an approval sent back to it."""
    draft = drafts.read_draft(db, slug, actor)
    diff = history.diff_draft(db, slug)
    reviewer, refusal = approval_byline(db, actor.name)
    return {
        "draft": draft,
        "etag": draft_etag(draft),
        "diff": diff,
        "view": review_view(diff, draft.warnings, draft),
        "revision": None,
        "byline": None if reviewer is None else byline_words(reviewer),
        "needs_credentials": reviewer is not None and not reviewer.credentials.strip(),
        "refusal": refusal,
        "errors": errors or {},
    }
