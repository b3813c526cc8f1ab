"""Public content versions: one per article and one for the lists and feeds, for exact caching.

A cached public response remembers the version of what it was built from: its article's, or
``LISTS`` for the lists and feeds. Only changes to public content touch a version (publish,
rollback, unpublish, restore), each inside its own transaction, and the public marker moves after
the commit; a worker that sees the marker move reads the rows changed since it last looked
(indexed by ``seq``) and drops only the responses whose version moved. Versions are random, so a
restored database never repeats one a worker still holds; its new ``EPOCH`` empties every cache.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from service.store.db import Connection, ContentDB, mark_public_change

LISTS = "*lists"  # the article list, the change feed, the newsletter and the Atom feed
EPOCH = "*epoch"  # renewed by a restore: every version before it is void
VersionMap = dict[str, int]


def _fresh() -> int:
    return secrets.randbits(62) + 1


def create_versions_table(conn: Connection) -> None:
    """The table and its seq index, with a first epoch (a migration step)."""
    conn.execute(
        "CREATE TABLE article_versions ("
        "key TEXT PRIMARY KEY, version INTEGER NOT NULL, seq INTEGER NOT NULL)"
    )
    conn.execute("CREATE INDEX article_versions_seq ON article_versions (seq)")
    conn.execute(
        "INSERT INTO article_versions (key, version, seq) VALUES (?, ?, 1), (?, ?, 2)",
        (EPOCH, _fresh(), LISTS, _fresh()),
    )


def _touch(conn: Connection, key: str) -> None:
    conn.execute(
        "INSERT INTO article_versions (key, version, seq) VALUES "
        "(?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM article_versions)) "
        "ON CONFLICT (key) DO UPDATE SET version = excluded.version, seq = excluded.seq",
        (key, _fresh()),
    )


def touch_article(conn: Connection, slug: str) -> None:
    """Inside a write: the article's public content changed, and so did the lists naming it."""
    _touch(conn, slug)
    _touch(conn, LISTS)
    mark_public_change(conn)


def has_versions_table(conn: Connection) -> bool:
    """Whether the database is new enough to carry versions (a restored backup may not be)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'article_versions'"
    ).fetchone()
    return row is not None


def renew_epoch(conn: Connection) -> None:
    """Inside a write: every public response is void (the database was replaced)."""
    _touch(conn, EPOCH)
    mark_public_change(conn)


@dataclass
class PublicVersions:
    """This process's view of the versions, refreshed only when the public marker moves.

    ``current()`` costs one 8-byte read of the shared map while nothing public changes. Each
    refresh makes a new map, so a map handed out earlier is a snapshot that never changes.
    """

    db: ContentDB
    _seen: bytes | None = None
    _seq: int = 0
    _map: VersionMap = field(default_factory=dict)

    def current(self) -> VersionMap:
        """The versions now (a snapshot; reload when another process changed public content)."""
        marker = self.db.public_generation.current()
        if marker != self._seen:
            # Noted before reading, so a change committed meanwhile is read on the next call.
            self._seen = marker
            self._reload()
        return self._map

    def _reload(self) -> None:
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT version FROM article_versions WHERE key = ?", (EPOCH,)
            ).fetchone()
            is_new_epoch = row is None or self._map.get(EPOCH) != int(row[0])
            # After a restore the seq numbers are the backup's: read every row again.
            after = 0 if is_new_epoch else self._seq
            rows = conn.execute(
                "SELECT key, version, seq FROM article_versions WHERE seq > ?", (after,)
            ).fetchall()
        changed = {str(key): int(version) for key, version, _ in rows}
        self._map = changed if is_new_epoch else {**self._map, **changed}
        self._seq = max([after, *(int(seq) for _, _, seq in rows)])
