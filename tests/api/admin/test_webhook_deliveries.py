"""A subscription's deliveries over the admin API: the log and manual retry, paging, secret
rotation, and the queue in the metrics."""

from __future__ import annotations

import re

import pytest

from service.channels.webhook_signature import WebhookVerificationError, verify
from service.config import Settings
from tests.admin_flow import HOOKS, publish_intro_note
from tests.api.admin.hooks import deliveries, subscribe, wait_for_state
from tests.conftest import SLUG, Client, Headers
from tests.http_servers import Receiver


def test_the_delivery_log_shows_failed_attempts_and_a_manual_retry_delivers(
    client: Client,
    settings: Settings,
    admin_headers: Headers,
    editor_headers: Headers,
    reviewer_headers: Headers,
) -> None:
    with Receiver(status=503) as receiver:
        created = subscribe(client, admin_headers, receiver.url)
        publish_intro_note(client, editor_headers, reviewer_headers, "retry me")
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
        publish_intro_note(client, editor_headers, reviewer_headers, note)
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
        publish_intro_note(client, editor_headers, reviewer_headers, "rotated")
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
