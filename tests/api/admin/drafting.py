"""The seed article's draft over the admin API, and the public side that must not see it."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.routes import HTTPRoute

from seed.data import load_seed_article
from tests.admin_flow import ADMIN_ARTICLE, DRAFT, put_section, submit_and_approve
from tests.conftest import ARTICLE as PUBLIC
from tests.conftest import SLUG, Client, Headers

THERAPIES = f"{DRAFT}/sections/therapy-types"
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
            continue  # the stream never ends; tests/delivery/test_stream.py covers it
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
    put_section(client, editor, iv_dose_changed(draft, maximum), etag)
    submit_and_approve(client, editor, reviewer)
    published = client.post(f"{ADMIN_ARTICLE}/publish", headers=editor)
    assert published.status_code == 200, published.text
    return dict(published.json())
