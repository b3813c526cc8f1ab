"""The record over HTTP: the audit log pages by id and time, and cannot be changed."""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.api.admin.drafting import THERAPIES, iv_dose_changed, read_draft
from tests.conftest import SLUG, Client, Headers


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
