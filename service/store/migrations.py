"""The schema of the content database, created by code and versioned by ``user_version``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from service.store.db import Connection, ContentDB
from service.store.prepared import add_coding_columns, create_prepared_table
from service.store.search import create_search_tables
from service.store.versions import create_versions_table

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


def _create_webhook_tables(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    # Secrets are stored as they are: signing needs them in the clear, so the database file (and
    # its backups) is as sensitive as the secrets. Events are a JSON list of event types.
    conn.execute(
        "CREATE TABLE webhook_subscriptions ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " url TEXT NOT NULL,"
        " events TEXT NOT NULL,"
        " description TEXT NOT NULL DEFAULT '',"
        " secret TEXT NOT NULL,"
        " previous_secret TEXT,"
        " previous_secret_expires_at TEXT,"
        " is_active INTEGER NOT NULL DEFAULT 1,"
        " is_failing INTEGER NOT NULL DEFAULT 0,"
        " created_at TEXT NOT NULL,"
        " created_by TEXT NOT NULL,"
        " updated_at TEXT NOT NULL)"
    )
    # The outbox: one row per (subscription, event), written in the event's own transaction.
    # `round_attempts` counts attempts since it was queued or manually retried (the back-off
    # position); a lease (`lease_until`, `leased_by`) marks the attempt one worker is making.
    conn.execute(
        "CREATE TABLE webhook_deliveries ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " subscription_id INTEGER NOT NULL"
        "  REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,"
        " event_id INTEGER NOT NULL REFERENCES events(id),"
        " message_id TEXT NOT NULL,"
        " event_type TEXT NOT NULL,"
        " state TEXT NOT NULL DEFAULT 'pending'"
        "  CHECK (state IN ('pending', 'delivered', 'failed')),"
        " attempts INTEGER NOT NULL DEFAULT 0,"
        " round_attempts INTEGER NOT NULL DEFAULT 0,"
        " next_attempt_at TEXT NOT NULL,"
        " lease_until TEXT,"
        " leased_by TEXT,"
        " created_at TEXT NOT NULL,"
        " delivered_at TEXT,"
        " UNIQUE (subscription_id, event_id))"
    )
    conn.execute(
        "CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (state, subscription_id, id)"
    )
    conn.execute("CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, id)")
    conn.execute(
        "CREATE TABLE webhook_attempts ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,"
        " number INTEGER NOT NULL,"
        " at TEXT NOT NULL,"
        " is_success INTEGER NOT NULL,"
        " status_code INTEGER,"
        " duration_ms INTEGER NOT NULL,"
        " error TEXT,"
        " worker TEXT NOT NULL)"
    )
    conn.execute("CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id)")


def _drop_draft_state(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    # A draft's state follows from its review and submitter (schema.article.draft_state);
    # stored beside them it could only disagree.
    conn.execute("ALTER TABLE drafts DROP COLUMN state")


def _record_model_version(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    # Rows written before content model 2 were model 1; adding a column rewrites no revision.
    for table in ("revisions", "drafts"):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN model_version INTEGER NOT NULL DEFAULT 1")


def _create_trust_tables(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    # Reviewer profiles, keyed by the name their tokens carry (four-eyes compares names too).
    # The seed's stand-in is a placeholder: it has no registration and can never approve.
    conn.execute(
        "CREATE TABLE reviewers ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " name TEXT NOT NULL UNIQUE,"
        " credentials TEXT NOT NULL,"
        " registering_body TEXT NOT NULL DEFAULT '',"
        " registration_number TEXT NOT NULL DEFAULT '',"
        " registration_expires TEXT,"
        " competing_interests TEXT NOT NULL DEFAULT '',"
        " is_placeholder INTEGER NOT NULL DEFAULT 0,"
        " created_at TEXT NOT NULL,"
        " updated_at TEXT NOT NULL)"
    )
    # A revision published as a correction keeps its note (JSON) beside it; an event keeps the
    # public note of a correction or the due date of a review. Columns added, nothing rewritten.
    conn.execute("ALTER TABLE revisions ADD COLUMN correction TEXT")
    conn.execute("ALTER TABLE events ADD COLUMN note TEXT")
    conn.execute("CREATE INDEX events_by_article ON events (article_id, action, revision)")


def _create_search_index(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    # Filled by the publish transaction; a database that had live articles before is filled
    # at start-up (service.startup), since the documents are a channel function of the content.
    create_search_tables(conn)


def _create_preview_tokens(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    # Stored as hashes like API tokens; `article` NULL means every draft.
    conn.execute(
        "CREATE TABLE preview_tokens ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " token_hash TEXT NOT NULL UNIQUE,"
        " article TEXT,"
        " created_by TEXT NOT NULL,"
        " created_at TEXT NOT NULL,"
        " expires_at TEXT NOT NULL,"
        " revoked_at TEXT)"
    )


def _create_article_versions(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    create_versions_table(conn)


def _create_prepared_bodies(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    create_prepared_table(conn)


def _add_prepared_codings(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    add_coding_columns(conn)


MIGRATIONS: tuple[Migration, ...] = (
    _create_content_tables,
    _keep_audit_rows,
    _create_webhook_tables,
    _drop_draft_state,
    _record_model_version,
    _create_trust_tables,
    _create_search_index,
    _create_preview_tokens,
    _create_article_versions,
    _create_prepared_bodies,
    _add_prepared_codings,
)


class DatabaseUnavailable(Exception):
    """SQLite could not answer (the file is missing, unreadable, locked too long or corrupt)."""


def schema_version(conn: Connection) -> int:
    """The migration the database is at."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_schema_version(content_db: ContentDB) -> int:
    """The migration the database is at, or ``DatabaseUnavailable`` saying why it did not answer."""
    try:
        return schema_version(content_db.conn)
    except sqlite3.Error as error:
        raise DatabaseUnavailable(str(error)) from None


def migrate(content_db: ContentDB) -> int:
    """Bring the database to the newest schema, each step in its own transaction.

    The version is read inside the write transaction, so workers starting together migrate once.
    """
    for number, migration in enumerate(MIGRATIONS, start=1):
        with content_db.write() as conn:
            if schema_version(conn) < number:
                migration(content_db.utils, conn)
                conn.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)
