"""The first three migrations: the tables the service started with, frozen once shipped.

Kept apart from ``migrations`` (which lists every step and runs them) because a shipped step
never changes: later changes to these tables are new migrations there.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils


def create_content_tables(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
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
    # The table declarations are alike in shape; migrations stay frozen once shipped.
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


def keep_audit_rows(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    # The first migration stops updates; the audit log must not lose rows either.
    conn.execute(
        "CREATE TRIGGER audit_is_kept BEFORE DELETE ON audit BEGIN "
        "SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )


def create_webhook_tables(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
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
