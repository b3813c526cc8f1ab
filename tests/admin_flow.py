"""Steps of the editorial story over the admin API, for any HTTP client: the in-process
``TestClient`` (an ``httpx.Client``) or an ``httpx.Client`` on a real server."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

import httpx

from tests.conftest import SLUG
from tests.tokens import Headers

ADMIN_ARTICLE = f"/v1/admin/articles/{SLUG}"
DRAFT = f"{ADMIN_ARTICLE}/draft"
HOOKS = "/v1/admin/webhooks"


def put_section(client: httpx.Client, editor: Headers, section: dict[str, Any], etag: str) -> None:
    """Save one draft section under the ETag the editor read."""
    put = client.put(
        f"{DRAFT}/sections/{section['key']}", json=section, headers={**editor, "If-Match": etag}
    )
    assert put.status_code == 200, put.text


def submit_and_approve(client: httpx.Client, editor: Headers, reviewer: Headers) -> None:
    """Submit the edited draft and have the reviewer approve the version they read."""
    assert client.post(f"{DRAFT}/submit", headers=editor).status_code == 200
    etag = client.get(DRAFT, headers=reviewer).headers["etag"]
    approved = client.post(f"{DRAFT}/approve", headers={**reviewer, "If-Match": etag})
    assert approved.status_code == 200, approved.text


def approve_iv_maximum(
    client: httpx.Client, editor: Headers, reviewer: Headers, maximum: float = 0.9
) -> None:
    """Change the IV maximum dose in the draft, submit it and have it approved."""
    draft = client.get(DRAFT, headers=editor)
    section = next(s for s in draft.json()["sections"] if s["key"] == "therapy-types")
    section["therapies"][0]["dose"]["max"] = maximum
    put_section(client, editor, section, draft.headers["etag"])
    submit_and_approve(client, editor, reviewer)


def publish_intro_note(
    client: httpx.Client, editor: Headers, reviewer: Headers, note: str
) -> float:
    """Add a note to the intro, submit, approve and publish: one ``article.published`` event.

    Returns how long the publish call took.
    """
    draft = client.get(DRAFT, headers=editor)
    intro = next(s for s in draft.json()["sections"] if s["key"] == "intro")
    intro["body"] += f" {note}"
    put_section(client, editor, intro, draft.headers["etag"])
    submit_and_approve(client, editor, reviewer)
    return publish(client, editor)


def publish(client: httpx.Client, editor: Headers) -> float:
    """Publish the approved draft now; returns how long the call took."""
    started = time.monotonic()
    published = client.post(f"{ADMIN_ARTICLE}/publish", headers=editor)
    assert published.status_code == 200, published.text
    return time.monotonic() - started


def add_sections_retrying(
    client: httpx.Client, editor: Headers, keys: Iterable[str], title: str
) -> Counter[int]:
    """Add an intro section under each key, reading the ETag again after each 412 (up to 100
    tries a key), as racing editors would; every status answered."""
    statuses: Counter[int] = Counter()
    for key in keys:
        body = {"kind": "intro", "key": key, "title": title, "body": "Text."}
        for _attempt in range(100):
            etag = client.get(DRAFT, headers=editor).headers["etag"]
            put = client.put(
                f"{DRAFT}/sections/{key}", json=body, headers={**editor, "If-Match": etag}
            )
            statuses[put.status_code] += 1
            if put.status_code != 412:
                break
    return statuses
