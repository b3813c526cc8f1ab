"""Webhook subscriptions and their delivery log over the admin API."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.admin_flow import HOOKS
from tests.conftest import Client, Headers


def subscribe(client: Client, admin: Headers, url: str, **fields: Any) -> dict[str, Any]:
    """Create a subscription over the API and return the answer."""
    response = client.post(HOOKS, json={"url": url, **fields}, headers=admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


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
