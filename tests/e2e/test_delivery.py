"""Delivery on a real server with two workers: preview, the event stream, search, sync, as_of.

Each test makes its own article so the tests stay independent on the shared server. With one
stream allowed per client and worker, a second stream that is admitted is on the other worker:
that is how the stream test knows it holds one subscriber on each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import ServerSentEvent, connect_sse

from tests.commands import cli_token
from tests.conftest import ROOT
from tests.e2e.conftest import running_server

SEED = "ketamine-therapy-for-anxiety"
Headers = dict[str, str]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A two-worker server; one stream per client and worker, a heartbeat every second."""
    database = tmp_path_factory.mktemp("delivery") / "content.db"
    subprocess.run(
        [sys.executable, "-m", "service", "prepare"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "CONTENT_DB": str(database)},
    )
    os.environ["E2E_DELIVERY_DB"] = str(database)
    env = {"STREAM_SUBSCRIBERS_PER_CLIENT": "1", "STREAM_HEARTBEAT": "1"}
    with running_server(database, workers=2, env=env) as url:
        yield url


@pytest.fixture(scope="module")
def people(base: str) -> tuple[Headers, Headers]:
    """Headers of an editor's and a reviewer's tokens, made by the CLI."""
    database = Path(os.environ["E2E_DELIVERY_DB"])
    editor = cli_token(database, "Erin Editor", "editor")
    reviewer = cli_token(database, "Rita Reviewer", "reviewer")
    return {"Authorization": f"Bearer {editor}"}, {"Authorization": f"Bearer {reviewer}"}


def new_article(client: httpx.Client, editor: Headers, slug: str, words: str) -> None:
    """A new, never-published article whose intro says ``words``."""
    seed = client.get(f"/v1/articles/{SEED}", params={"format": "markdown"}).json()
    intro = {**seed["sections"][0], "body": f"An introduction. {words}"}
    body = {"slug": slug, "title": f"Article {slug}", "sections": [intro]}
    body |= {"summary": seed["summary"], "disclaimer": seed["disclaimer"]}
    response = client.post("/v1/admin/articles", headers=editor, json=body)
    assert response.status_code == 201, response.text


def edit_intro(client: httpx.Client, editor: Headers, slug: str, words: str) -> None:
    """Replace the intro's words in the working draft."""
    draft = client.get(f"/v1/admin/articles/{slug}/draft", headers=editor)
    intro = {**draft.json()["sections"][0], "body": f"An introduction. {words}"}
    response = client.put(
        f"/v1/admin/articles/{slug}/draft/sections/{intro['key']}",
        headers={**editor, "If-Match": draft.headers["etag"]},
        json=intro,
    )
    assert response.status_code == 200, response.text


def publish(client: httpx.Client, people: tuple[Headers, Headers], slug: str) -> dict[str, Any]:
    """Submit, approve and publish the working draft."""
    editor, reviewer = people
    draft = f"/v1/admin/articles/{slug}/draft"
    assert client.post(f"{draft}/submit", headers=editor).status_code == 200
    etag = client.get(draft, headers=reviewer).headers["etag"]
    approve = client.post(f"{draft}/approve", headers={**reviewer, "If-Match": etag})
    assert approve.status_code == 200, approve.text
    published = client.post(f"/v1/admin/articles/{slug}/publish", headers=editor)
    assert published.status_code == 200, published.text
    return dict(published.json())


def unpublish(client: httpx.Client, editor: Headers, slug: str) -> None:
    """Withdraw an article."""
    response = client.post(f"/v1/admin/articles/{slug}/unpublish", headers=editor)
    assert response.status_code == 200, response.text


def test_preview_reads_a_draft_the_public_404s_until_revoked_or_expired(
    base: str, people: tuple[Headers, Headers]
) -> None:
    editor, _ = people
    slug = "preview-e2e"
    with httpx.Client(base_url=base) as client:
        new_article(client, editor, slug, "Zebraword only in the draft.")
        minted = client.post("/v1/admin/preview-tokens", headers=editor, json={"article": slug})
        assert minted.status_code == 201, minted.text
        token = {"Authorization": f"Bearer {minted.json()['token']}"}
        paths = ["", "/sections/intro", "/render/web", "/render/email", "/render/text"]
        for path in paths:
            # Fresh connections reach both workers; each answers from the draft, privately.
            for _ in range(3):
                with httpx.Client(base_url=base) as fresh:
                    seen = fresh.get(f"/v1/preview/articles/{slug}{path}", headers=token)
                assert seen.status_code == 200, (path, seen.text)
                assert "Zebraword" in seen.text
                assert seen.headers["cache-control"] == "private, no-store"
                assert "etag" not in seen.headers and "surrogate-key" not in seen.headers
            assert client.get(f"/v1/articles/{slug}{path}").status_code == 404
            # No trace in any cache: without the token the same URL is refused, not replayed.
            assert client.get(f"/v1/preview/articles/{slug}{path}").status_code == 401
        assert client.get("/v1/search", params={"q": "zebraword"}).json()["hits"] == []
        assert slug not in client.get("/v1/sitemap.xml").text
        revoked = client.delete(f"/v1/admin/preview-tokens/{minted.json()['id']}", headers=editor)
        assert revoked.status_code == 204
        for _ in range(4):
            with httpx.Client(base_url=base) as fresh:
                refused = fresh.get(f"/v1/preview/articles/{slug}", headers=token)
            assert refused.status_code == 401
        short = client.post(
            "/v1/admin/preview-tokens", headers=editor, json={"expires_in_seconds": 1}
        ).json()["token"]
        short_headers = {"Authorization": f"Bearer {short}"}
        assert client.get(f"/v1/preview/articles/{slug}", headers=short_headers).status_code == 200
        time.sleep(1.2)
        expired = client.get(f"/v1/preview/articles/{slug}", headers=short_headers)
        assert (expired.status_code, "expired" in expired.json()["detail"]) == (401, True)


def next_event(events: Iterator[ServerSentEvent]) -> ServerSentEvent:
    """The next change event (the greeting sets `retry` with no data: not an event)."""
    while True:
        event = next(events)
        if event.data:
            return event


def open_streams(stack: ExitStack, base: str) -> list[Iterator[ServerSentEvent]]:
    """One stream on each worker: with one stream per client and worker, the first stream that
    is admitted after the first is on the other worker."""
    streams: list[Iterator[ServerSentEvent]] = []
    for _ in range(40):
        client = stack.enter_context(httpx.Client(base_url=base, timeout=5))
        source = stack.enter_context(connect_sse(client, "GET", "/v1/stream"))
        if source.response.status_code == 429:
            continue
        assert source.response.status_code == 200
        streams.append(source.iter_sse())
        if len(streams) == 2:
            return streams
    pytest.fail("never got a stream on the second worker")


def test_stream_sees_a_publish_on_every_worker_within_a_second_and_resumes(
    base: str, people: tuple[Headers, Headers]
) -> None:
    editor, _ = people
    slug = "stream-e2e"
    with httpx.Client(base_url=base) as client:
        new_article(client, editor, slug, "Streamed words.")
        with ExitStack() as stack:
            streams = open_streams(stack, base)
            time.sleep(0.3)  # both have read their start position
            publish(client, people, slug)
            committed = time.monotonic()
            seen = [next_event(stream) for stream in streams]
            elapsed = time.monotonic() - committed
        assert elapsed < 1.0
        assert {(event.event, event.json()["article"]) for event in seen} == {("published", slug)}
        assert seen[0].id == seen[1].id
        last_id = seen[0].id
        # While disconnected: an unpublish and a rollback.
        unpublish(client, editor, slug)
        back = client.post(
            f"/v1/admin/articles/{slug}/rollback", headers=editor, json={"revision": 1}
        )
        assert back.status_code == 200, back.text
        missed = client.get("/v1/changes", params={"limit": 100}).json()["changes"]
        after = [event["cursor"] for event in missed]
        expected = after[after.index(last_id) + 1 :]
        assert len(expected) == 2
        with (
            httpx.Client(base_url=base, timeout=5) as again,
            connect_sse(again, "GET", "/v1/stream", headers={"Last-Event-ID": last_id}) as source,
        ):
            events = source.iter_sse()
            resumed = [next_event(events).id for _ in expected]
            assert resumed == expected
            # Nothing more until the next commit: the stream goes quiet, with heartbeats only.
            unpublish(client, editor, slug)
            assert next_event(events).event == "unpublished"


def test_search_finds_a_word_only_while_its_revision_is_live(
    base: str, people: tuple[Headers, Headers]
) -> None:
    editor, _ = people
    slug = "search-e2e"

    def found(word: str) -> list[str]:
        with httpx.Client(base_url=base) as fresh:
            response = fresh.get("/v1/search", params={"q": f"{word} introduction"})
        assert response.status_code == 200
        return [hit["article"] for hit in response.json()["hits"]]

    with httpx.Client(base_url=base) as client:
        new_article(client, editor, slug, "Quokkaword appears.")
        assert found("quokkaword") == []
        publish(client, people, slug)
        assert all(found("quokkaword") == [slug] for _ in range(4))
        assert any(
            "<mark>" in h["snippet"]
            for h in client.get("/v1/search", params={"q": "quokkaword"}).json()["hits"]
        )
        unpublish(client, editor, slug)
        assert all(found("quokkaword") == [] for _ in range(4))


def test_sync_round_trip_delivers_a_change_and_a_tombstone(
    base: str, people: tuple[Headers, Headers]
) -> None:
    editor, _ = people
    changed, withdrawn = "sync-changed", "sync-withdrawn"
    with httpx.Client(base_url=base) as client:
        for slug in (changed, withdrawn):
            new_article(client, editor, slug, "Synced words.")
            publish(client, people, slug)
        token, slugs = None, []
        while True:
            page = client.get(
                "/v1/sync", params={"limit": 2, **({"token": token} if token else {})}
            )
            assert page.status_code == 200, page.text
            slugs += [article["slug"] for article in page.json()["articles"]]
            token = page.json()["next_token"]
            if not page.json()["has_more"]:
                break
        assert {changed, withdrawn} <= set(slugs) and len(slugs) == len(set(slugs))
        edit_intro(client, editor, changed, "Changed words.")
        publish(client, people, changed)
        unpublish(client, editor, withdrawn)
        delta = client.get("/v1/sync", params={"token": token}).json()
        assert [article["slug"] for article in delta["articles"]] == [changed]
        assert "Changed words." in delta["articles"][0]["sections"][0]["body"]
        assert delta["deleted"] == [withdrawn]
        quiet = client.get("/v1/sync", params={"token": delta["next_token"]}).json()
        assert (quiet["articles"], quiet["deleted"]) == ([], [])


def test_as_of_before_and_after_a_publish_gives_the_two_revisions(
    base: str, people: tuple[Headers, Headers]
) -> None:
    editor, _ = people
    slug = "as-of-e2e"
    with httpx.Client(base_url=base) as client:
        new_article(client, editor, slug, "First words.")
        publish(client, people, slug)
        time.sleep(0.05)
        between = datetime.now(UTC).isoformat()
        time.sleep(0.05)
        edit_intro(client, editor, slug, "Second words.")
        publish(client, people, slug)
        after = datetime.now(UTC).isoformat()
        for path in ("", "/sections/intro", "/render/text"):
            first = client.get(f"/v1/articles/{slug}{path}", params={"as_of": between})
            second = client.get(f"/v1/articles/{slug}{path}", params={"as_of": after})
            assert "First words." in first.text and "Second words." not in first.text, path
            assert "Second words." in second.text, path
        before = client.get(f"/v1/articles/{slug}", params={"as_of": "2001-01-01T00:00:00Z"})
        assert before.status_code == 404
