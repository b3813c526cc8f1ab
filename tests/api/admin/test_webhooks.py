"""Webhook subscriptions over the admin API: the secret shown once, events, changes, deletion,
URL safety, the OpenAPI description and the auth matrix."""

from __future__ import annotations

import base64
import dataclasses
import re
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from schema.webhooks import WEBHOOK_EVENT_TYPES
from service.app import create_app
from service.config import Settings
from tests.admin_flow import HOOKS, publish_intro_note
from tests.api.admin.hooks import deliveries, subscribe
from tests.conftest import ADMIN, Client, Headers
from tests.tokens import issued_headers


@pytest.fixture
def strict(settings: Settings) -> Iterator[tuple[Client, Headers]]:
    """A client of an app refusing private webhook targets (the default), and admin headers."""
    strict_settings = dataclasses.replace(
        settings,
        content_db=settings.content_db.with_name("strict.db"),
        allow_private_webhooks=False,
    )
    with TestClient(create_app(strict_settings)) as client:
        yield client, issued_headers(strict_settings.content_db, ADMIN, "admin")


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
    assert created["events"] == ["article.published", "article.unpublished", "article.rolled_back"]
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
    publish_intro_note(client, editor_headers, reviewer_headers, "paused")
    assert deliveries(client, admin_headers, created["id"]) == []
    assert client.patch(f"{HOOKS}/999", json={}, headers=admin_headers).status_code == 404
    missing = client.patch(f"{HOOKS}/999", json={"is_active": True}, headers=admin_headers)
    assert missing.status_code == 404


def test_deleting_a_subscription_removes_it_with_its_log(
    client: Client, admin_headers: Headers, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    created = subscribe(client, admin_headers, "http://127.0.0.1:9/hook")
    publish_intro_note(client, editor_headers, reviewer_headers, "queued")
    assert len(deliveries(client, admin_headers, created["id"])) == 1
    assert client.delete(f"{HOOKS}/{created['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"{HOOKS}/{created['id']}", headers=admin_headers).status_code == 404
    log = client.get(f"{HOOKS}/{created['id']}/deliveries", headers=admin_headers)
    assert log.status_code == 404
    assert client.delete(f"{HOOKS}/{created['id']}", headers=admin_headers).status_code == 404


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
    from tests.handlers.test_auth import OPERATIONS

    webhook_operations = [op for op in OPERATIONS if op.path.startswith(HOOKS)]
    assert len(webhook_operations) == 8
    assert {op.roles for op in webhook_operations} == {frozenset({"admin"})}
