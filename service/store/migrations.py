"""The schema of the content database, created by code and versioned by ``user_version``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from service.store.db import Connection, ContentDB
from service.store.migrations_initial import (
    create_content_tables,
    create_webhook_tables,
    keep_audit_rows,
)
from service.store.prepared import add_coding_columns, create_prepared_table
from service.store.search import configure_rank, create_search_tables
from service.store.versions import create_versions_table

Migration = Callable[[sqlite_utils.Database, sqlite3.Connection], None]


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


def _rank_search_by_bm25(db: sqlite_utils.Database, conn: sqlite3.Connection) -> None:
    # FTS5's hidden `rank` column answers bm25 with titles weighted: the ranking query orders
    # by it (service.store.search). A setting of the index; no row is rewritten.
    configure_rank(conn)


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
    create_content_tables,
    keep_audit_rows,
    create_webhook_tables,
    _drop_draft_state,
    _record_model_version,
    _create_trust_tables,
    _create_search_index,
    _create_preview_tokens,
    _create_article_versions,
    _create_prepared_bodies,
    _rank_search_by_bm25,
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
