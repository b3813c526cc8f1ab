"""Webhook subscriptions over the admin API, the outbox written with each event, the delivery
log and manual retry, URL safety, secret rotation, metrics and the OpenAPI description."""

from __future__ import annotations

import base64
import dataclasses
import ipaddress
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.webhooks import WEBHOOK_EVENT_TYPES
from service.app import create_app
from service.channels.webhook_signature import WebhookVerificationError, verify
from service.config import Settings
from service.editorial import live
from service.editorial.actor import Actor
from service.editorial.webhook_targets import is_public_address
from service.handlers.auth import issue_token
from service.store import content
from service.store import webhooks as store
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.conftest import SLUG, Headers
from tests.webhook_receiver import Receiver

Client = TestClient[Litestar]
HOOKS = "/v1/admin/webhooks"
DRAFT = f"/v1/admin/articles/{SLUG}/draft"


def subscribe(client: Client, admin: Headers, url: str, **fields: Any) -> dict[str, Any]:
    """Create a subscription over the API and return the answer."""
    response = client.post(HOOKS, json={"url": url, **fields}, headers=admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


def publish(client: Client, editor: Headers, reviewer: Headers, note: str) -> None:
    """Edit the intro, submit, approve and publish: one `article.published` event."""
    draft = client.get(DRAFT, headers=editor)
    intro = next(s for s in draft.json()["sections"] if s["key"] == "intro")
    intro["body"] += f" {note}"
    etag = draft.headers["etag"]
    put = client.put(f"{DRAFT}/sections/intro", json=intro, headers={**editor, "If-Match": etag})
    assert put.status_code == 200, put.text
    assert client.post(f"{DRAFT}/submit", headers=editor).status_code == 200
    etag = client.get(DRAFT, headers=reviewer).headers["etag"]
    assert (
        client.post(f"{DRAFT}/approve", headers={**reviewer, "If-Match": etag}).status_code == 200
    )
    published = client.post(f"/v1/admin/articles/{SLUG}/publish", headers=editor)
    assert published.status_code == 200, published.text


def deliveries(client: Client, admin: Headers, webhook_id: int, **params: Any) -> list[Any]:
    """The subscription's delivery log, newest first."""
    response = client.get(f"{HOOKS}/{webhook_id}/deliveries", params=params, headers=admin)
    assert response.status_code == 200, response.text
    return list(response.json()["deliveries"])


def wait_for_state(client: Client, admin: Headers, webhook_id: int, state: str) -> list[Any]:
    """Poll the log until its newest delivery is in ``state``."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = deliveries(client, admin, webhook_id)
        if found and found[0]["state"] == state:
            return found
        time.sleep(0.02)
    pytest.fail(f"no delivery became {state}: {deliveries(client, admin, webhook_id)}")


@pytest.fixture
def strict(settings: Settings) -> Iterator[tuple[Client, Headers]]:
    """A client of an app refusing private webhook targets (the default), and admin headers."""
    strict_settings = dataclasses.replace(
        settings,
        content_db=settings.content_db.with_name("strict.db"),
        allow_private_webhooks=False,
    )
    with TestClient(create_app(strict_settings)) as client:
        db = ContentDB(strict_settings.content_db)
        try:
            token = issue_token(db, "Ada Admin", "admin")
        finally:
            db.close()
        yield client, {"Authorization": f"Bearer {token}"}


def test_subscribing_answers_201_with_the_secret_shown_only_then(
    client: Client, admin_headers: Headers
) -> None:
    response = client.post(HOOKS, json={"url": "http://127.0.0.1:9/hook"}, headers=admin_headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"{HOOKS}/{created['id']}"
    secret = created["secret"]
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]+=*", secret)
    assert 24 <= len(base64.b64decode(secret.removeprefix("whsec_"))) <= 32
    assert created["events"] == [
        "article.published",
        "article.unpublished",
        "article.rolled_back",
        "article.review_due",
        "article.corrected",
    ]
    assert (created["is_active"], created["is_failing"]) == (True, False)
    for url in (HOOKS, f"{HOOKS}/{created['id']}"):
        answer = client.get(url, headers=admin_headers)
        assert answer.status_code == 200
        assert secret not in answer.text
        assert "secret" not in answer.text.replace("previous_secret_expires_at", "")
    other = subscribe(client, admin_headers, "http://127.0.0.1:9/other")
    assert other["secret"] != secret


def test_events_are_a_subset_each_kept_once(client: Client, admin_headers: Headers) -> None:
    created = subscribe(
        client,
        admin_headers,
        "http://127.0.0.1:9/hook",
        events=["article.rolled_back", "article.published", "article.published"],
        description="CDN purge",
    )
    assert created["events"] == ["article.published", "article.rolled_back"]
    assert created["description"] == "CDN purge"
    for bad in ([], ["article.created"]):
        response = client.post(
            HOOKS, json={"url": "http://127.0.0.1:9/", "events": bad}, headers=admin_headers
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["path"].startswith("$.events")


def test_patch_changes_what_is_given_and_a_paused_subscription_gets_nothing(
    client: Client, admin_headers: Headers, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    created = subscribe(client, admin_headers, "http://127.0.0.1:9/hook")
    url = f"{HOOKS}/{created['id']}"
    changed = client.patch(
        url,
        json={"is_active": False, "events": ["article.unpublished"], "url": "http://127.0.0.1:9/b"},
        headers=admin_headers,
    )
    assert changed.status_code == 200, changed.text
    webhook = changed.json()
    assert (webhook["is_active"], webhook["events"]) == (False, ["article.unpublished"])
    assert (webhook["url"], webhook["description"]) == ("http://127.0.0.1:9/b", "")
    assert "secret" not in changed.json()
    client.patch(url, json={"events": ["article.published"]}, headers=admin_headers)
    publish(client, editor_headers, reviewer_headers, "paused")
    assert deliveries(client, admin_headers, created["id"]) == []
    assert client.patch(f"{HOOKS}/999", json={}, headers=admin_headers).status_code == 404
    missing = client.patch(f"{HOOKS}/999", json={"is_active": True}, headers=admin_headers)
    assert missing.status_code == 404


def test_deleting_a_subscription_removes_it_with_its_log(
    client: Client, admin_headers: Headers, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    created = subscribe(client, admin_headers, "http://127.0.0.1:9/hook")
    publish(client, editor_headers, reviewer_headers, "queued")
    assert len(deliveries(client, admin_headers, created["id"])) == 1
    assert client.delete(f"{HOOKS}/{created['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"{HOOKS}/{created['id']}", headers=admin_headers).status_code == 404
    log = client.get(f"{HOOKS}/{created['id']}/deliveries", headers=admin_headers)
    assert log.status_code == 404
    assert client.delete(f"{HOOKS}/{created['id']}", headers=admin_headers).status_code == 404


NOW = utc_now()


def _subscribe_directly(db: ContentDB, events: list[Any], *, is_active: bool = True) -> int:
    with db.write() as conn:
        webhook_id = store.insert_subscription(
            conn, url="http://x.test/", events=events, description="", secret="", actor="t", at=NOW
        )
        store.update_subscription(conn, webhook_id, {"is_active": is_active}, NOW)
    return webhook_id


def test_publish_unpublish_and_rollback_queue_one_delivery_per_interested_subscription(
    seeded_db: ContentDB,
) -> None:
    everything = _subscribe_directly(seeded_db, list(WEBHOOK_EVENT_TYPES))
    publishes = _subscribe_directly(seeded_db, ["article.published"])
    paused = _subscribe_directly(seeded_db, ["article.published"], is_active=False)
    editor = Actor(name="Erin Editor", role="editor")
    live.unpublish(seeded_db, editor, SLUG)
    live.rollback(seeded_db, editor, SLUG, 1)
    with seeded_db.write() as conn:
        article_id = content.get_article_id(conn, SLUG)
        assert article_id is not None
        content.insert_event(
            conn, article_id, revision=3, action="published", sections_changed=[], at=utc_now()
        )
    rows = seeded_db.conn.execute(
        "SELECT subscription_id, event_type, message_id, state FROM webhook_deliveries ORDER BY id"
    ).fetchall()
    assert [(row[0], row[1]) for row in rows] == [
        (everything, "article.unpublished"),
        (everything, "article.rolled_back"),
        (everything, "article.published"),
        (publishes, "article.published"),
    ]
    assert {row[3] for row in rows} == {"pending"}
    assert rows[2][2] == rows[3][2], "one message id per event, whoever receives it"
    assert len({row[2] for row in rows}) == 3
    assert paused not in {row[0] for row in rows}


def test_an_event_and_its_deliveries_commit_or_roll_back_together(seeded_db: ContentDB) -> None:
    _subscribe_directly(seeded_db, ["article.published"])
    with pytest.raises(RuntimeError), seeded_db.write() as conn:
        article_id = content.get_article_id(conn, SLUG)
        assert article_id is not None
        content.insert_event(
            conn, article_id, revision=2, action="published", sections_changed=[], at=utc_now()
        )
        assert conn.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0] == 1
        raise RuntimeError("the publish fails after recording its event")
    assert seeded_db.conn.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0] == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/",
        "http://0.0.0.0:9000/",
        "http://224.0.0.1/",
    ],
    ids=[
        "loopback",
        "localhost-name",
        "private-10",
        "private-192",
        "link-local-metadata",
        "shared-cgnat",
        "unspecified",
        "multicast",
    ],
)
def test_private_targets_are_refused_naming_the_url(
    strict: tuple[Client, Headers], url: str
) -> None:
    strict_client, admin = strict
    response = strict_client.post(HOOKS, json={"url": url}, headers=admin)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert url in problem["detail"]
    assert problem["errors"][0]["path"] == "$.url"
    assert strict_client.get(HOOKS, headers=admin).json()["webhooks"] == []


def test_a_public_address_is_accepted_and_a_patch_to_a_private_one_refused(
    strict: tuple[Client, Headers],
) -> None:
    strict_client, admin = strict
    created = subscribe(strict_client, admin, "https://1.1.1.1/hook")
    moved = strict_client.patch(
        f"{HOOKS}/{created['id']}", json={"url": "http://127.0.0.1/"}, headers=admin
    )
    assert moved.status_code == 400
    assert "http://127.0.0.1/" in moved.json()["detail"]
    kept = strict_client.get(f"{HOOKS}/{created['id']}", headers=admin).json()
    assert kept["url"] == "https://1.1.1.1/hook"


@pytest.mark.parametrize(
    ("address", "is_public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("172.16.5.4", False),
        ("192.0.2.1", False),
        ("240.0.0.1", False),
    ],
    ids=[
        "public-v4",
        "public-v6",
        "loopback-v4",
        "loopback-v6",
        "mapped-loopback",
        "mapped-private",
        "link-local-v6",
        "unique-local-v6",
        "private-172",
        "documentation",
        "reserved",
    ],
)
def test_only_global_unicast_addresses_are_public(address: str, is_public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is is_public


def test_the_delivery_log_shows_failed_attempts_and_a_manual_retry_delivers(
    client: Client,
    settings: Settings,
    admin_headers: Headers,
    editor_headers: Headers,
    reviewer_headers: Headers,
) -> None:
    with Receiver(status=503) as receiver:
        created = subscribe(client, admin_headers, receiver.url)
        publish(client, editor_headers, reviewer_headers, "retry me")
        (failed,) = wait_for_state(client, admin_headers, created["id"], "failed")
        assert failed["attempts"] == 1 + len(settings.webhook_retry_schedule)
        log = failed["attempt_log"]
        assert [a["number"] for a in log] == list(range(1, len(log) + 1))
        assert all(not a["is_success"] and a["status_code"] == 503 for a in log)
        assert all(a["error"].startswith("HTTP 503") and a["duration_ms"] >= 0 for a in log)
        webhook = client.get(f"{HOOKS}/{created['id']}", headers=admin_headers).json()
        assert (webhook["is_failing"], webhook["failed_deliveries"]) == (True, 1)
        assert deliveries(client, admin_headers, created["id"], state="delivered") == []

        receiver.status = 200
        retry = f"{HOOKS}/{created['id']}/deliveries/{failed['id']}/retry"
        queued = client.post(retry, headers=admin_headers)
        assert queued.status_code == 202, queued.text
        assert queued.json()["state"] == "pending"
        (delivered,) = wait_for_state(client, admin_headers, created["id"], "delivered")
        assert delivered["attempt_log"][-1]["status_code"] == 200
        assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
        assert delivered["message_id"] == receiver.received[0].headers["webhook-id"]
    webhook = client.get(f"{HOOKS}/{created['id']}", headers=admin_headers).json()
    assert (webhook["is_failing"], webhook["failed_deliveries"]) == (False, 0)
    again = client.post(retry, headers=admin_headers)
    assert again.status_code == 409
    assert "delivered" in again.json()["detail"]
    unknown = client.post(f"{HOOKS}/{created['id']}/deliveries/999/retry", headers=admin_headers)
    assert unknown.status_code == 404


def test_the_delivery_log_pages_newest_first(
    client: Client, admin_headers: Headers, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    created = subscribe(client, admin_headers, "http://127.0.0.1:9/hook")
    client.patch(f"{HOOKS}/{created['id']}", json={"is_active": True}, headers=admin_headers)
    for note in ("one", "two", "three"):
        publish(client, editor_headers, reviewer_headers, note)
    first = client.get(
        f"{HOOKS}/{created['id']}/deliveries", params={"limit": 2}, headers=admin_headers
    ).json()
    assert [d["payload"]["data"]["revision"] for d in first["deliveries"]] == [4, 3]
    rest = deliveries(client, admin_headers, created["id"], before=first["next_before"])
    assert [d["payload"]["data"]["revision"] for d in rest] == [2]
    bad = client.get(
        f"{HOOKS}/{created['id']}/deliveries", params={"state": "lost"}, headers=admin_headers
    )
    assert bad.status_code == 400


def test_a_rotated_secret_signs_alongside_the_old_one_during_the_grace_period(
    client: Client, admin_headers: Headers, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    with Receiver() as receiver:
        created = subscribe(client, admin_headers, receiver.url)
        rotate = f"{HOOKS}/{created['id']}/rotate-secret"
        rotated = client.post(rotate, headers=admin_headers)
        assert rotated.status_code == 200, rotated.text
        assert rotated.json()["previous_secret_expires_at"] is not None
        old, new = created["secret"], rotated.json()["secret"]
        assert old != new
        publish(client, editor_headers, reviewer_headers, "rotated")
        (during,) = receiver.wait_for(1)
        verify(old, during.headers, during.body)
        verify(new, during.headers, during.body)

        final = client.post(rotate, json={"grace_seconds": 0}, headers=admin_headers).json()
        assert final["previous_secret_expires_at"] is None
        client.post(f"/v1/admin/articles/{SLUG}/unpublish", headers=editor_headers)
        after = receiver.wait_for(2)[1]
    verify(final["secret"], after.headers, after.body)
    assert after.json()["data"]["url"] is None
    for stale in (old, new):
        with pytest.raises(WebhookVerificationError):
            verify(stale, after.headers, after.body)


def test_metrics_show_the_webhook_queue_by_state(
    client: Client, admin_headers: Headers, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    subscribe(client, admin_headers, "http://127.0.0.1:9/hook", events=["article.unpublished"])
    client.post(f"/v1/admin/articles/{SLUG}/unpublish", headers=editor_headers)
    metrics = client.get("/metrics").text
    assert re.search(r'^webhook_deliveries\{state="(pending|failed)"\} 1\.0$', metrics, re.M)


def test_openapi_documents_the_webhook_routes_events_and_signing(client: Client) -> None:
    spec = client.get("/schema/openapi.json").json()
    assert set(spec["webhooks"]) == set(WEBHOOK_EVENT_TYPES)
    for documented in spec["webhooks"].values():
        body = documented["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/WebhookEvent"}
        assert "HMAC-SHA256" in documented["post"]["description"]
    assert {"type", "timestamp", "data"} <= set(
        spec["components"]["schemas"]["WebhookEvent"]["properties"]
    )
    create = spec["paths"][HOOKS]["post"]
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WebhookCreated"
    }
    assert "webhook-signature" in create["description"]
    retry = spec["paths"][f"{HOOKS}/{{webhook_id}}/deliveries/{{delivery_id}}/retry"]["post"]
    assert {"202", "401", "403", "404", "409"} <= set(retry["responses"])
    assert list(retry["responses"]["409"]["content"]) == ["application/problem+json"]


def test_webhook_routes_are_admin_only_and_in_the_auth_matrix() -> None:
    from tests.test_auth import OPERATIONS

    webhook_operations = [op for op in OPERATIONS if op.path.startswith(HOOKS)]
    assert len(webhook_operations) == 8
    assert {op.roles for op in webhook_operations} == {frozenset({"admin"})}
