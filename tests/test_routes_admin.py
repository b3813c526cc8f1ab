"""The admin API over HTTP: the editorial story end to end, concurrency, bad input, rollback."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from seed.data import load_seed_article
from service.app import create_app
from service.config import Settings
from tests.conftest import EDITOR, REVIEWER, SLUG, Headers

Client = TestClient[Litestar]
ADMIN_ARTICLE = f"/v1/admin/articles/{SLUG}"
DRAFT = f"{ADMIN_ARTICLE}/draft"
THERAPIES = f"{DRAFT}/sections/therapy-types"
PUBLIC = f"/v1/articles/{SLUG}"
MARKER = "ZQX-DRAFT-ONLY"
SEED = load_seed_article()
SEED_KEYS = [section.key for section in SEED.sections]


def read_draft(client: Client, headers: Headers) -> tuple[dict[str, Any], str]:
    """The draft's JSON and ETag."""
    response = client.get(DRAFT, headers=headers)
    assert response.status_code == 200, response.text
    return response.json(), response.headers["etag"]


def draft_section(draft: dict[str, Any], key: str) -> dict[str, Any]:
    """The section with this key."""
    return next(s for s in draft["sections"] if s["key"] == key)


def iv_dose_changed(draft: dict[str, Any], maximum: float, note: str = MARKER) -> dict[str, Any]:
    """The therapy-types section with the IV maximum dose changed and a note in its body."""
    section = msgspec.json.decode(msgspec.json.encode(draft_section(draft, "therapy-types")))
    iv = section["therapies"][0]
    assert iv["route"] == "intravenous"
    iv["dose"]["max"] = maximum
    iv["body"] += f" {note}"
    return dict(section)


def public_urls(app: Litestar) -> list[str]:
    """Every public GET URL the app has, sections expanded to each seed key."""
    urls = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.methods:
            continue
        if not route.path.startswith("/v1/") or route.path.startswith(("/v1/admin", "/v1/stream")):
            continue  # the stream never ends; tests/test_stream.py covers it
        path = route.path.replace("{slug:str}", SLUG)
        keys = SEED_KEYS if "{key:str}" in path else [""]
        urls.extend(path.replace("{key:str}", key) for key in keys)
    return urls


def assert_no_draft_in_public(app: Litestar, client: Client) -> None:
    """No public response carries draft content, and none fails."""
    for url in public_urls(app):
        response = client.get(url)
        assert response.status_code < 500, url
        assert MARKER not in response.text, url
    iv = draft_section(client.get(PUBLIC).json(), "therapy-types")["therapies"][0]
    assert iv["dose"]["max"] == 1.0


def public_etags(client: Client) -> dict[str, str]:
    """The ETag of the public article and of each section."""
    etags = {"": client.get(PUBLIC).headers["etag"]}
    for key in SEED_KEYS:
        etags[key] = client.get(f"{PUBLIC}/sections/{key}").headers["etag"]
    return etags


def with_id(headers: Headers, request_id: str) -> Headers:
    """Headers with an ``X-Request-ID``, to find the request in the audit log."""
    return {**headers, "X-Request-ID": request_id}


def approve_and_publish(
    client: Client, editor: Headers, reviewer: Headers, maximum: float = 0.8
) -> dict[str, Any]:
    """The happy path in four calls: edit the IV dose, submit, approve, publish."""
    draft, etag = read_draft(client, editor)
    assert (
        client.put(
            THERAPIES, headers={**editor, "If-Match": etag}, json=iv_dose_changed(draft, maximum)
        ).status_code
        == 200
    )
    assert client.post(f"{DRAFT}/submit", headers=editor).status_code == 200
    _, etag = read_draft(client, reviewer)
    assert (
        client.post(f"{DRAFT}/approve", headers={**reviewer, "If-Match": etag}).status_code == 200
    )
    published = client.post(f"{ADMIN_ARTICLE}/publish", headers=editor)
    assert published.status_code == 200, published.text
    return dict(published.json())


def test_editorial_story_from_draft_to_public_with_audit(
    app: Litestar,
    client: Client,
    editor_headers: Headers,
    reviewer_headers: Headers,
    admin_headers: Headers,
) -> None:
    before = public_etags(client)
    draft, etag = read_draft(client, editor_headers)
    assert (draft["state"], draft["base_revision"]) == ("draft", 1)
    assert_no_draft_in_public(app, client)

    edited = client.put(
        THERAPIES,
        headers={**with_id(editor_headers, "story-edit"), "If-Match": etag},
        json=iv_dose_changed(draft, 0.8),
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["etag"] != etag
    assert_no_draft_in_public(app, client)

    submitted = client.post(f"{DRAFT}/submit", headers=with_id(editor_headers, "story-submit"))
    assert submitted.json()["state"] == "in_review"
    assert_no_draft_in_public(app, client)

    _, review_etag = read_draft(client, reviewer_headers)
    diff = client.get(f"{DRAFT}/diff", headers=reviewer_headers).json()
    changes = [(c["section"], c["path"], c["before"], c["after"]) for c in diff["changes"]]
    assert ("therapy-types", "therapies[0].dose.max", 1.0, 0.8) in changes
    assert {path for _, path, _, _ in changes} == {"therapies[0].dose.max", "therapies[0].body"}
    approved = client.post(
        f"{DRAFT}/approve",
        headers={**with_id(reviewer_headers, "story-approve"), "If-Match": review_etag},
        json={"credentials": "MD, Psychiatry"},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert_no_draft_in_public(app, client)

    published = client.post(
        f"{ADMIN_ARTICLE}/publish", headers=with_id(editor_headers, "story-publish")
    )
    assert published.status_code == 200, published.text
    assert published.json()["revision"] == 2
    assert published.json()["sections_changed"] == ["therapy-types"]

    article = client.get(PUBLIC).json()
    assert article["revision"] == 2
    assert article["review"]["reviewed_by"] == {"name": REVIEWER, "credentials": "MD, Psychiatry"}
    iv = draft_section(article, "therapy-types")["therapies"][0]
    assert (iv["dose"]["min"], iv["dose"]["max"]) == (0.5, 0.8)
    after = public_etags(client)
    assert after[""] != before[""]
    assert after["therapy-types"] != before["therapy-types"]
    assert {k: v for k, v in after.items() if k not in {"", "therapy-types"}} == {
        k: v for k, v in before.items() if k not in {"", "therapy-types"}
    }
    # The next draft starts from the new live revision.
    assert read_draft(client, editor_headers)[0]["base_revision"] == 2

    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    steps = [(e["action"], e["actor"], e["role"], e["request_id"]) for e in audit["entries"]]
    assert steps == [
        ("section_saved", EDITOR, "editor", "story-edit"),
        ("submitted", EDITOR, "editor", "story-submit"),
        ("approved", REVIEWER, "reviewer", "story-approve"),
        ("published", EDITOR, "editor", "story-publish"),
    ]
    assert audit["entries"][-1]["revision"] == 2


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

    threads = [threading.Thread(target=write, args=(name,)) for name in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

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
        headers = people[number]
        with TestClient(apps[number]) as own:
            for write in range(writes_each):
                key = f"w{number}-{write}"
                body = {"kind": "intro", "key": key, "title": f"Writer {number}", "body": "Text."}
                for _attempt in range(100):
                    response = own.get(DRAFT, headers=headers)
                    put = own.put(
                        f"{DRAFT}/sections/{key}",
                        json=body,
                        headers={**headers, "If-Match": response.headers["etag"]},
                    )
                    with lock:
                        outcomes[put.status_code] += 1
                    if put.status_code != 412:
                        break

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(outcomes) <= {201, 412}
    assert outcomes[201] == writers * writes_each
    final, _ = read_draft(client, token_headers("Checker", "editor"))
    written = {s["key"] for s in final["sections"]} - set(SEED_KEYS)
    assert written == {f"w{n}-{w}" for n in range(writers) for w in range(writes_each)}
    assert final["version"] == 1 + writers * writes_each


def test_rollback_to_revision_one_restores_the_seed_exactly(
    client: Client, editor_headers: Headers, reviewer_headers: Headers, admin_headers: Headers
) -> None:
    approve_and_publish(client, editor_headers, reviewer_headers)

    response = client.post(
        f"{ADMIN_ARTICLE}/rollback", headers=editor_headers, json={"revision": 1}
    )
    assert response.status_code == 200, response.text
    assert response.json()["revision"] == 3

    article = client.get(PUBLIC, params={"format": "markdown"}).json()
    assert article["revision"] == 3
    assert article["sections"] == msgspec.to_builtins(SEED.sections)
    assert article["review"] == msgspec.to_builtins(SEED.review)
    assert (article["title"], article["summary"]) == (SEED.fields.title, SEED.fields.summary)

    history = client.get(f"{ADMIN_ARTICLE}/revisions", headers=editor_headers).json()
    assert [(r["number"], r["restored_from"], r["is_live"]) for r in history["revisions"]] == [
        (3, 1, True),
        (2, None, False),
        (1, None, False),
    ]
    changes = client.get("/v1/changes").json()["changes"]
    assert (changes[-1]["action"], changes[-1]["revision"]) == ("rolled_back", 3)
    assert changes[-1]["sections_changed"] == ["therapy-types"]
    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    assert audit["entries"][-1]["action"] == "rolled_back"
    assert audit["entries"][-1]["revision"] == 3
    diff = client.get(
        f"{ADMIN_ARTICLE}/revisions/3/diff", params={"against": 1}, headers=editor_headers
    ).json()
    assert diff["changes"] == []


def test_the_editor_cannot_approve_even_with_a_reviewer_token_of_their_own_name(
    client: Client,
    editor_headers: Headers,
    editor_reviewer_headers: Headers,
    reviewer_headers: Headers,
    admin_headers: Headers,
) -> None:
    draft, etag = read_draft(client, editor_headers)
    client.put(
        THERAPIES, headers={**editor_headers, "If-Match": etag}, json=iv_dose_changed(draft, 0.8)
    )
    client.post(f"{DRAFT}/submit", headers=editor_headers)
    _, etag = read_draft(client, editor_reviewer_headers)

    denied = client.post(f"{DRAFT}/approve", headers={**editor_reviewer_headers, "If-Match": etag})
    assert denied.status_code == 403
    assert EDITOR in denied.json()["detail"]
    after, etag_after = read_draft(client, reviewer_headers)
    assert (after["state"], after["review"], etag_after) == ("in_review", None, etag)

    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    assert audit["entries"][-1]["action"] == "approval_denied"
    approved = client.post(f"{DRAFT}/approve", headers={**reviewer_headers, "If-Match": etag})
    assert approved.status_code == 200


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


@pytest.mark.parametrize(
    ("url", "body", "path"),
    [
        ("/draft/approve", {"credentials": 7}, "$.credentials"),
        ("/draft/reject", {"reason": ""}, "$.reason"),
        ("/draft/reject", {}, "$"),
        ("/publish", {"at": "2030-01-01T10:00:00"}, "$.at"),
        ("/publish", {"at": "soon"}, "$.at"),
        ("/rollback", {"revision": "one"}, "$.revision"),
        ("/rollback", {"revision": 0}, "$.revision"),
        ("/rollback", {"revision": 9}, "$.revision"),
    ],
    ids=[
        "credentials-wrong-type",
        "empty-reason",
        "missing-reason",
        "at-without-offset",
        "at-not-a-time",
        "revision-wrong-type",
        "revision-zero",
        "revision-unknown",
    ],
)
def test_action_bodies_are_validated_with_field_paths(
    client: Client, admin_headers: Headers, url: str, body: Any, path: str
) -> None:
    _, etag = read_draft(client, admin_headers)
    response = client.post(
        f"{ADMIN_ARTICLE}{url}", json=body, headers={**admin_headers, "If-Match": etag}
    )
    assert response.status_code == 400, response.text
    assert path in [error["path"] for error in response.json()["errors"]]


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


def test_publish_answers_409_naming_the_state_unless_approved(
    client: Client, editor_headers: Headers
) -> None:
    response = client.post(f"{ADMIN_ARTICLE}/publish", headers=editor_headers)
    assert response.status_code == 409
    assert "`draft`" in response.json()["detail"]


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


def test_unpublish_withdraws_and_is_recorded(
    client: Client, editor_headers: Headers, admin_headers: Headers
) -> None:
    response = client.post(f"{ADMIN_ARTICLE}/unpublish", headers=editor_headers)
    assert response.status_code == 200
    assert client.get(PUBLIC).status_code == 404
    assert client.post(f"{ADMIN_ARTICLE}/unpublish", headers=editor_headers).status_code == 409
    event = client.get("/v1/changes").json()["changes"][-1]
    assert (event["action"], event["revision"]) == ("unpublished", None)
    audit = client.get("/v1/admin/audit", params={"article": SLUG}, headers=admin_headers).json()
    assert (audit["entries"][-1]["action"], audit["entries"][-1]["revision"]) == ("unpublished", 1)
    back = client.post(f"{ADMIN_ARTICLE}/rollback", headers=editor_headers, json={"revision": 1})
    assert back.status_code == 200
    assert client.get(PUBLIC).json()["revision"] == 2


def test_audit_pages_by_id_cursor_and_by_time(
    client: Client, editor_headers: Headers, admin_headers: Headers
) -> None:
    draft, etag = read_draft(client, editor_headers)
    for maximum in (0.6, 0.7, 0.8):
        etag = client.put(
            THERAPIES,
            headers={**editor_headers, "If-Match": etag},
            json=iv_dose_changed(draft, maximum),
        ).headers["etag"]
    first = client.get(
        "/v1/admin/audit", params={"article": SLUG, "limit": 2}, headers=admin_headers
    ).json()
    assert (len(first["entries"]), first["has_more"]) == (2, True)
    rest = client.get(
        "/v1/admin/audit",
        headers=admin_headers,
        params={"article": SLUG, "since": first["next_since"]},
    ).json()
    assert (len(rest["entries"]), rest["has_more"]) == (1, False)
    at = first["entries"][1]["at"]
    by_time = client.get(
        "/v1/admin/audit", headers=admin_headers, params={"article": SLUG, "since": at}
    ).json()
    assert [e["id"] for e in by_time["entries"]] == [
        first["entries"][1]["id"],
        rest["entries"][0]["id"],
    ]
    bad = client.get("/v1/admin/audit", params={"since": "yesterday"}, headers=admin_headers)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["path"] == "since"


def test_audit_cannot_be_changed_through_the_api(app: Litestar) -> None:
    audit_methods = {
        method
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith("/v1/admin/audit")
        for method in route.methods
    }
    assert audit_methods <= {"GET", "HEAD", "OPTIONS"}


def test_openapi_documents_bodies_and_problem_statuses(client: Client) -> None:
    spec = client.get("/schema/openapi.json").json()
    put = spec["paths"]["/v1/admin/articles/{slug}/draft/sections/{key}"]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/TherapyTypesSection"} in body["oneOf"]
    assert {"200", "201", "400", "401", "403", "404", "412", "413", "428"} <= set(put["responses"])
    assert put["responses"]["412"]["content"]["application/problem+json"]
    publish = spec["paths"]["/v1/admin/articles/{slug}/publish"]["post"]
    assert {"200", "202", "409"} <= set(publish["responses"])
