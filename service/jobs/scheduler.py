"""The scheduler: a task in each worker that publishes approved drafts when they are due and
announces reviews falling due (a change-feed entry and an ``article.review_due`` webhook, once).

On start it publishes everything overdue (the server may have been down at the due time), then
polls twice a second, in a thread, so no query of it ever holds up the event loop's requests. A
poll costs a read of the memory-mapped generation markers unless the content changed or a known
due time passed; only then does it ask SQLite. Review dates are re-read only when public content
changed (they follow live revisions and announcements; that scan of every live revision takes
tens of milliseconds at 10,000 articles), scheduled times after any commit (an indexed read).
Several workers may race for the same draft: the publish transaction re-checks it, so exactly one
of them publishes it.
Review dates work the same way: every date already passed is announced on start, so dates missed
while the server was down are caught up.

The clock is the real one unless ``clock_file`` (setting ``SCHEDULER_CLOCK_FILE``) names a file
holding an ISO-8601 instant: tests write a time there to move the scheduler's "now".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, datetime
from pathlib import Path

from schema.admin import LiveChange
from service.editorial import cadence, live
from service.store.codec import utc_now
from service.store.db import ContentDB

POLL_SECONDS = 0.5
logger = logging.getLogger("service.jobs.scheduler")


class Scheduler:
    """Publishes scheduled drafts when due; ``start``/``stop`` are the app's startup hooks."""

    def __init__(
        self, db: ContentDB, interval: float = POLL_SECONDS, clock_file: Path | None = None
    ) -> None:
        self.db = db
        self.interval = interval
        self.clock_file = clock_file
        self._seen: bytes | None = None
        self._seen_public: bytes | None = None
        self._next_due: datetime | None = None
        self._next_review: date | None = None
        self._task: asyncio.Task[None] | None = None
        self._ticking: asyncio.Future[None] | None = None

    def now(self) -> datetime:
        """The real time, or the instant in the clock file when there is one (tests)."""
        if self.clock_file is not None:
            try:
                return datetime.fromisoformat(self.clock_file.read_text().strip())
            except (OSError, ValueError):
                pass  # no file (yet), or half-written: the real clock
        return utc_now()

    def tick(self, now: datetime | None = None) -> list[LiveChange]:
        """Publish what is due now and announce reviews due; cheap when nothing is due."""
        now = now or self.now()
        generation = self.db.generation.current()
        if generation != self._seen:
            # Read the generation before the query, so a write in between is seen next time.
            self._seen = generation
            self._next_due = live.next_scheduled_time(self.db)
        public = self.db.public_generation.current()
        if public != self._seen_public:
            self._seen_public = public
            self._next_review = cadence.next_due_date(self.db)
        if self._next_review is not None and self._next_review <= now.date():
            cadence.announce_due_reviews(self.db, now)
            self._seen = self.db.generation.current()
            self._seen_public = self.db.public_generation.current()
            self._next_review = cadence.next_due_date(self.db)
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
        if self._ticking is not None:
            await self._ticking
            self._ticking = None

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self._ticking = asyncio.ensure_future(asyncio.to_thread(self._safe_tick))
            await asyncio.shield(self._ticking)  # a stop lets it finish (see ``stop``)

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except Exception:
            # A locked or failing database must not end scheduling; the next poll retries.
            logger.exception("scheduled publishing failed; retrying on the next poll")
