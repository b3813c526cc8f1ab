"""The CDN purge worker: turns signed publish webhooks into Varnish soft purges by surrogate key.

``POST`` (any path) takes a webhook: ``401`` for a missing or bad Standard Webhooks signature
(nothing is purged), ``400`` for a signed body that is not an event, ``202`` once queued, ``200``
for a message id seen before. ``GET /healthz``: ``200`` with how many purges wait.

Every event is soft-purged in the order it arrived, one at a time, each retried until Varnish
answers ``200``: the API delivers a subscription's events in order, so this keeps them in order
per article. Deliveries are acknowledged once queued (receivers must answer within 5 s); a purge
lost to a crash of this process is bounded by the objects' ``max-age``.
"""

from __future__ import annotations

import http.client
import json
import logging
import queue
import signal
import threading
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import msgspec

from service.channels.webhook_signature import WebhookVerificationError, verify

log = logging.getLogger("service.purger")

# Keys the API puts on lists and feeds (see service/delivery/reads.py): every publish changes them.
LIST_KEYS = ("articles", "changes")
# Added by deploy/varnish/default.vcl to every article object but single sections: the article
# JSON (whole or ``?sections=``) and its renders, which show the revision and review.
ARTICLE_PAGE_KEY = "article-page:{slug}"
SEEN_IDS = 10_000
RETRY_FIRST_S = 0.05
RETRY_MAX_S = 2.0
MAX_BODY_BYTES = 1 << 20


class EventData(msgspec.Struct, frozen=True):
    """The part of a webhook event a purge needs."""

    article: str
    revision: int | None = None
    sections_changed: list[str] = msgspec.field(default_factory=list)


class PurgeEvent(msgspec.Struct, frozen=True):
    """A webhook event; ``type`` stays a string so event types added later still purge."""

    type: str
    data: EventData


_decode_event = msgspec.json.Decoder(PurgeEvent).decode


def decode_event(body: bytes) -> PurgeEvent:
    """The event in a verified body; ``msgspec.ValidationError`` or ``DecodeError`` if malformed."""
    return _decode_event(body)


def purge_keys(event: PurgeEvent) -> list[str]:
    """The surrogate keys to soft-purge for one event.

    A publish or rollback purges the changed sections, the article's whole-article objects and
    the lists and feeds; unchanged sections stay cached. An unpublish, or an event that names no
    section, purges everything of the article.
    """
    slug = event.data.article
    changed = event.data.sections_changed
    if event.type == "article.unpublished" or event.data.revision is None or not changed:
        return [f"article:{slug}", *LIST_KEYS]
    sections = [f"section:{slug}:{key}" for key in dict.fromkeys(changed)]
    return [ARTICLE_PAGE_KEY.format(slug=slug), *sections, *LIST_KEYS]


@dataclass(frozen=True)
class Varnish:
    """Where to send soft purges: ``PURGE /`` with an ``xkey-softpurge`` header."""

    url: str
    timeout_s: float = 2.0

    def soft_purge(self, keys: list[str]) -> tuple[int, str]:
        """One purge request; returns Varnish's status and reason. Raises ``OSError`` when down."""
        parts = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port or 80, timeout=self.timeout_s
        )
        try:
            connection.request(
                "PURGE", parts.path or "/", headers={"xkey-softpurge": " ".join(keys)}
            )
            response = connection.getresponse()
            response.read()
            return response.status, response.reason
        finally:
            connection.close()


class PurgeQueue:
    """Events waiting to be purged, in arrival order, worked by one thread."""

    def __init__(self, varnish: Varnish) -> None:
        """A queue that purges at ``varnish`` once ``start`` is called."""
        self.varnish = varnish
        self._jobs: queue.Queue[tuple[str, list[str]] | None] = queue.Queue()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._work, name="purger", daemon=True)
        self.purged = 0

    def start(self) -> None:
        """Start purging."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the purge in progress; queued events are dropped."""
        self._stopping.set()
        self._jobs.put(None)
        self._thread.join(timeout=RETRY_MAX_S + self.varnish.timeout_s + 1)

    def submit(self, message_id: str, keys: list[str]) -> bool:
        """Queue a message's purge; False if this message id was queued before (a redelivery)."""
        with self._lock:
            if message_id in self._seen:
                return False
            self._seen[message_id] = None
            if len(self._seen) > SEEN_IDS:
                self._seen.popitem(last=False)
        self._jobs.put((message_id, keys))
        return True

    def pending(self) -> int:
        """How many events wait (not counting the one being purged)."""
        return self._jobs.qsize()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            self._purge_until_answered(*job)

    def _purge_until_answered(self, message_id: str, keys: list[str]) -> None:
        delay = RETRY_FIRST_S
        while not self._stopping.is_set():
            try:
                status, reason = self.varnish.soft_purge(keys)
            except OSError as error:
                status, reason = 0, str(error)
            if status == 200:
                self.purged += 1
                log.info("purged %s: %s (%s)", message_id, " ".join(keys), reason)
                return
            log.warning(
                "purge of %s failed (%s %s); retrying in %.2f s", message_id, status, reason, delay
            )
            # Wait, but wake at once on stop.
            self._stopping.wait(delay)
            delay = min(delay * 2, RETRY_MAX_S)


@dataclass(frozen=True)
class PurgerSettings:
    """Where the worker listens, where Varnish is, and the subscription's signing secret."""

    host: str
    port: int
    varnish_url: str
    secret: str


class _Receiver(BaseHTTPRequestHandler):
    secret: ClassVar[str]
    purges: ClassVar[PurgeQueue]
    server_version = "purge-worker/1"

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            self._answer(413, "body too large")
            return
        body = self.rfile.read(length)
        try:
            verify(self.secret, dict(self.headers.items()), body)
        except WebhookVerificationError as error:
            log.warning("refused a webhook: %s", error)
            self._answer(401, str(error))
            return
        try:
            event = decode_event(body)
        except (msgspec.ValidationError, msgspec.DecodeError) as error:
            self._answer(400, f"not a webhook event: {error}")
            return
        is_new = self.purges.submit(self.headers["webhook-id"], purge_keys(event))
        self._answer(202 if is_new else 200, "queued" if is_new else "already queued")

    def do_GET(self) -> None:
        if self.path.partition("?")[0] != "/healthz":
            self._answer(404, "not found")
            return
        self._answer(200, "ok", pending=self.purges.pending(), purged=self.purges.purged)

    def _answer(self, status: int, detail: str, **extra: int) -> None:
        body = json.dumps({"status": status, "detail": detail, **extra}).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug(format, *args)


def build_server(settings: PurgerSettings, purges: PurgeQueue) -> ThreadingHTTPServer:
    """The receiver, bound to its address (port 0 picks a free one), not yet serving."""
    handler = type("Receiver", (_Receiver,), {"secret": settings.secret, "purges": purges})
    return ThreadingHTTPServer((settings.host, settings.port), handler)


def serve(settings: PurgerSettings) -> None:
    """Receive webhooks and purge until SIGTERM or SIGINT."""
    purges = PurgeQueue(Varnish(settings.varnish_url))
    server = build_server(settings, purges)
    purges.start()

    def stop(signum: int, frame: object) -> None:
        # shutdown() waits for serve_forever() to return, so it cannot run on this thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    log.info("purge worker on http://%s:%s, purging at %s", host, port, settings.varnish_url)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        purges.stop()
