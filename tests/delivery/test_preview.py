"""Draft preview over the real app: tokens minted, checked, revoked, expired; public shapes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.editorial import preview
from tests.api.admin.drafting import MARKER, THERAPIES, iv_dose_changed, read_draft
from tests.conftest import SLUG, Headers

Client = TestClient[Litestar]
PREVIEW = f"/v1/preview/articles/{SLUG}"
PUBLIC = f"/v1/articles/{SLUG}"


def mint(client: Client, headers: Headers, **body: Any) -> dict[str, Any]:
    """A fresh preview token's answer."""
    response = client.post("/v1/admin/preview-tokens", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def bearer(token: str) -> Headers:
    """Headers carrying a preview token."""
    return {"Authorization": f"Bearer {token}"}


def edit_draft(client: Client, editor: Headers) -> None:
    """Put the marker into the working draft's therapy section."""
    draft, etag = read_draft(client, editor)
    put = client.put(
        THERAPIES, headers={**editor, "If-Match": etag}, json=iv_dose_changed(draft, 0.9)
    )
    assert put.status_code == 200


@pytest.mark.parametrize(
    "suffix",
    [
        "",
        "?format=markdown",
        "/sections/therapy-types",
        "/render/web",
        "/render/email",
        "/render/text",
    ],
    ids=["article", "markdown", "section", "web", "email", "text"],
)
def test_preview_reads_the_draft_that_public_routes_do_not_show(
    client: Client, editor_headers: Headers, suffix: str
) -> None:
    edit_draft(client, editor_headers)
    token = mint(client, editor_headers)["token"]
    response = client.get(PREVIEW + suffix, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert MARKER in response.text
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-robots-tag"] == "noindex"
    assert "etag" not in response.headers
    public = client.get(PUBLIC + suffix)
    assert MARKER not in public.text
    assert (
        public.headers["content-type"].split(";")[0]
        == response.headers["content-type"].split(";")[0]
    )


def test_preview_of_a_never_published_article_while_public_is_404(
    client: Client, editor_headers: Headers
) -> None:
    seed = client.get(PUBLIC, params={"format": "markdown"}).json()
    body = {k: seed[k] for k in ("summary", "disclaimer")}
    created = client.post(
        "/v1/admin/articles",
        headers=editor_headers,
        json={"slug": "new-one", "title": "New one", **body, "sections": seed["sections"][:1]},
    )
    assert created.status_code == 201
    token = mint(client, editor_headers, article="new-one")["token"]
    assert client.get("/v1/articles/new-one").status_code == 404
    assert (
        client.get("/v1/preview/articles/new-one", headers=bearer(token)).json()["title"]
        == "New one"
    )
    assert client.get(PREVIEW, headers=bearer(token)).status_code == 403


def test_preview_refuses_no_token_an_api_token_revoked_and_expired(
    client: Client, editor_headers: Headers, admin_headers: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get(PREVIEW).status_code == 401
    assert client.get(PREVIEW, headers=editor_headers).status_code == 401
    minted = mint(client, editor_headers)
    assert client.get(PREVIEW, headers=bearer(minted["token"])).status_code == 200
    revoke = client.delete(f"/v1/admin/preview-tokens/{minted['id']}", headers=editor_headers)
    assert revoke.status_code == 204
    refused = client.get(PREVIEW, headers=bearer(minted["token"]))
    assert (refused.status_code, "revoked" in refused.json()["detail"]) == (401, True)
    short = mint(client, editor_headers, expires_in_seconds=60)["token"]
    later = preview.utc_now() + timedelta(seconds=61)
    monkeypatch.setattr(preview, "utc_now", lambda: later)
    expired = client.get(PREVIEW, headers=bearer(short))
    assert (expired.status_code, "expired" in expired.json()["detail"]) == (401, True)
    audit = client.get("/v1/admin/audit", headers=admin_headers).json()["entries"]
    actions = [entry["action"] for entry in audit]
    assert actions.count("preview_token_created") == 2
    assert actions.count("preview_token_revoked") == 1


def test_preview_tokens_are_stored_hashed_and_minted_by_editors_only(
    client: Client, editor_headers: Headers, reviewer_headers: Headers, app: Litestar
) -> None:
    token = mint(client, editor_headers)["token"]
    rows = app.state["db"].conn.execute("SELECT token_hash FROM preview_tokens").fetchall()
    assert token not in str(rows) and rows
    denied = client.post("/v1/admin/preview-tokens", headers=reviewer_headers, json={})
    assert denied.status_code == 403
    bad = client.post(
        "/v1/admin/preview-tokens", headers=editor_headers, json={"expires_in_seconds": 0}
    )
    assert bad.status_code == 400
    assert client.delete("/v1/admin/preview-tokens/999", headers=editor_headers).status_code == 404


def test_preview_url_follows_the_template() -> None:
    assert preview.preview_url("https://site/p/{slug}?t={token}", "a-b", "pv_x") == (
        "https://site/p/a-b?t=pv_x"
    )
    assert preview.preview_url("https://site/p/{slug}", None, "pv_x") is None
    assert preview.preview_url(None, "a", "pv_x") is None
