"""Reading the record: published revisions, diffs between versions, and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from schema.admin import AuditEntry, AuditPage, ContentDiff, RevisionList, RevisionSummary
from schema.article import Revision
from schema.citations import unused_references
from service.channels.diff import changed_section_keys, diff_content
from service.editorial.versions import require_article
from service.errors import FieldError, InvalidInput, NotFound
from service.store import audit, content, drafts
from service.store.db import ContentDB

MAX_AUDIT_PAGE = 200


def list_history(db: ContentDB, slug: str) -> RevisionList:
    """An article's published revisions, newest first, and which one is live."""
    with db.read() as conn:
        require_article(conn, slug)
        live = content.get_live_revision_number(conn, slug)
        revisions = content.list_revisions(conn, slug)
    return RevisionList(
        article=slug,
        live_revision=live,
        # Keyword arguments alike in shape to other calls and builds: each names what it passes.
        revisions=[
            RevisionSummary(
                number=revision.number,
                published_at=revision.published_at,
                published_by=revision.published_by,
                review=revision.review,
                restored_from=revision.restored_from,
                is_live=revision.number == live,
            )
            for revision in revisions
        ],
    )


def get_revision(db: ContentDB, slug: str, number: int) -> Revision:
    """One published revision with its content and review, or ``NotFound``."""
    with db.read() as conn:
        require_article(conn, slug)
        revision = content.get_revision(conn, slug, number)
    if revision is None:
        raise NotFound(f"The article {slug!r} has no revision {number}.")
    return revision


def diff_revisions(db: ContentDB, slug: str, number: int, against: int | None) -> ContentDiff:
    """What changed from revision ``against`` (default: the one before) to revision ``number``."""
    base = number - 1 if against is None else against
    after = get_revision(db, slug, number)
    before: Revision | None = None
    if base >= 1 or against is not None:
        try:
            before = get_revision(db, slug, base)
        except NotFound:
            raise InvalidInput(
                f"The article {slug!r} has no revision {base} to compare against.",
                errors=(FieldError("against", f"no revision {base}"),),
            ) from None
    return ContentDiff(
        article=slug,
        against=None if before is None else before.number,
        revision=number,
        draft_version=None,
        sections_changed=changed_section_keys(
            None if before is None else before.sections, after.sections
        ),
        changes=diff_content(
            None if before is None else before.fields,
            [] if before is None else before.sections,
            after.fields,
            after.sections,
        ),
        unused_references=unused_references(after.fields.references, list(after.sections)),
    )


def diff_draft(db: ContentDB, slug: str) -> ContentDiff:
    """What the working draft would change in the live revision (nothing, if there is no draft)."""
    with db.read() as conn:
        article_id = require_article(conn, slug)
        draft = drafts.get_draft(conn, article_id, slug)
        live_number = content.get_live_revision_number(conn, slug)
        live = None if live_number is None else content.get_revision(conn, slug, live_number)
    if draft is None:
        if live is None:
            raise NotFound(f"The article {slug!r} has neither a draft nor a live revision.")
        fields, sections, version = live.fields, live.sections, None
    else:
        fields, sections, version = draft.fields, draft.sections, draft.version
    return ContentDiff(
        article=slug,
        against=live_number,
        revision=None,
        draft_version=version,
        sections_changed=changed_section_keys(None if live is None else live.sections, sections),
        changes=diff_content(
            None if live is None else live.fields,
            [] if live is None else live.sections,
            fields,
            sections,
        ),
        unused_references=unused_references(fields.references, list(sections)),
    )


def parse_since(since: str | None) -> tuple[int, datetime | None]:
    """``since`` as an audit id cursor (digits) or an ISO-8601 time (UTC when it has no offset)."""
    if since is None or not since.strip():
        return 0, None
    text = since.strip()
    if text.isdigit():
        return int(text), None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"`since` is neither an audit id nor an ISO-8601 time: {since!r}.",
            errors=(FieldError("since", "expected an audit id or an ISO-8601 time"),),
        ) from None
    return 0, moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_audit(db: ContentDB, *, article: str | None, since: str | None, limit: int) -> AuditPage:
    """A page of the audit log, oldest first, after the ``since`` cursor or time."""
    after_id, after_time = parse_since(since)
    with db.read() as conn:
        entries = audit.list_audit(
            conn, article=article, after_id=after_id, since=after_time, limit=limit + 1
        )
    has_more = len(entries) > limit
    entries = entries[:limit]
    next_since = str(entries[-1].id) if entries else (since or "0").strip()
    return AuditPage(entries=entries, next_since=next_since, has_more=has_more)


def read_audit_newest(
    db: ContentDB, *, article: str | None, before: int | None, limit: int
) -> tuple[list[AuditEntry], int | None]:
    """A page of the audit log, newest first, before the ``before`` id; and the next page's."""
    with db.read() as conn:
        entries = audit.list_audit(
            conn,
            article=article,
            after_id=0,
            since=None,
            limit=limit + 1,
            before_id=before,
            newest_first=True,
        )
    has_more = len(entries) > limit
    entries = entries[:limit]
    return entries, entries[-1].id if has_more else None
