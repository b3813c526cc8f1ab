"""The batched access log of a real server: one JSON line a request, in order, none lost on
SIGTERM."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.conftest import ARTICLE
from tests.e2e.conftest import server_process

REQUESTS = 200


def test_every_request_is_logged_in_order_and_flushed_at_shutdown(tmp_path: Path) -> None:
    database = tmp_path / "content.db"
    with server_process(database, env={"LOG_LEVEL": "info", "LOG_BATCH_MS": "3000"}) as (
        base_url,
        process,
    ):
        with httpx.Client(base_url=base_url) as client:
            for index in range(REQUESTS):
                path = ARTICLE if index % 2 else f"{ARTICLE}/sections/safety"
                assert client.get(path, headers={"X-Request-ID": f"order-{index}"}).is_success
        # Within the 3 s batch: the lines still waiting must be written on the way out.
        process.terminate()
        assert process.wait(timeout=10) == 0
    log = database.with_name(f"server-{base_url.rsplit(':', 1)[1]}.log").read_text()
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    ours = [e for e in entries if str(e.get("request_id", "")).startswith("order-")]
    assert [e["request_id"] for e in ours] == [f"order-{i}" for i in range(REQUESTS)]
    assert all(e["logger"] == "service.access" and e["status"] == 200 for e in ours)
    assert {e["route"] for e in ours} == {
        "/v1/articles/{slug}",
        "/v1/articles/{slug}/sections/{key}",
    }
