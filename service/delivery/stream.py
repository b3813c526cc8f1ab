"""The live event stream: change-feed events as they commit, to every worker's subscribers.

Each subscriber polls the shared generation marker (an mmap read, well under a microsecond)
every ``POLL_S``; only when it moved does it ask SQLite for events after its position, so a
publish through any worker reaches every subscriber within a poll. Positions are event ids, so
a resume after the last id seen has no gap and no repeat.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from threading import Lock

from schema.api import ChangeEvent
from service.errors import FieldError, InvalidInput, TooManyRequests
from service.store import content, sync
from service.store.codec import decode_cursor
from service.store.db import ContentDB

POLL_S = 0.1
BATCH = 100


class Subscribers:
    """How many streams each client holds in this worker, bounded."""

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._counts: dict[str, int] = {}
        self._lock = Lock()

    def acquire(self, client: str) -> None:
        """Take a slot for ``client``, or 429 when it holds all it may."""
        with self._lock:
            held = self._counts.get(client, 0)
            if held >= self.per_client:
                raise TooManyRequests(
                    f"This client holds {held} event streams already, the most it may; close "
                    "one first."
                )
            self._counts[client] = held + 1

    def release(self, client: str) -> None:
        """Give a slot back."""
        with self._lock:
            held = self._counts.get(client, 0) - 1
            if held > 0:
                self._counts[client] = held
            else:
                self._counts.pop(client, None)

    def held(self, client: str) -> int:
        """Streams ``client`` holds now."""
        with self._lock:
            return self._counts.get(client, 0)


def _events_after(db: ContentDB, after: int) -> list[ChangeEvent]:
    with db.read() as conn:
        return content.list_events(conn, after=after, limit=BATCH)


async def change_events(
    db: ContentDB, after: int, *, heartbeat_s: float
) -> AsyncIterator[ChangeEvent | None]:
    """Events after position ``after`` as they commit, forever; None when a heartbeat is due."""
    seen: bytes | None = None
    last_sent = time.monotonic()
    while True:
        current = db.generation.current()
        if current != seen:
            seen = current  # read before the query: a later bump is seen on the next poll
            while events := _events_after(db, after):
                for event in events:
                    yield event
                after = decode_cursor(events[-1].cursor)
                last_sent = time.monotonic()
        if time.monotonic() - last_sent >= heartbeat_s:
            yield None
            last_sent = time.monotonic()
        await asyncio.sleep(POLL_S)


def newest_position(db: ContentDB) -> int:
    """Where a stream without ``Last-Event-ID`` starts: only what commits from now on."""
    with db.read() as conn:
        return sync.last_event_id(conn)


def start_position(db: ContentDB, last_event_id: str | None) -> int:
    """Right after ``Last-Event-ID``, or the newest event without one; 400 if not ours."""
    if last_event_id is None:
        return newest_position(db)
    try:
        return decode_cursor(last_event_id)
    except InvalidInput:
        raise InvalidInput(
            f"`Last-Event-ID` is not an event id this stream sent: {last_event_id!r}.",
            errors=(FieldError("Last-Event-ID", "not an event id of this stream"),),
        ) from None
