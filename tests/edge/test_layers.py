"""The layers in front of the app: rate limits, CORS, request ids, metrics and the access log."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from datetime import UTC, datetime, timedelta

from litestar import Litestar
from litestar.testing import TestClient

from seed.loader import publish_seed_variant
from service.app import create_app
from service.config import Settings
from service.edge.logs import ACCESS_LOG, AccessLog, JsonFormatter
from service.store.db import ContentDB
from tests.conftest import ARTICLE, SLUG, Client


def test_rate_limit_answers_429_with_retry_after(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, rate_limit_per_minute=3))
    with TestClient(app) as client:
        statuses = [client.get(ARTICLE).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get(ARTICLE)
        assert limited.headers["content-type"] == "application/problem+json"
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.json()["status"] == 429
        assert client.get("/healthz").status_code == 200  # probes are never limited


def test_rate_limit_counts_admin_and_public_separately(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, rate_limit_per_minute=2))
    with TestClient(app) as client:
        assert [client.get(ARTICLE).status_code for _ in range(3)] == [200, 200, 429]
        assert client.get("/v1/admin/audit").status_code != 429


def test_public_get_is_open_to_any_origin(client: Client) -> None:
    response = client.get(ARTICLE, headers={"Origin": "https://clinic.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]
    preflight = client.options(
        ARTICLE,
        headers={
            "Origin": "https://clinic.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "If-None-Match" in preflight.headers["access-control-allow-headers"]
    assert "POST" not in preflight.headers["access-control-allow-methods"]


def _admin_preflight(client: Client, origin: str) -> dict[str, str]:
    response = client.options(
        "/v1/admin/articles",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    return dict(response.headers)


def test_admin_routes_allow_only_configured_origins(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, admin_origins=("https://cms.example",)))
    with TestClient(app) as client:
        allowed = _admin_preflight(client, "https://cms.example")
        assert allowed["access-control-allow-origin"] == "https://cms.example"
        assert "Authorization" in allowed["access-control-allow-headers"]
        refused = _admin_preflight(client, "https://evil.example")
        assert "access-control-allow-origin" not in refused
        actual = client.get("/v1/admin/audit", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in actual.headers


def test_request_id_is_echoed_and_put_into_problems(client: Client) -> None:
    response = client.get("/v1/articles/missing", headers={"X-Request-ID": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    assert response.json()["request_id"] == "req-42"
    generated = client.get("/v1/articles/missing")
    assert len(generated.headers["x-request-id"]) >= 16
    assert client.get(ARTICLE, headers={"X-Request-ID": "bad id\n"}).headers["x-request-id"] != (
        "bad id\n"
    )


def test_access_log_lines_are_json_with_request_id(client: Client) -> None:
    written: list[bytes] = []
    ACCESS_LOG.configure(is_enabled=True, write=written.append)
    try:
        client.get(ARTICLE, headers={"X-Request-ID": "trace-7"})  # a miss, through the layers
        client.get(ARTICLE, headers={"X-Request-ID": "trace-8"})  # a hit, answered by the edge
        ACCESS_LOG.flush()
    finally:
        ACCESS_LOG.configure(is_enabled=True, write=None)
    entries = [json.loads(line) for line in b"".join(written).splitlines()]
    hits = [e for e in entries if e["path"] == ARTICLE]
    assert [e["request_id"] for e in hits] == ["trace-7", "trace-8"]
    for entry in hits:
        assert entry["status"] == 200 and entry["route"] == "/v1/articles/{slug}"
        assert entry["duration_ms"] >= 0 and entry["logger"] == "service.access"
        assert entry["message"] == f"GET {ARTICLE} 200" and entry["level"] == "info"
        # RFC 3339 in UTC, taken when the request was answered.
        assert entry["time"].endswith("Z")
        age = datetime.now(UTC) - datetime.fromisoformat(entry["time"])
        assert timedelta(0) <= age < timedelta(minutes=1)


def test_metrics_count_requests_by_route_template_and_cache_hits(client: Client) -> None:
    for _ in range(3):
        client.get(ARTICLE)
    client.get(f"{ARTICLE}/sections/safety")
    text = client.get("/metrics").text
    assert 'http_requests_total{method="GET",route="/v1/articles/{slug}",status="200"} 3.0' in text
    assert 'route="/v1/articles/{slug}/sections/{key}"' in text
    assert 'public_cache_lookups_total{result="hit"} 2.0' in text
    assert 'content_publish_events_total{action="published"} 1.0' in text
    assert SLUG not in text  # raw paths never become labels


def test_metrics_show_the_webhook_queue(
    app: Litestar, client: Client, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/v1/admin/webhooks",
        json={"url": "http://127.0.0.1:9/never-listening", "events": ["article.published"]},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    publish_seed_variant(ContentDB(app.state["db"].path), intro_body="Queued.", actor="metrics")
    text = client.get("/metrics").text
    queued = [line for line in text.splitlines() if line.startswith("webhook_deliveries{")]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in queued) == 1.0


def test_access_log_lines_are_formatted_as_recorded() -> None:
    written: list[bytes] = []
    log = AccessLog(interval=60)
    log.configure(is_enabled=True, write=written.append)
    log.add((1764590400.0, "GET", "/v1/a", "/v1/articles/{slug}", 200, 0.0012345, b"id-1"))
    log.add((1764590400.25, "HEAD", '/v1/"q"', "unmatched", 404, 0.5, None))
    # Outside an event loop there is no batch to wait for: each line is written at once.
    assert len(written) == 2
    assert b"".join(written).splitlines() == [
        b'{"time":"2025-12-01T12:00:00Z","level":"info","logger":"service.access",'
        b'"message":"GET /v1/a 200","request_id":"id-1","method":"GET","path":"/v1/a",'
        b'"route":"/v1/articles/{slug}","status":200,"duration_ms":1.235}',  # us, halves up
        b'{"time":"2025-12-01T12:00:00.250000Z","level":"info","logger":"service.access",'
        b'"message":"HEAD /v1/\\"q\\" 404","request_id":null,"method":"HEAD","path":"/v1/\\"q\\"",'
        b'"route":"unmatched","status":404,"duration_ms":500.0}',
    ]


def test_access_log_lines_of_a_loop_are_written_together_after_the_interval() -> None:
    written: list[bytes] = []
    log = AccessLog(interval=0.1)
    log.configure(is_enabled=True, write=written.append)

    async def requests() -> tuple[int, int]:
        for index in range(3):
            log.add((1764590400.0, "GET", f"/v1/{index}", "unmatched", 404, 0.001, None))
        await asyncio.sleep(0.01)  # the loop runs other work meanwhile: the batch is gathering
        before = len(written)
        await asyncio.sleep(0.2)  # the batch's timer falls due on this loop
        log.add((1764590401.0, "GET", "/v1/next", "unmatched", 404, 0.001, None))
        return before, len(written)

    assert asyncio.run(requests()) == (0, 1)  # nothing on the request path, then one write
    assert [json.loads(line)["path"] for line in written[0].splitlines()] == [
        "/v1/0",
        "/v1/1",
        "/v1/2",
    ]
    log.flush()  # what the next batch held (as on shutdown): written, not lost
    assert json.loads(written[1])["path"] == "/v1/next"


def test_other_log_lines_carry_the_same_time_format() -> None:
    record = logging.makeLogRecord({"name": "service.x", "msg": "hi", "created": 1764590400.25})
    entry = json.loads(JsonFormatter().format(record))
    assert entry["time"] == "2025-12-01T12:00:00.250000Z"
    assert (entry["logger"], entry["message"]) == ("service.x", "hi")
