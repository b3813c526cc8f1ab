"""The full-text index of live content (SQLite FTS5) and its queries.

``search_text`` holds the words (porter stemming over unicode61 with diacritics folded);
``search_docs`` says which article and section each row is; ``search_facets`` holds the values
the filters match, per article. Rows are replaced inside the transaction that changes what is
live, so a hit never names content that is not live.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from schema.delivery import SearchDocument, SearchFacet
from service.store.db import Connection

# The snippet's markers are control characters, which content can never hold (the text policy
# refuses them), so they can be told from the text after it is escaped.
MARK_START = "\x02"
MARK_END = "\x03"
TITLE_WEIGHT = 10.0
SNIPPET_TOKENS = 16
# FTS5 has no top-k early stop: bm25 costs a read of every row it ranks. A query ranks only
# the CANDIDATES most recently indexed matches (after filters), so its cost stays bounded
# however many documents match; hits beyond the window are not reachable (docs/scaling.md).
CANDIDATES = 1000
# The order FTS5's hidden ``rank`` column answers in (stored in the index's own config).
RANK_FUNCTION = f"bm25({TITLE_WEIGHT}, 1.0)"


def create_search_tables(conn: sqlite3.Connection) -> None:
    """The index's tables (a migration step; idempotent, for databases seeded before it)."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5("
        "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS search_docs ("
        " id INTEGER PRIMARY KEY,"
        " article_id INTEGER NOT NULL REFERENCES articles(id),"
        " article_title TEXT NOT NULL,"
        " section_key TEXT,"
        " kind TEXT,"
        " title TEXT NOT NULL)"
    )
    conn.execute("CREATE INDEX IF NOT EXISTS search_docs_article ON search_docs (article_id)")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS search_facets ("
        " name TEXT NOT NULL, value TEXT NOT NULL, article_id INTEGER NOT NULL,"
        " PRIMARY KEY (name, value, article_id)) WITHOUT ROWID"
    )
    conn.execute("CREATE INDEX IF NOT EXISTS search_facets_article ON search_facets (article_id)")


def configure_rank(conn: sqlite3.Connection) -> None:
    """Make ``rank`` bm25 with titles weighted (a migration step; idempotent)."""
    conn.execute("INSERT INTO search_text (search_text, rank) VALUES ('rank', ?)", (RANK_FUNCTION,))


def optimize(conn: Connection) -> None:
    """Merge the index into one segment (after a bulk fill): fewer segments, cheaper seeks."""
    conn.execute("INSERT INTO search_text (search_text) VALUES ('optimize')")


def remove_article(conn: Connection, article_id: int) -> None:
    """Drop an article from the index (it is no longer live)."""
    conn.execute(
        "DELETE FROM search_text WHERE rowid IN (SELECT id FROM search_docs WHERE article_id = ?)",
        (article_id,),
    )
    conn.execute("DELETE FROM search_docs WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM search_facets WHERE article_id = ?", (article_id,))


def replace_article(
    conn: Connection,
    article_id: int,
    documents: Sequence[SearchDocument],
    facets: Sequence[SearchFacet],
) -> None:
    """Index an article's live revision in place of whatever was indexed for it."""
    remove_article(conn, article_id)
    article_title = next((d.title for d in documents if d.section_key is None), "")
    for document in documents:
        cursor = conn.execute(
            "INSERT INTO search_docs (article_id, article_title, section_key, kind, title) "
            "VALUES (?, ?, ?, ?, ?)",
            (article_id, article_title, document.section_key, document.kind, document.title),
        )
        conn.execute(
            "INSERT INTO search_text (rowid, title, body) VALUES (?, ?, ?)",
            (cursor.lastrowid, document.title, document.body),
        )
    conn.executemany(
        "INSERT OR IGNORE INTO search_facets (name, value, article_id) VALUES (?, ?, ?)",
        [(facet.name, facet.value, article_id) for facet in facets],
    )


def is_empty(conn: Connection) -> bool:
    """Whether nothing is indexed (a database from before the index, to be filled)."""
    return conn.execute("SELECT 1 FROM search_docs LIMIT 1").fetchone() is None


@dataclass(frozen=True)
class SearchRow:
    """A match as the index answers it; the snippet still carries the raw markers."""

    article: str
    article_title: str
    section_key: str | None
    kind: str | None
    title: str
    snippet: str


@dataclass(frozen=True)
class SearchFilters:
    """What a search is narrowed to: a section kind and article facets (None: any)."""

    kind: str | None = None
    route: str | None = None
    condition: str | None = None


def _filter_sql(filters: SearchFilters) -> tuple[str, list[object]]:
    """Conditions on ``d`` (search_docs, joined by primary key); facets by their covering key."""
    sql = ""
    params: list[object] = []
    if filters.kind is not None:
        sql += " AND d.kind = ?"
        params.append(filters.kind)
    for name, value in (("route", filters.route), ("condition", filters.condition)):
        if value is not None:
            sql += (
                " AND d.article_id IN "
                "(SELECT article_id FROM search_facets WHERE name = ? AND value = ?)"
            )
            params += [name, value]
    return sql, params


def ranking_sql(filters: SearchFilters) -> tuple[str, list[object]]:
    """The statement that picks one page of document ids, best first, and the filters'
    parameters (bound after each of its two match expressions; then the limit and offset).

    ``bound`` walks the matches newest first (rowid order, which FTS5 answers without a sort)
    and stops at the CANDIDATES-th; the ranking scan starts at that rowid, so bm25 is computed
    for at most CANDIDATES rows and the sort holds no more.
    """
    where, params = _filter_sql(filters)
    # The documents' table is joined (by primary key) only for a filter to read.
    docs = " JOIN search_docs d ON d.id = t.rowid" if where else ""
    sql = (
        "WITH bound (floor) AS ("
        f" SELECT t.rowid FROM search_text t{docs}"
        f" WHERE search_text MATCH ?{where}"
        f" ORDER BY t.rowid DESC LIMIT 1 OFFSET {CANDIDATES - 1})"
        f" SELECT t.rowid FROM search_text t{docs}"
        " WHERE search_text MATCH ?"
        " AND t.rowid >= coalesce((SELECT floor FROM bound), 0)"
        f"{where} ORDER BY t.rank, t.rowid LIMIT ? OFFSET ?"
    )
    return sql, params


# Snippets for the page only: one scan of the FTS rows between the page's lowest and highest
# id (inside the candidate window), the ``+`` keeping the id list out of FTS5's constraints
# (each listed id would otherwise restart the query), and snippet() run for listed rows only.
_PAGE_SQL = (
    "SELECT t.rowid, a.slug, d.article_title, d.section_key, d.kind, d.title, "
    f"snippet(search_text, 1, '{MARK_START}', '{MARK_END}', '…', {SNIPPET_TOKENS}) "
    "FROM search_text t JOIN search_docs d ON d.id = t.rowid "
    "JOIN articles a ON a.id = d.article_id "
    "WHERE search_text MATCH ? AND t.rowid BETWEEN ? AND ? "
    "AND +t.rowid IN (SELECT value FROM json_each(?))"
)


def search(
    conn: Connection, match: str, filters: SearchFilters, *, limit: int, offset: int
) -> list[SearchRow]:
    """Matches of an FTS5 query, best bm25 first (titles weighted), one page of the
    CANDIDATES newest matches; snippets are made for the page's rows only."""
    if offset >= CANDIDATES:
        return []
    sql, params = ranking_sql(filters)
    limit = min(limit, CANDIDATES - offset)
    bound = (match, *params, match, *params, limit, offset)
    ids = [int(row[0]) for row in conn.execute(sql, bound)]
    if not ids:
        return []
    found = {
        int(rowid): SearchRow(
            article=str(slug),
            article_title=str(article_title),
            section_key=None if key is None else str(key),
            kind=None if kind is None else str(kind),
            title=str(title),
            snippet=str(snippet),
        )
        for rowid, slug, article_title, key, kind, title, snippet in conn.execute(
            _PAGE_SQL, (match, min(ids), max(ids), json.dumps(ids))
        )
    }
    return [found[rowid] for rowid in ids if rowid in found]
