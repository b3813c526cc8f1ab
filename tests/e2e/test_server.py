"""A real server process over HTTP: reads, caching, errors, and a publish seen by every worker."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.admin_flow import approve_iv_maximum, publish
from tests.commands import cli_token, run_cli
from tests.conftest import ARTICLE
from tests.e2e.conftest import running_server
from tests.tokens import bearer


def test_real_server_serves_the_seeded_article_with_caching_headers(server: str) -> None:
    with httpx.Client(base_url=server) as client:
        response = client.get(ARTICLE, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        article = response.json()
        assert len(article["sections"]) == 9 and article["revision"] == 1
        assert (
            client.get(ARTICLE, headers={"If-None-Match": response.headers["etag"]}).status_code
            == 304
        )
        missing = client.get("/v1/articles/unknown-article")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert client.get("/schema/openapi.json").json()["info"]["title"]


def read_from_fresh_connections(base: str, count: int) -> list[tuple[int, str]]:
    """(revision, worker) for ``count`` reads, each on a new connection; the request id's prefix
    is per worker process."""
    seen = []
    for _ in range(count):
        response = httpx.get(base + ARTICLE)
        seen.append((response.json()["revision"], response.headers["x-request-id"][:12]))
    return seen


def test_publish_through_one_worker_is_read_from_both(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    run_cli("prepare", database=database, check=True)
    editor = bearer(cli_token(database, "Erin Editor", "editor"))
    reviewer = bearer(cli_token(database, "Dr Rita Reviewer", "reviewer"))
    with running_server(database, workers=2) as base:
        before = read_from_fresh_connections(base, 40)
        assert {revision for revision, _ in before} == {1}
        with httpx.Client(base_url=base) as client:
            approve_iv_maximum(client, editor, reviewer)
            publish(client, editor)
        after = read_from_fresh_connections(base, 40)
    assert {revision for revision, _ in after} == {2}
    workers = {worker for _, worker in before + after}
    assert len(workers) == 2, f"expected reads from both workers, saw {workers}"
