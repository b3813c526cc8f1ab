"""Draft-preview tokens: stored as hashes, expiring, revocable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.store.codec import format_time, parse_time
from service.store.db import Connection


@dataclass(frozen=True)
class PreviewTokenRecord:
    """A stored preview token as checking it needs."""

    id: int
    token_hash: str
    article: str | None
    created_by: str
    expires_at: datetime
    is_revoked: bool


def insert_preview_token(
    conn: Connection,
    *,
    token_hash: str,
    article: str | None,
    created_by: str,
    at: datetime,
    expires_at: datetime,
) -> int:
    """Store a new preview token's hash and return its id."""
    cursor = conn.execute(
        "INSERT INTO preview_tokens (token_hash, article, created_by, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (token_hash, article, created_by, format_time(at), format_time(expires_at)),
    )
    return int(cursor.lastrowid or 0)


def find_preview_token(conn: Connection, token_hash: str) -> PreviewTokenRecord | None:
    """The preview token with this hash (revoked or expired too), or None."""
    row = conn.execute(
        "SELECT id, token_hash, article, created_by, expires_at, revoked_at FROM preview_tokens "
        "WHERE token_hash = ?",
        (token_hash,),
    ).fetchone()
    if row is None:
        return None
    token_id, stored_hash, article, created_by, expires_at, revoked_at = row
    return PreviewTokenRecord(
        id=int(token_id),
        token_hash=str(stored_hash),
        article=None if article is None else str(article),
        created_by=str(created_by),
        expires_at=parse_time(str(expires_at)),
        is_revoked=revoked_at is not None,
    )


def revoke_preview_token(conn: Connection, token_id: int, at: datetime) -> bool | None:
    """Revoke a token: True if revoked now, False if it was already, None if unknown."""
    row = conn.execute("SELECT revoked_at FROM preview_tokens WHERE id = ?", (token_id,)).fetchone()
    if row is None:
        return None
    if row[0] is not None:
        return False
    conn.execute(
        "UPDATE preview_tokens SET revoked_at = ? WHERE id = ?", (format_time(at), token_id)
    )
    return True
