"""The schema of the content database, created by code and versioned by ``user_version``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from service.db import ContentDB

Migration = Callable[[sqlite_utils.Database, sqlite3.Connection], None]


def _create_content_tables(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    db.table("articles").create(
        {
            "id": int,
            "slug": str,
            "created_at": str,
            "created_by": str,
            "live_revision": int,
            "first_published_at": str,
        },
        pk="id",
        not_null={"slug", "created_at", "created_by"},
    )
    db.table("articles").create_index(["slug"], unique=True)
    # A published revision is immutable: rows are only ever inserted (see the triggers below).
    db.table("revisions").create(
        {
            "id": int,
            "article_id": int,
            "number": int,
            "fields": str,
            "sections": str,
            "review": str,
            "published_at": str,
            "published_by": str,
            "restored_from": int,
        },
        pk="id",
        not_null={"article_id", "number", "fields", "sections", "review", "published_at"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("revisions").create_index(["article_id", "number"], unique=True)
    conn.execute(
        "CREATE TRIGGER revisions_are_immutable BEFORE UPDATE ON revisions BEGIN "
        "SELECT RAISE(ABORT, 'published revisions are immutable'); END"
    )
    conn.execute(
        "CREATE TRIGGER revisions_are_kept BEFORE DELETE ON revisions BEGIN "
        "SELECT RAISE(ABORT, 'published revisions are kept'); END"
    )
    db.table("drafts").create(
        {
            "article_id": int,
            "version": int,
            "state": str,
            "base_revision": int,
            "fields": str,
            "sections": str,
            "editors": str,
            "updated_by": str,
            "updated_at": str,
            "submitted_by": str,
            "review": str,
            "rejection_reason": str,
            "scheduled_at": str,
            "scheduled_by": str,
        },
        pk="article_id",
        not_null={"version", "state", "fields", "sections", "editors", "updated_by", "updated_at"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("drafts").create_index(["scheduled_at"])
    # The change feed: the autoincrement id is the (encoded) cursor, so order is commit order.
    conn.execute(
        "CREATE TABLE events ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " article_id INTEGER NOT NULL REFERENCES articles(id),"
        " revision INTEGER,"
        " action TEXT NOT NULL,"
        " sections_changed TEXT NOT NULL,"
        " at TEXT NOT NULL)"
    )
    db.table("audit").create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "role": str,
            "action": str,
            "article": str,
            "revision": int,
            "request_id": str,
            "detail": str,
        },
        pk="id",
        not_null={"at", "actor", "role", "action"},
    )
    db.table("audit").create_index(["article", "id"])
    conn.execute(
        "CREATE TRIGGER audit_is_append_only BEFORE UPDATE ON audit BEGIN "
        "SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    db.table("tokens").create(
        {
            "id": int,
            "name": str,
            "role": str,
            "token_hash": str,
            "created_at": str,
            "revoked_at": str,
        },
        pk="id",
        not_null={"name", "role", "token_hash", "created_at"},
    )
    db.table("tokens").create_index(["token_hash"], unique=True)


def _keep_audit_rows(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    # The first migration stops updates; the audit log must not lose rows either.
    conn.execute(
        "CREATE TRIGGER audit_is_kept BEFORE DELETE ON audit BEGIN "
        "SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )


MIGRATIONS: tuple[Migration, ...] = (_create_content_tables, _keep_audit_rows)


def schema_version(content_db: ContentDB) -> int:
    """The migration the database is at."""
    return int(content_db.conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(content_db: ContentDB) -> int:
    """Bring the database to the newest schema, each step in its own transaction.

    The version is read inside the write transaction, so workers starting together migrate once.
    """
    conn = content_db.conn
    for number, migration in enumerate(MIGRATIONS, start=1):
        with content_db.write():
            if schema_version(content_db) < number:
                migration(content_db.utils, conn)
                conn.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)
