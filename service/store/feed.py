"""Reads behind the newsletter and the Atom feed: publish events with the revisions around them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from schema.api import ChangeEvent
from schema.article import Revision
from schema.changes import ArticleChange
from service.store.content import change_event, get_revision
from service.store.db import Connection


@dataclass(frozen=True)
class EventWithPrevious:
    """A publish event and the revision that was live just before it (None: not live)."""

    event: ChangeEvent
    previous_revision: int | None


# Each event's predecessor comes from the article's whole history, not just the page asked for.
# An unpublish event names the revision it withdrew, but after it nothing is live. A review
# falling due changes nothing readers see, so digests leave those events out.
_EVENTS = (
    "SELECT e.id, a.slug, e.revision, e.action, e.sections_changed, e.at, e.previous, e.note "
    "FROM (SELECT id, article_id, revision, action, sections_changed, at, note, "
    "  lag(CASE WHEN action = 'unpublished' THEN NULL ELSE revision END) "
    "  OVER (PARTITION BY article_id ORDER BY id) AS previous FROM events "
    "  WHERE action != 'review_due') e "
    "JOIN articles a ON a.id = e.article_id "
)


def list_events_after(conn: Connection, *, after: int, limit: int) -> list[EventWithPrevious]:
    """Events after a change-feed position, oldest first, each with its previous revision."""
    rows = conn.execute(_EVENTS + "WHERE e.id > ? ORDER BY e.id LIMIT ?", (after, limit)).fetchall()
    return [_event(row) for row in rows]


def list_recent_events(conn: Connection, *, limit: int) -> list[EventWithPrevious]:
    """The newest events, newest first, each with its previous revision."""
    rows = conn.execute(_EVENTS + "ORDER BY e.id DESC LIMIT ?", (limit,)).fetchall()
    return [_event(row) for row in rows]


def net_changes(conn: Connection, events: Sequence[EventWithPrevious]) -> list[ArticleChange]:
    """One change per article: from before its first event to after its last, in feed order."""
    runs: dict[str, list[EventWithPrevious]] = {}
    for item in events:
        runs.setdefault(item.event.article, []).append(item)
    revisions = _Revisions(conn)
    found = (revisions.change(run[-1].event, run[0].previous_revision) for run in runs.values())
    return [change for change in found if change is not None]


def event_changes(conn: Connection, events: Sequence[EventWithPrevious]) -> list[ArticleChange]:
    """One change per event, in the order given."""
    revisions = _Revisions(conn)
    found = (revisions.change(item.event, item.previous_revision) for item in events)
    return [change for change in found if change is not None]


class _Revisions:
    """Revisions by slug and number, each read once per response build."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._seen: dict[tuple[str, int], Revision | None] = {}

    def get(self, slug: str, number: int | None) -> Revision | None:
        if number is None:
            return None
        if (slug, number) not in self._seen:
            self._seen[(slug, number)] = get_revision(self._conn, slug, number)
        return self._seen[(slug, number)]

    def change(self, last: ChangeEvent, previous_revision: int | None) -> ArticleChange | None:
        before = self.get(last.article, previous_revision)
        after = None if last.action == "unpublished" else self.get(last.article, last.revision)
        if before is None and after is None:
            return None
        # Keyword arguments alike in shape to other calls and builds: each names what it passes.
        return ArticleChange(
            slug=last.article,
            action=last.action,
            at=last.at,
            cursor=last.cursor,
            before=before,
            after=after,
        )


def _event(row: tuple[Any, ...]) -> EventWithPrevious:
    event_id, slug, revision, action, changed, at, previous, note = row
    return EventWithPrevious(
        event=change_event(event_id, slug, revision, action, changed, at, note),
        previous_revision=None if previous is None else int(previous),
    )
