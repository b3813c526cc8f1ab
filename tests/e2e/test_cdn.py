"""The CDN tier for real: granian serving the API, varnishd running deploy/varnish/default.vcl
in front of it, and the purge worker subscribed to the API's webhooks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import msgspec
import pytest

from schema.admin import Role
from seed.data import load_seed_article
from seed.loader import load_seed
from service.channels.webhook_signature import sign
from service.startup import prepare_database
from service.store.db import ContentDB
from tests.e2e.conftest import ROOT, free_port, running_server
from tests.e2e.varnish import running_varnish
from tests.tokens import issued_headers

SLUG = "ketamine-therapy-for-anxiety"
OTHER = "ketamine-for-depression"
ARTICLE = f"/v1/articles/{SLUG}"
DRAFT = f"/v1/admin/articles/{SLUG}/draft"
ENV = {"ALLOW_PRIVATE_WEBHOOKS": "true", "WEBHOOK_RETRY_SCHEDULE": "0.2,0.4,0.8,1.6"}
WRONG_SECRET = "whsec_" + "A" * 43 + "="
Headers = dict[str, str]


@dataclass
class Cdn:
    """The running stack: the origin's URL, Varnish's URL, the purger's URL, and tokens."""

    origin: str
    varnish: str
    purger: str
    people: dict[Role, Headers]


def prepared(database: Path) -> dict[Role, Headers]:
    """The seed article, a second article, and an editor, a reviewer and an admin token."""
    people: dict[Role, str] = {"editor": "Erin", "reviewer": "Rita", "admin": "Ada"}
    db = ContentDB(database)
    try:
        prepare_database(db)
        load_seed(db, msgspec.structs.replace(load_seed_article(), slug=OTHER))
    finally:
        db.close()
    return {role: issued_headers(database, name, role) for role, name in people.items()}


@contextmanager
def running_purger(workdir: Path, port: int, varnish: str, secret: str) -> Iterator[str]:
    """``python -m service purge-worker`` on 127.0.0.1:``port``; yields its URL."""
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "service", "purge-worker", "--listen", f"127.0.0.1:{port}"]
    command += ["--varnish", varnish]
    env = {**os.environ, "PURGER_WEBHOOK_SECRET": secret}
    log_path = workdir / "purger.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 15
            while not _answers(f"{url}/healthz"):
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the purge worker did not start"
                time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture(scope="module")
def cdn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cdn]:
    """Origin, Varnish and purge worker, wired together through a webhook subscription."""
    workdir = tmp_path_factory.mktemp("cdn")
    people = prepared(workdir / "content.db")
    with ExitStack() as stack:
        origin = stack.enter_context(running_server(workdir / "content.db", env=ENV))
        origin_port = int(origin.rpartition(":")[2])
        varnish = stack.enter_context(running_varnish(workdir, origin_port, free_port()))
        purger_port = free_port()
        hook = httpx.post(
            f"{origin}/v1/admin/webhooks",
            json={"url": f"http://127.0.0.1:{purger_port}/hooks", "description": "cdn purger"},
            headers=people["admin"],
        )
        assert hook.status_code == 201, hook.text
        secret = hook.json()["secret"]
        purger = stack.enter_context(running_purger(workdir, purger_port, varnish, secret))
        yield Cdn(origin=origin, varnish=varnish, purger=purger, people=people)


def publish_intro(cdn: Cdn, note: str) -> float:
    """Append ``note`` to the intro, submit, approve and publish through the admin API (via
    Varnish, which passes it); returns when the publish answered (monotonic)."""
    editor, reviewer = cdn.people["editor"], cdn.people["reviewer"]
    with httpx.Client(base_url=cdn.varnish) as client:
        draft = client.get(DRAFT, headers=editor)
        intro = next(s for s in draft.json()["sections"] if s["key"] == "intro")
        intro["body"] += f" {note}"
        put = client.put(
            f"{DRAFT}/sections/intro",
            json=intro,
            headers={**editor, "If-Match": draft.headers["etag"]},
        )
        assert put.status_code == 200, put.text
        assert client.post(f"{DRAFT}/submit", headers=editor).status_code == 200
        etag = client.get(DRAFT, headers=reviewer).headers["etag"]
        approved = client.post(f"{DRAFT}/approve", headers={**reviewer, "If-Match": etag})
        assert approved.status_code == 200, approved.text
        published = client.post(f"/v1/admin/articles/{SLUG}/publish", headers=editor)
        assert published.status_code == 200, published.text
    return time.monotonic()


def cached(client: httpx.Client, path: str) -> httpx.Response:
    """GET through Varnish twice: the second answer comes from the cache."""
    client.get(path)
    response = client.get(path)
    assert response.headers["x-cache"] == "HIT", response.headers
    return response


def wait_for(predicate: object, timeout: float = 5.0) -> float:
    """Poll ``predicate()`` until true; returns when it became true (monotonic)."""
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
    return time.monotonic()


def intro_of(response: httpx.Response) -> str:
    """The intro's body in an article response."""
    return str(next(s for s in response.json()["sections"] if s["key"] == "intro")["body"])


def test_a_publish_is_visible_through_varnish_within_a_second(cdn: Cdn) -> None:
    with httpx.Client(base_url=cdn.varnish) as client:
        cached(client, ARTICLE)
        cached(client, f"{ARTICLE}?sections=benefits")
        cached(client, "/v1/articles")
        section = cached(client, f"{ARTICLE}/sections/benefits")
        cached(client, f"{ARTICLE}/sections/intro")
        published_at = publish_intro(cdn, "Visible through the CDN.")
        seen_at = wait_for(lambda: "Visible through the CDN." in intro_of(client.get(ARTICLE)))
        revision = client.get(ARTICLE).json()["revision"]
        subset = client.get(f"{ARTICLE}?sections=benefits")
        listing = client.get("/v1/articles").json()["articles"]
        unchanged = client.get(f"{ARTICLE}/sections/benefits")
        intro = client.get(f"{ARTICLE}/sections/intro")
    assert seen_at - published_at < 1.0
    assert "Visible through the CDN." in intro.json()["body"]
    # The whole-article objects that do not hold the intro show the new revision too...
    assert subset.json()["revision"] == revision
    assert next(a for a in listing if a["slug"] == SLUG)["revision"] == revision
    # ...while a section that did not change stays cached.
    assert unchanged.headers["x-cache"] == "HIT"
    assert unchanged.headers["etag"] == section.headers["etag"]
    assert int(unchanged.headers["age"]) >= int(section.headers["age"])


def test_another_articles_object_stays_a_hit_while_one_is_purged(cdn: Cdn) -> None:
    other = f"/v1/articles/{OTHER}"
    with httpx.Client(base_url=cdn.varnish) as client:
        before = cached(client, other)
        publish_intro(cdn, "Only this article changes.")
        wait_for(lambda: "Only this article changes." in intro_of(client.get(ARTICLE)))
        time.sleep(max(0.0, 1.1 - float(before.headers["age"])))
        after = client.get(other)
    assert after.headers["x-cache"] == "HIT"
    assert after.headers["etag"] == before.headers["etag"]
    assert int(after.headers["age"]) > int(before.headers["age"])


def test_if_none_match_through_varnish_gives_304(cdn: Cdn) -> None:
    with httpx.Client(base_url=cdn.varnish) as client:
        etag = cached(client, ARTICLE).headers["etag"]
        response = client.get(ARTICLE, headers={"If-None-Match": etag})
        miss = client.get(ARTICLE, headers={"If-None-Match": '"something-else"'})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["x-cache"] == "HIT"
    assert miss.status_code == 200


def test_each_encoding_is_cached_once_whatever_the_header_says(cdn: Cdn) -> None:
    with httpx.Client(base_url=cdn.varnish) as client:
        client.get(ARTICLE, headers={"Accept-Encoding": "gzip, deflate, br"})
        reordered = client.get(ARTICLE, headers={"Accept-Encoding": "br;q=1.0, gzip;q=0.8"})
        gzip_only = client.get(ARTICLE, headers={"Accept-Encoding": "br;q=0, gzip"})
        identity = client.get(ARTICLE, headers={"Accept-Encoding": "identity"})
    assert reordered.headers["content-encoding"] == "br"
    assert reordered.headers["x-cache"] == "HIT"
    assert reordered.headers["etag"].endswith('-br"')
    assert gzip_only.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in identity.headers
    assert identity.json()["slug"] == SLUG
    for response in (reordered, gzip_only, identity):
        assert response.headers["vary"] == "Accept-Encoding"


def test_readers_do_not_see_internal_headers(cdn: Cdn) -> None:
    with httpx.Client(base_url=cdn.varnish) as client:
        response = cached(client, ARTICLE)
    for name in ("surrogate-key", "xkey", "x-varnish", "via", "x-request-id", "x-cdn-ttl"):
        assert name not in response.headers, name
    assert "surrogate-key" not in response.headers["access-control-expose-headers"].lower()


def test_a_purge_from_outside_the_allowed_list_is_refused(cdn: Cdn) -> None:
    purge = {"xkey-softpurge": f"article:{SLUG} articles changes"}
    outside = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=cdn.varnish) as client:
        before = cached(client, ARTICLE)
        with httpx.Client(base_url=cdn.varnish, transport=outside) as stranger:
            refused = stranger.request("PURGE", "/", headers=purge)
        after = client.get(ARTICLE)
    assert refused.status_code == 403
    assert after.headers["x-cache"] == "HIT"
    assert int(after.headers["age"]) >= int(before.headers["age"])


def test_admin_routes_are_never_cached(cdn: Cdn) -> None:
    editor = cdn.people["editor"]
    with httpx.Client(base_url=cdn.varnish) as client:
        first = client.get(DRAFT, headers=editor)
        second = client.get(DRAFT, headers=editor)
        anonymous = client.get(DRAFT)
        intro = next(s for s in second.json()["sections"] if s["key"] == "intro")
        intro["body"] += " Edited through the CDN."
        put = client.put(
            f"{DRAFT}/sections/intro",
            json=intro,
            headers={**editor, "If-Match": second.headers["etag"]},
        )
        third = client.get(DRAFT, headers=editor)
        web_app = [client.get("/admin/"), client.get("/admin/")]
    assert first.status_code == second.status_code == 200
    assert [r.headers["x-cache"] for r in (first, second, third)] == ["PASS"] * 3
    assert anonymous.status_code == 401, "a cached 200 would have leaked the draft"
    assert put.status_code == 200, put.text
    assert "Edited through the CDN." in intro_of(third)
    assert [r.headers["x-cache"] for r in web_app] == ["PASS", "PASS"]


def signed_event(secret: str, message_id: str) -> tuple[bytes, Headers]:
    """A publish event for the seed article's intro, signed with ``secret``."""
    body = msgspec.json.encode(
        {
            "type": "article.published",
            "timestamp": "2026-12-01T09:00:00Z",
            "data": {"article": SLUG, "revision": 99, "sections_changed": ["intro"], "url": None},
        }
    )
    now = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(now),
        "webhook-signature": sign(secret, message_id, now, body),
    }
    return body, headers


def test_a_webhook_with_a_bad_signature_purges_nothing(cdn: Cdn) -> None:
    body, headers = signed_event(WRONG_SECRET, "msg_forged")
    unsigned = {k: v for k, v in headers.items() if k != "webhook-signature"}
    with httpx.Client(base_url=cdn.varnish) as client:
        before = cached(client, ARTICLE)
        purged_before = httpx.get(f"{cdn.purger}/healthz").json()["purged"]
        forged = httpx.post(f"{cdn.purger}/hooks", content=body, headers=headers)
        bare = httpx.post(f"{cdn.purger}/hooks", content=body, headers=unsigned)
        altered = httpx.post(
            f"{cdn.purger}/hooks", content=body.replace(b"99", b"98"), headers=headers
        )
        time.sleep(0.3)  # a queued purge would have reached Varnish by now
        after = client.get(ARTICLE)
        health = httpx.get(f"{cdn.purger}/healthz").json()
    assert [forged.status_code, bare.status_code, altered.status_code] == [401, 401, 401]
    assert health["purged"] == purged_before
    assert health["pending"] == 0
    assert after.headers["x-cache"] == "HIT"
    assert int(after.headers["age"]) >= int(before.headers["age"])


def test_stale_content_is_served_while_the_origin_is_down(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    prepared(database)
    purge = {"xkey-softpurge": f"article:{SLUG}"}
    with ExitStack() as stack, ExitStack() as origin_stack:
        origin = origin_stack.enter_context(running_server(database))
        port = int(origin.rpartition(":")[2])
        varnish = stack.enter_context(running_varnish(tmp_path, port, free_port()))
        client = stack.enter_context(httpx.Client(base_url=varnish))
        fresh = cached(client, ARTICLE)
        # Expire it as a publish would, then take the origin away.
        assert client.request("PURGE", "/", headers=purge).status_code == 200
        origin_stack.close()
        at_once = client.get(ARTICLE)
        time.sleep(3.5)  # the health probe has marked the origin sick by now
        later = client.get(ARTICLE)
        never_cached = client.get(f"/v1/articles/{OTHER}")
    for stale in (at_once, later):
        assert stale.status_code == 200
        assert stale.headers["x-cache"] == "STALE"
        assert stale.headers["etag"] == fresh.headers["etag"]
        assert stale.content == fresh.content
    assert never_cached.status_code == 503
