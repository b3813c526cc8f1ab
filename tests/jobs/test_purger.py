"""The purge worker: which keys an event purges, retries until Varnish answers, order, and the
signed receiver. A stdlib HTTP server stands in for Varnish here; tests/e2e/test_cdn.py has the
real one."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import msgspec
import pytest

from service.channels.webhook_payload import new_secret
from service.channels.webhook_signature import sign
from service.jobs.purger import (
    PurgeEvent,
    PurgeQueue,
    PurgerSettings,
    Varnish,
    build_server,
    purge_keys,
)

SLUG = "ketamine-therapy-for-anxiety"


class FakeVarnish(ThreadingHTTPServer):
    """Answers PURGE with 503 ``failures`` times, then 200; records each purge's keys."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.purged: list[str] = []
        self.attempts = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self) -> None:
                owner.attempts += 1
                ok = owner.attempts > owner.failures
                if ok:
                    owner.purged.append(self.headers["xkey-softpurge"])
                self.send_response(200 if ok else 503)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        """Where it listens."""
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def fake_varnish() -> Iterator[FakeVarnish]:
    """A Varnish stand-in that fails twice before it answers."""
    server = FakeVarnish(failures=2)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def event(kind: str, revision: int | None, changed: list[str]) -> PurgeEvent:
    """An event as the API sends it."""
    body = {
        "type": kind,
        "data": {"article": SLUG, "revision": revision, "sections_changed": changed},
    }
    return msgspec.json.decode(msgspec.json.encode(body), type=PurgeEvent)


@pytest.mark.parametrize(
    ("kind", "revision", "changed", "keys"),
    [
        (
            "article.published",
            2,
            ["intro", "safety", "intro"],
            [f"article-page:{SLUG}", f"section:{SLUG}:intro", f"section:{SLUG}:safety"],
        ),
        ("article.rolled_back", 1, ["intro"], [f"article-page:{SLUG}", f"section:{SLUG}:intro"]),
        ("article.published", 3, [], [f"article:{SLUG}"]),
        ("article.unpublished", None, ["intro"], [f"article:{SLUG}"]),
    ],
    ids=["sections-deduplicated", "rollback", "no-section-named", "unpublish"],
)
def test_purge_keys_name_sections_or_the_whole_article_and_always_the_lists(
    kind: str, revision: int | None, changed: list[str], keys: list[str]
) -> None:
    assert purge_keys(event(kind, revision, changed)) == [*keys, "articles", "changes"]


def wait_until(predicate: object, timeout: float = 5.0) -> None:
    """Poll ``predicate()`` until true."""
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_queue_retries_until_varnish_answers_and_keeps_order(
    fake_varnish: FakeVarnish,
) -> None:
    purges = PurgeQueue(Varnish(fake_varnish.url))
    purges.start()
    try:
        assert purges.submit("msg_1", ["section:a:intro"])
        assert purges.submit("msg_2", ["section:a:safety"])
        assert not purges.submit("msg_1", ["section:a:intro"]), "a redelivery is not purged twice"
        wait_until(lambda: purges.purged == 2)
    finally:
        purges.stop()
    assert fake_varnish.attempts == 4
    assert fake_varnish.purged == ["section:a:intro", "section:a:safety"]


def test_the_receiver_queues_only_signed_events(fake_varnish: FakeVarnish) -> None:
    secret = new_secret()
    purges = PurgeQueue(Varnish(fake_varnish.url))
    server = build_server(PurgerSettings("127.0.0.1", 0, fake_varnish.url, secret), purges)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    body = msgspec.json.encode(
        {"type": "article.published", "data": {"article": SLUG, "revision": 2}}
    )
    now = int(time.time())

    def post(content: bytes, key: str, message_id: str = "msg_1") -> int:
        headers = {
            "webhook-id": message_id,
            "webhook-timestamp": str(now),
            "webhook-signature": sign(key, message_id, now, content),
        }
        return httpx.post(url, content=content, headers=headers).status_code

    try:
        statuses = [
            post(body, new_secret()),
            post(body, secret),
            post(body, secret),
            post(b'{"type": 1}', secret, "msg_2"),
        ]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert statuses == [401, 202, 200, 400]
    assert purges.pending() == 1
