"""Delivering the webhook outbox: an asyncio task in every worker, started and stopped with the app.

- In order per subscription: only a subscription's first pending delivery is attempted; the
  next one waits until it is delivered or given up.
- Concurrent across subscriptions: one task per subscription with a due delivery, at most
  ``concurrency`` per worker, so a slow receiver holds up only itself. Publishing only writes
  outbox rows and never waits for any of this.
- Back-off: the Nth retry waits ``webhook_retry_schedule[N-1]`` ± 20 %; after the last one
  the delivery is ``failed`` (kept for a manual retry) and the subscription ``failing``.
- At least once: a delivery is leased before it is sent and settled after; a worker killed in
  between leaves a lease that runs out (or, on this host, is taken over at once), and the
  attempt is made again with the same ``webhook-id``.
- Prompt: a commit in this process wakes the dispatcher; commits of other processes show in the
  generation marker, polled every ``poll_seconds``, and retries fall due by their time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from service.channels.webhook_payload import build_event, encode_event, signed_headers
from service.config import Settings
from service.editorial import webhook_targets as targets
from service.editorial.webhook_targets import loggable_url
from service.jobs import leases
from service.store import outbox
from service.store.codec import utc_now
from service.store.db import ContentDB

if TYPE_CHECKING:
    import httpx  # imported on first delivery: with its CLI's rich and click, 80 ms of start-up

POLL_SECONDS = 0.2
RESCAN_SECONDS = 2.0
ATTEMPT_TIMEOUT_S = 5.0
# A lease outlives the longest attempt with room to spare, so it never runs out mid-attempt.
LEASE_MARGIN_S = 10.0
MAX_CONCURRENT = 8
JITTER = 0.2
ERROR_CHARS = 500
EXCERPT_BYTES = 200
logger = logging.getLogger("service.webhooks")


def next_step(
    schedule: Sequence[float], round_attempts: int, is_success: bool, rng: random.Random
) -> tuple[outbox.Outcome, float | None]:
    """What follows an attempt (``round_attempts`` made before it): delivered, a retry after
    a jittered delay, or failed when the schedule is used up."""
    if is_success:
        return "delivered", None
    retry = round_attempts + 1
    if retry > len(schedule):
        return "failed", None
    return "retry", schedule[retry - 1] * rng.uniform(1 - JITTER, 1 + JITTER)


async def _excerpt(response: httpx.Response) -> str:
    """The start of an error answer, for the delivery log (never the whole of it)."""
    received = bytearray()
    async for chunk in response.aiter_bytes():
        received += chunk
        if len(received) >= EXCERPT_BYTES:
            break
    text = received[:EXCERPT_BYTES].decode("utf-8", "replace").strip()
    return text or response.reason_phrase


class Dispatcher:
    """Delivers due outbox rows; ``start``/``stop`` are the app's startup and shutdown hooks."""

    def __init__(
        self,
        db: ContentDB,
        settings: Settings,
        *,
        timeout: float = ATTEMPT_TIMEOUT_S,
        poll_seconds: float = POLL_SECONDS,
        concurrency: int = MAX_CONCURRENT,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.timeout = timeout
        self.poll_seconds = poll_seconds
        self.concurrency = concurrency
        self.worker = leases.worker_identity()
        self.lease_seconds = timeout + LEASE_MARGIN_S
        self._transport = transport
        self._rng = rng or random.Random()
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._seen: bytes | None = None
        self._next_due: datetime | None = None
        self._last_scan = 0.0
        db.on_commit(self._notify)

    async def start(self) -> None:
        """Deliver everything pending, then keep delivering in the background."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(self._wake), name="webhook-dispatcher")

    async def stop(self) -> None:
        """Stop; attempts in flight are cancelled and their leases given back."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        inflight = list(self._inflight.values())
        for attempt in inflight:
            attempt.cancel()
        await asyncio.gather(*inflight, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        self._loop = self._wake = None

    def _notify(self) -> None:
        """After any commit in this process (from any thread): look at the outbox now."""
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(wake.set)

    async def _run(self, wake: asyncio.Event) -> None:
        forced = True
        while True:
            wake.clear()
            try:
                delay = self.dispatch_due(force=forced)
            except Exception:
                # A locked or failing database must not end delivery; the next poll retries.
                logger.exception("webhook dispatch failed; retrying on the next poll")
                delay = self.poll_seconds
            forced = False
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await wake.wait()
                    forced = True

    def dispatch_due(self, *, force: bool = True, now: datetime | None = None) -> float:
        """Start an attempt for every subscription whose next delivery is due; returns how long
        to wait before looking again. Without ``force`` it asks SQLite only when something may
        have changed: a commit anywhere, a known due time passing, or every few seconds."""
        now = now or utc_now()
        generation = self.db.generation.current()
        is_quiet = (
            generation == self._seen
            and (self._next_due is None or self._next_due > now)
            and time.monotonic() - self._last_scan < RESCAN_SECONDS
        )
        if not force and is_quiet:
            return self._delay(now)
        # Read the generation before the query, so a commit in between is seen next time.
        self._seen, self._last_scan = generation, time.monotonic()
        claims, self._next_due = outbox.claim_due(
            self.db,
            worker=self.worker,
            now=now,
            lease_seconds=self.lease_seconds,
            limit=self.concurrency - len(self._inflight),
            busy=self._inflight.keys(),
            is_abandoned=leases.is_abandoned,
        )
        for claim in claims:
            self._inflight[claim.subscription_id] = asyncio.create_task(
                self._deliver(claim), name=f"webhook-delivery-{claim.delivery_id}"
            )
        return self._delay(now)

    def _delay(self, now: datetime) -> float:
        if self._next_due is None:
            return self.poll_seconds
        return min(max((self._next_due - now).total_seconds(), 0.0), self.poll_seconds)

    async def _deliver(self, claim: outbox.Claim) -> None:
        try:
            try:
                result = await self.attempt(claim)
            except asyncio.CancelledError:
                with contextlib.suppress(Exception), self.db.write(is_content=False) as conn:
                    outbox.release(conn, claim.delivery_id, self.worker)
                raise
            self._settle(claim, result)
        except Exception:
            logger.exception("webhook delivery %s: recording the attempt failed", claim.delivery_id)
        finally:
            self._inflight.pop(claim.subscription_id, None)
            if self._wake is not None:
                self._wake.set()  # the subscription's next delivery may be due now

    async def attempt(self, claim: outbox.Claim) -> outbox.AttemptResult:
        """POST the event once, signed, within the timeout; never raises for the receiver's
        failures (they become the result's error)."""
        import httpx  # for the except clause below (already loaded: a dictionary lookup)

        at, started = utc_now(), time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            async with asyncio.timeout(self.timeout):
                target = await targets.pin_target(
                    claim.url, allow_private=self.settings.allow_private_webhooks
                )
                body = encode_event(build_event(claim.event, self.settings.public_base_url))
                headers = signed_headers(claim.message_id, int(time.time()), body, claim.secrets)
                headers["host"] = target.host_header
                async with self._http().stream(
                    "POST",
                    target.url,
                    content=body,
                    headers=headers,
                    extensions={"sni_hostname": target.sni_hostname},
                ) as response:
                    status = response.status_code
                    if not 200 <= status < 300:
                        error = f"HTTP {status}: {await _excerpt(response)}"
        except TimeoutError:
            error = f"no complete answer within {self.timeout:g} s"
        except targets.TargetRefused as refused:
            error = f"refused: {refused}"
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}".rstrip(": ")
        except Exception as failure:
            # Still an attempt that failed: logged and retried on schedule, never a stuck lease.
            logger.exception("webhook delivery %s: unexpected error", claim.delivery_id)
            error = f"unexpected {type(failure).__name__}: {failure}"
        return outbox.AttemptResult(
            at=at,
            is_success=error is None and status is not None,
            status_code=status,
            duration_ms=round((time.perf_counter() - started) * 1000),
            error=None if error is None else error[:ERROR_CHARS],
        )

    def _settle(self, claim: outbox.Claim, result: outbox.AttemptResult) -> None:
        schedule = self.settings.webhook_retry_schedule
        outcome, delay = next_step(schedule, claim.round_attempts, result.is_success, self._rng)
        next_at = None if delay is None else utc_now() + timedelta(seconds=delay)
        with self.db.write(is_content=False) as conn:
            outbox.finish_attempt(
                conn, claim, self.worker, result, outcome=outcome, next_attempt_at=next_at
            )
        if outcome == "delivered":
            logger.info("webhook %s delivered to %s", claim.message_id, loggable_url(claim.url))
        else:
            logger.warning(
                "webhook %s to %s: %s (%s)",
                claim.message_id,
                loggable_url(claim.url),
                result.error,
                outcome,
            )

    def _http(self) -> httpx.AsyncClient:
        # Made on first use: building its TLS context costs time every app start would pay.
        # Redirects are not followed (a 3xx is a failed attempt) and proxies from the
        # environment are not used, so a request goes only where the checked URL says.
        import httpx

        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=False,
                trust_env=False,
                transport=self._transport,
                limits=httpx.Limits(max_connections=self.concurrency * 2),
            )
        return self._client
