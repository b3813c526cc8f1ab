"""API tokens: stored as hashes, looked up by hash, revoked by name."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from schema.admin import Role, TokenInfo
from service.store.codec import format_time, parse_time


@dataclass(frozen=True)
class TokenRecord:
    """A stored token as authentication needs it."""

    id: int
    name: str
    role: Role
    token_hash: str
    is_revoked: bool


def insert_token(
    conn: sqlite3.Connection, *, name: str, role: Role, token_hash: str, at: datetime
) -> int:
    """Store a new token's hash and return its id."""
    cursor = conn.execute(
        "INSERT INTO tokens (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)",
        (name, role, token_hash, format_time(at)),
    )
    return int(cursor.lastrowid or 0)


_RECORD = "SELECT id, name, role, token_hash, revoked_at FROM tokens "


def _record(row: tuple[object, ...] | None) -> TokenRecord | None:
    if row is None:
        return None
    token_id, name, role, stored_hash, revoked_at = row
    return TokenRecord(
        id=int(str(token_id)),
        name=str(name),
        role=cast(Role, role),
        token_hash=str(stored_hash),
        is_revoked=revoked_at is not None,
    )


def find_token(conn: sqlite3.Connection, token_hash: str) -> TokenRecord | None:
    """The token with this hash (revoked or not), or None."""
    return _record(conn.execute(_RECORD + "WHERE token_hash = ?", (token_hash,)).fetchone())


def list_tokens(conn: sqlite3.Connection, *, include_revoked: bool) -> list[TokenInfo]:
    """Tokens by name then id; revoked ones only when asked."""
    where = "" if include_revoked else "WHERE revoked_at IS NULL "
    rows = conn.execute(
        "SELECT id, name, role, created_at, revoked_at FROM tokens " + where + "ORDER BY name, id"
    ).fetchall()
    return [
        TokenInfo(
            id=int(token_id),
            name=str(name),
            role=cast(Role, role),
            created_at=parse_time(str(created_at)),
            revoked_at=None if revoked_at is None else parse_time(str(revoked_at)),
        )
        for token_id, name, role, created_at, revoked_at in rows
    ]


def revoke_tokens(conn: sqlite3.Connection, *, name: str, role: Role | None, at: datetime) -> int:
    """Revoke a name's active tokens (of one role when given); returns how many."""
    sql = "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL"
    params: tuple[str, ...] = (format_time(at), name)
    if role is not None:
        sql += " AND role = ?"
        params = (*params, role)
    return conn.execute(sql, params).rowcount


def get_token(conn: sqlite3.Connection, token_id: int) -> TokenRecord | None:
    """The token with this id (revoked or not), or None: web sessions re-check it per request."""
    return _record(conn.execute(_RECORD + "WHERE id = ?", (token_id,)).fetchone())
