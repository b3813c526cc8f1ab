"""Admin request bodies: what msgspec alone would accept or trip over is a clear 4xx, and the
draft is left as it was."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import SLUG, Headers

DRAFT = f"/v1/admin/articles/{SLUG}/draft"
DEEP = b"[" * 10_000 + b"]" * 10_000

Client = TestClient[Litestar]

# (case, method, path, body, content type, expected status, words the detail must contain)
CASES: list[tuple[str, str, str, bytes, str, int, str]] = [
    ("deep-patch", "PATCH", DRAFT, b'{"title": ' + DEEP + b"}", "application/json", 400, "nested"),
    (
        "deep-section",
        "PUT",
        f"{DRAFT}/sections/intro",
        b'{"kind": "intro", "key": "intro", "title": "T", "body": ' + DEEP + b"}",
        "application/json",
        400,
        "nested",
    ),
    ("deep-create", "POST", "/v1/admin/articles", DEEP, "application/json", 400, "nested"),
    ("bad-utf8", "PATCH", DRAFT, b'{"title": "\xff\xfe"}', "application/json", 400, "UTF-8"),
    (
        "duplicate-key",
        "PATCH",
        DRAFT,
        b'{"title": "A", "title": "B"}',
        "application/json",
        400,
        "`title` appears twice",
    ),
    ("text-plain", "PATCH", DRAFT, b'{"title": "A title"}', "text/plain", 415, "application/json"),
    ("no-type", "PATCH", DRAFT, b'{"title": "A title"}', "", 415, "application/json"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type", "status", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_malformed_bodies_are_refused_with_a_problem_and_change_nothing(
    client: Client,
    editor_headers: Headers,
    method: str,
    path: str,
    body: bytes,
    content_type: str,
    status: int,
    words: str,
) -> None:
    before = client.get(DRAFT, headers=editor_headers)
    headers: dict[str, Any] = {**editor_headers, "If-Match": before.headers["etag"]}
    if content_type:
        headers["Content-Type"] = content_type
    answer = client.request(method, path, content=body, headers=headers)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert words in answer.json()["detail"]
    after = client.get(DRAFT, headers=editor_headers)
    assert after.headers["etag"] == before.headers["etag"]
    assert after.json() == before.json()


def test_json_with_a_structured_suffix_is_accepted(client: Client, editor_headers: Headers) -> None:
    etag = client.get(DRAFT, headers=editor_headers).headers["etag"]
    answer = client.patch(
        DRAFT,
        content=b'{"title": "A new title"}',
        headers={
            **editor_headers,
            "If-Match": etag,
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["fields"]["title"] == "A new title"
