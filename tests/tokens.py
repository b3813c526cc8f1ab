"""API tokens for tests: issued straight into a database file, and the headers that carry them."""

from __future__ import annotations

from pathlib import Path

from schema.admin import Role
from service.editorial.tokens import issue_token
from service.store.db import ContentDB

Headers = dict[str, str]


def bearer(token: str) -> Headers:
    """The ``Authorization`` header that carries a token."""
    return {"Authorization": f"Bearer {token}"}


def issued_headers(database: Path, name: str, role: Role) -> Headers:
    """Headers of a fresh token for a name and role, issued through a connection of its own."""
    db = ContentDB(database)
    try:
        token = issue_token(db, name, role)
    finally:
        db.close()
    return bearer(token)
