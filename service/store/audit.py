"""The audit log: append-only rows of who did what, read in pages by id or time."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from schema.admin import AuditEntry
from service.store.codec import format_time, parse_time


def insert_audit(
    conn: sqlite3.Connection,
    *,
    at: datetime,
    actor: str,
    role: str,
    action: str,
    article: str | None,
    revision: int | None,
    request_id: str | None,
    detail: str,
) -> int:
    """Append one audit row inside the caller's transaction; returns its id."""
    cursor = conn.execute(
        "INSERT INTO audit (at, actor, role, action, article, revision, request_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (format_time(at), actor, role, action, article, revision, request_id, detail),
    )
    return int(cursor.lastrowid or 0)


def list_audit(
    conn: sqlite3.Connection,
    *,
    article: str | None,
    after_id: int,
    since: datetime | None,
    limit: int,
    before_id: int | None = None,
    newest_first: bool = False,
) -> list[AuditEntry]:
    """Audit rows after an id, before another (and at or after a time), oldest first or not."""
    sql = (
        "SELECT id, at, actor, role, action, article, revision, request_id, detail FROM audit "
        "WHERE id > ?"
    )
    params: list[object] = [after_id]
    if article is not None:
        sql += " AND article = ?"
        params.append(article)
    if since is not None:
        sql += " AND at >= ?"
        params.append(format_time(since))
    if before_id is not None:
        sql += " AND id < ?"
        params.append(before_id)
    sql += f" ORDER BY id{' DESC' if newest_first else ''} LIMIT ?"
    params.append(limit)
    return [
        AuditEntry(
            id=int(entry_id),
            at=parse_time(str(at)),
            actor=str(actor),
            role=str(role),
            action=str(action),
            article=None if slug is None else str(slug),
            revision=None if revision is None else int(revision),
            request_id=None if request_id is None else str(request_id),
            detail=str(detail or ""),
        )
        for entry_id, at, actor, role, action, slug, revision, request_id, detail in conn.execute(
            sql, params
        ).fetchall()
    ]
