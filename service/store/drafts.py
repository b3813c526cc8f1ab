"""Working drafts: one row per article, replaced whole on every write, guarded by version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from schema.article import Draft
from schema.versions import MODEL_VERSION, decode_sections
from service.store.codec import (
    decode_fields,
    decode_review,
    decode_str_list,
    encode_json,
    format_time,
    parse_time,
)
from service.store.db import Connection

# No state column: a draft's state follows from its review and submitter (see Draft).
_COLUMNS = (
    "version, base_revision, fields, sections, editors, updated_by, updated_at, "
    "submitted_by, review, rejection_reason, scheduled_at, scheduled_by, model_version"
)
_PLACEHOLDERS = ", ".join("?" * (_COLUMNS.count(",") + 2))  # the columns and article_id
# An approved draft is one that carries its sign-off (schema.article.draft_state).
_APPROVED = "d.review IS NOT NULL"


@dataclass(frozen=True)
class DueDraft:
    """An approved draft whose scheduled publish time has come."""

    article_id: int
    slug: str
    scheduled_by: str


def _values(article_id: int, draft: Draft, scheduled_by: str | None) -> tuple[Any, ...]:
    return (
        draft.version,
        draft.base_revision,
        encode_json(draft.fields).decode(),
        encode_json(draft.sections).decode(),
        encode_json(draft.editors).decode(),
        draft.updated_by,
        format_time(draft.updated_at),
        draft.submitted_by,
        None if draft.review is None else encode_json(draft.review).decode(),
        draft.rejection_reason,
        None if draft.scheduled_at is None else format_time(draft.scheduled_at),
        scheduled_by if draft.scheduled_at is not None else None,
        MODEL_VERSION,
        article_id,
    )


def get_draft(conn: Connection, article_id: int, slug: str) -> Draft | None:
    """The article's working draft, or None when there is none."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM drafts WHERE article_id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return None
    (version, base, fields, sections, editors, updated_by, updated_at) = row[:7]
    submitted_by, review, reason, scheduled_at = row[7:11]
    return Draft(
        article=slug,
        version=int(version),
        base_revision=None if base is None else int(base),
        fields=decode_fields(str(fields)),
        sections=decode_sections(str(sections), int(row[12])),
        editors=decode_str_list(str(editors)),
        updated_by=str(updated_by),
        updated_at=parse_time(str(updated_at)),
        submitted_by=submitted_by,
        review=None if review is None else decode_review(str(review)),
        rejection_reason=reason,
        scheduled_at=None if scheduled_at is None else parse_time(str(scheduled_at)),
    )


def insert_draft(
    conn: Connection, article_id: int, draft: Draft, *, scheduled_by: str | None = None
) -> None:
    """Store a new working draft for an article that has none."""
    conn.execute(
        f"INSERT INTO drafts ({_COLUMNS}, article_id) VALUES ({_PLACEHOLDERS})",
        _values(article_id, draft, scheduled_by),
    )


def update_draft(
    conn: Connection,
    article_id: int,
    draft: Draft,
    *,
    expected_version: int,
    scheduled_by: str | None = None,
) -> bool:
    """Replace the draft if it is still at ``expected_version``; False when it moved on."""
    assignments = ", ".join(f"{column.strip()} = ?" for column in _COLUMNS.split(","))
    cursor = conn.execute(
        f"UPDATE drafts SET {assignments} WHERE article_id = ? AND version = ?",
        (*_values(article_id, draft, scheduled_by), expected_version),
    )
    return cursor.rowcount == 1


def delete_draft(conn: Connection, article_id: int) -> None:
    """Drop the working draft (after it was published, the next one starts from live)."""
    conn.execute("DELETE FROM drafts WHERE article_id = ?", (article_id,))


def list_due_drafts(conn: Connection, now: datetime) -> list[DueDraft]:
    """Approved drafts whose scheduled time is at or before ``now``, earliest first."""
    rows = conn.execute(
        "SELECT d.article_id, a.slug, d.scheduled_by FROM drafts d "
        "JOIN articles a ON a.id = d.article_id "
        f"WHERE {_APPROVED} AND d.scheduled_at IS NOT NULL "
        "AND d.scheduled_at <= ? ORDER BY d.scheduled_at",
        (format_time(now),),
    ).fetchall()
    return [DueDraft(int(aid), str(slug), str(by or "")) for aid, slug, by in rows]


def next_scheduled_time(conn: Connection) -> datetime | None:
    """The earliest scheduled publish time of any approved draft."""
    row = conn.execute(
        f"SELECT min(d.scheduled_at) FROM drafts d WHERE {_APPROVED} AND d.scheduled_at IS NOT NULL"
    ).fetchone()
    return None if row[0] is None else parse_time(str(row[0]))
