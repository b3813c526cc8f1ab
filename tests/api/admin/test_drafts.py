"""Draft routes over HTTP: concurrent writers, If-Match, bad input named by field, new articles."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from service.app import create_app
from service.config import Settings
from tests.admin_flow import DRAFT, add_sections_retrying
from tests.api.admin.drafting import (
    SEED,
    SEED_KEYS,
    THERAPIES,
    draft_section,
    iv_dose_changed,
    read_draft,
)
from tests.concurrency import run_in_threads
from tests.conftest import EDITOR, Client, Headers


def test_stale_etag_loses_and_the_winner_is_stored_byte_for_byte(
    settings: Settings, client: Client, editor_headers: Headers, second_editor_headers: Headers
) -> None:
    draft, etag = read_draft(client, editor_headers)
    bodies = {
        "first": msgspec.json.encode(iv_dose_changed(draft, 0.7, "first")),
        "second": msgspec.json.encode(iv_dose_changed(draft, 0.9, "second")),
    }
    headers = {"first": editor_headers, "second": second_editor_headers}
    apps = {name: create_app(settings) for name in bodies}
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def write(name: str) -> None:
        with TestClient(apps[name]) as own:
            barrier.wait()
            response = own.put(
                THERAPIES,
                content=bodies[name],
                headers={**headers[name], "If-Match": etag, "Content-Type": "application/json"},
            )
            statuses[name] = response.status_code

    run_in_threads(write, [(name,) for name in bodies])

    assert sorted(statuses.values()) == [200, 412]
    winner = next(name for name, status in statuses.items() if status == 200)
    stored, _ = read_draft(client, editor_headers)
    assert msgspec.json.encode(draft_section(stored, "therapy-types")) == bodies[winner]


def test_parallel_writers_lose_no_update_and_never_fail(
    settings: Settings, client: Client, token_headers: Any
) -> None:
    writers, writes_each = 6, 4
    read_draft(client, token_headers("Starter", "editor"))
    outcomes: Counter[int] = Counter()
    lock = threading.Lock()

    # Apps and tokens are made up front: Litestar's lazy imports are not safe to race.
    apps = [create_app(settings) for _ in range(writers)]
    people = [token_headers(f"Writer {n}", "editor") for n in range(writers)]

    def work(number: int) -> None:
        keys = [f"w{number}-{write}" for write in range(writes_each)]
        with TestClient(apps[number]) as own:
            seen = add_sections_retrying(own, people[number], keys, f"Writer {number}")
        with lock:
            outcomes.update(seen)

    run_in_threads(work, [(n,) for n in range(writers)])

    assert set(outcomes) <= {201, 412}
    assert outcomes[201] == writers * writes_each
    final, _ = read_draft(client, token_headers("Checker", "editor"))
    written = {s["key"] for s in final["sections"]} - set(SEED_KEYS)
    assert written == {f"w{n}-{w}" for n in range(writers) for w in range(writes_each)}
    assert final["version"] == 1 + writers * writes_each


def therapy_with(**dose: Any) -> dict[str, Any]:
    """A therapy-types section whose first therapy has this dose."""
    section = msgspec.to_builtins(SEED.sections[SEED_KEYS.index("therapy-types")])
    section["therapies"][0]["dose"] = dose
    return dict(section)


BIG = {"kind": "intro", "key": "therapy-types", "title": "Big", "body": "x" * (1024 * 1024 + 1)}
BAD_INPUT = [
    ("put", b'{"kind": "therapy_types", "key": ', 400, "$"),
    ("put", therapy_with(min="0.5", max=1.0, unit="mg/kg"), 400, "$.therapies[0].dose.min"),
    ("put", therapy_with(min=2.0, max=1.0, unit="mg/kg"), 400, "$.therapies[0].dose"),
    ("put", therapy_with(min=0.5, max=1.0, unit="ml"), 400, "$.therapies[0].dose.unit"),
    ("put", {**therapy_with(min=0.5, max=1.0, unit="mg"), "kind": "dosage"}, 400, "$.kind"),
    ("put", {**therapy_with(min=0.5, max=1.0, unit="mg"), "colour": "red"}, 400, "$.colour"),
    ("put", {**therapy_with(min=0.5, max=1.0, unit="mg"), "key": "safety"}, 400, "$.key"),
    ("put", b"", 400, "$"),
    ("put", BIG, 413, None),
    ("patch", {"title": 5}, 400, "$.title"),
    ("patch", {"subtitle": "x"}, 400, "$.subtitle"),
    ("patch", {}, 400, "$"),
    ("patch", {"section_order": ["intro"]}, 400, "$.section_order"),
    ("patch", {"hero_image": "javascript:alert(1)"}, 400, "$.hero_image"),
    ("patch", b"[1, 2]", 400, "$"),
]


@pytest.mark.parametrize(
    ("method", "body", "status", "path"),
    BAD_INPUT,
    ids=[
        "malformed-json",
        "dose-as-string",
        "min-over-max",
        "unknown-unit",
        "unknown-kind",
        "unknown-field",
        "key-differs-from-path",
        "empty-body",
        "oversize-body",
        "title-wrong-type",
        "patch-unknown-field",
        "patch-nothing",
        "order-not-a-permutation",
        "hero-image-not-http",
        "patch-not-an-object",
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    client: Client, editor_headers: Headers, method: str, body: Any, status: int, path: str | None
) -> None:
    before, etag = read_draft(client, editor_headers)
    url = THERAPIES if method == "put" else DRAFT
    content = body if isinstance(body, bytes) else msgspec.json.encode(body)
    response = client.request(
        method.upper(),
        url,
        content=content,
        headers={**editor_headers, "If-Match": etag, "Content-Type": "application/json"},
    )
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    if path is not None:
        assert path in [error["path"] for error in problem["errors"]], problem
    assert read_draft(client, editor_headers) == (before, etag)


def test_draft_writes_need_if_match_and_a_stale_one_changes_nothing(
    client: Client, editor_headers: Headers
) -> None:
    draft, etag = read_draft(client, editor_headers)
    body = iv_dose_changed(draft, 0.9)
    assert client.put(THERAPIES, headers=editor_headers, json=body).status_code == 428
    assert (
        client.put(THERAPIES, headers={**editor_headers, "If-Match": "*"}, json=body).status_code
        == 428
    )
    stale = client.put(THERAPIES, headers={**editor_headers, "If-Match": '"draft-1-0"'}, json=body)
    assert stale.status_code == 412
    assert read_draft(client, editor_headers) == (draft, etag)
    deleted = client.delete(f"{DRAFT}/sections/intro", headers={**editor_headers, "If-Match": etag})
    assert deleted.status_code == 200
    assert "intro" not in [s["key"] for s in deleted.json()["sections"]]
    missing = client.delete(
        f"{DRAFT}/sections/intro", headers={**editor_headers, "If-Match": deleted.headers["etag"]}
    )
    assert missing.status_code == 404


def test_created_article_is_a_draft_until_published(
    client: Client, editor_headers: Headers, reviewer_headers: Headers
) -> None:
    body = {
        "slug": "esketamine-basics",
        "title": "Esketamine basics",
        "summary": "What esketamine is.",
        "disclaimer": "Not medical advice.",
        "sections": [{"kind": "intro", "key": "intro", "title": "Intro", "body": "Hello."}],
    }
    created = client.post("/v1/admin/articles", headers=editor_headers, json=body)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/v1/admin/articles/esketamine-basics/draft"
    assert created.json()["editors"] == [EDITOR]
    assert client.post("/v1/admin/articles", headers=editor_headers, json=body).status_code == 409
    assert client.get("/v1/articles/esketamine-basics").status_code == 404

    url = "/v1/admin/articles/esketamine-basics"
    client.post(f"{url}/draft/submit", headers=editor_headers)
    etag = client.get(f"{url}/draft", headers=reviewer_headers).headers["etag"]
    client.post(f"{url}/draft/approve", headers={**reviewer_headers, "If-Match": etag})
    published = client.post(f"{url}/publish", headers=editor_headers).json()
    assert (published["revision"], published["sections_changed"]) == (1, ["intro"])
    assert client.get("/v1/articles/esketamine-basics").json()["title"] == "Esketamine basics"
