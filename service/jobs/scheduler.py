"""Scheduled publishing: a task in each worker that publishes approved drafts when they are due.

On start it publishes everything overdue (the server may have been down at the due time), then
polls twice a second. A poll costs a read of the memory-mapped generation marker unless the
content changed or a known due time passed; only then does it ask SQLite. Several workers may
race for the same draft: the publish transaction re-checks it, so exactly one of them publishes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from schema.admin import LiveChange
from service.editorial import live
from service.store.codec import utc_now
from service.store.db import ContentDB

POLL_SECONDS = 0.5
logger = logging.getLogger("service.jobs.scheduler")


class Scheduler:
    """Publishes scheduled drafts when due; ``start``/``stop`` are the app's startup hooks."""

    def __init__(self, db: ContentDB, interval: float = POLL_SECONDS) -> None:
        self.db = db
        self.interval = interval
        self._seen: bytes | None = None
        self._next_due: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    def tick(self, now: datetime | None = None) -> list[LiveChange]:
        """Publish what is due now; cheap when nothing changed and nothing is due."""
        now = now or utc_now()
        generation = self.db.generation.current()
        if generation != self._seen:
            # Read the generation before the query, so a write in between is seen next time.
            self._seen = generation
            self._next_due = live.next_scheduled_time(self.db)
        if self._next_due is None or self._next_due > now:
            return []
        published = live.publish_due(self.db, now)
        for change in published:
            logger.info("published %s as revision %s on schedule", change.article, change.revision)
        self._seen = self.db.generation.current()
        self._next_due = live.next_scheduled_time(self.db)
        return published

    async def start(self) -> None:
        """Publish everything overdue, then poll in the background."""
        self._safe_tick()
        self._task = asyncio.create_task(self._poll(), name="scheduled-publishing")

    async def stop(self) -> None:
        """Stop polling; a publish in progress completes first (it is synchronous)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self._safe_tick()

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except Exception:
            # A locked or failing database must not end scheduling; the next poll retries.
            logger.exception("scheduled publishing failed; retrying on the next poll")
