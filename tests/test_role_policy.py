"""Who may do what in the JSON admin API, written down by hand: (route x role) -> status.

The expected statuses come from the contract (docs/API: editors edit, submit and publish;
reviewers approve and reject; admins do everything, and alone see the audit log and webhooks),
never from the handlers' own role lists, so a handler that admits the wrong role fails here.
Each request is one the allowed roles can carry out, in a state set up for it, so a status
also says that the action went through.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import msgspec
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from schema.admin import Role
from tests.conftest import ADMIN, EDITOR, REVIEWER, SLUG, Headers

Client = TestClient[Litestar]
A = f"/v1/admin/articles/{SLUG}"
HOOKS = "/v1/admin/webhooks"
WHO: dict[str, tuple[str, Role] | None] = {
    "none": None,
    "editor": ("Eddie Table", "editor"),
    "reviewer": ("Rosa Table", "reviewer"),
    "admin": ("Alma Table", "admin"),
}
PROFILE = {
    "name": "Pat Profile",
    "credentials": "MD, Psychiatry",
    "registering_body": "GMC",
    "registration_number": "7000009",
    "registration_expires": "2099-01-01",
}
NEW_ARTICLE = {
    "slug": "role-table-article",
    "title": "Role table",
    "summary": "An article made by the role table.",
    "disclaimer": "Not medical advice.",
}


class Rule(NamedTuple):
    """One route, the state it is tried in, its body, and the status for each caller."""

    method: str
    route: str  # as the app registers it
    state: str  # live | edited | in_review | approved | two_revisions | webhook | profile | preview
    body: Any
    none: int
    editor: int
    reviewer: int
    admin: int


# A hand-written table: its rows are alike by design (route, state, body, then each role's status).
# fmt: off
RULES = [
    Rule("POST", "/v1/admin/articles", "live", NEW_ARTICLE,               401, 201, 403, 201),
    Rule("GET", "/v1/admin/articles/{slug:str}/draft", "live", None,      401, 200, 200, 200),
    Rule("PATCH", "/v1/admin/articles/{slug:str}/draft", "live", {"title": "Retitled"},
                                                                          401, 200, 403, 200),
    Rule("PUT", "/v1/admin/articles/{slug:str}/draft/sections/{key:str}", "live", "intro",
                                                                          401, 200, 403, 200),
    Rule("DELETE", "/v1/admin/articles/{slug:str}/draft/sections/{key:str}", "live", None,
                                                                          401, 200, 403, 200),
    Rule("GET", "/v1/admin/articles/{slug:str}/draft/diff", "edited", None,
                                                                          401, 200, 200, 200),
    Rule("POST", "/v1/admin/articles/{slug:str}/draft/submit", "edited", None,
                                                                          401, 200, 403, 200),
    Rule("POST", "/v1/admin/articles/{slug:str}/draft/approve", "in_review", {},
                                                                          401, 403, 200, 200),
    Rule("POST", "/v1/admin/articles/{slug:str}/draft/reject", "in_review", {"reason": "Cite it."},
                                                                          401, 403, 200, 200),
    Rule("POST", "/v1/admin/articles/{slug:str}/publish", "approved", {},
                                                                          401, 200, 403, 200),
    Rule("POST", "/v1/admin/articles/{slug:str}/unpublish", "live", None,
                                                                          401, 200, 403, 200),
    Rule("POST", "/v1/admin/articles/{slug:str}/rollback", "two_revisions", {"revision": 1},
                                                                          401, 200, 403, 200),
    Rule("POST", "/v1/admin/articles/{slug:str}/republish", "unpublished", None,
                                                                          401, 200, 403, 200),
    Rule("DELETE", "/v1/admin/articles/{slug:str}/schedule", "scheduled", None,
                                                                          401, 200, 403, 200),
    Rule("GET", "/v1/admin/articles/{slug:str}/revisions", "live", None,  401, 200, 200, 200),
    Rule("GET", "/v1/admin/articles/{slug:str}/revisions/{number:int}", "live", None,
                                                                          401, 200, 200, 200),
    Rule("GET", "/v1/admin/articles/{slug:str}/revisions/{number:int}/diff", "live", None,
                                                                          401, 200, 200, 200),
    Rule("GET", "/v1/admin/audit", "live", None,                          401, 403, 403, 200),
    Rule("GET", "/v1/admin/webhooks", "live", None,                       401, 403, 403, 200),
    Rule("POST", "/v1/admin/webhooks", "live", {"url": "http://127.0.0.1:9/role-table"},
                                                                          401, 403, 403, 201),
    Rule("GET", "/v1/admin/webhooks/{webhook_id:int}", "webhook", None,   401, 403, 403, 200),
    Rule("PATCH", "/v1/admin/webhooks/{webhook_id:int}", "webhook", {"description": "renamed"},
                                                                          401, 403, 403, 200),
    Rule("DELETE", "/v1/admin/webhooks/{webhook_id:int}", "webhook", None,
                                                                          401, 403, 403, 204),
    Rule("GET", "/v1/admin/webhooks/{webhook_id:int}/deliveries", "webhook", None,
                                                                          401, 403, 403, 200),
    Rule("POST", "/v1/admin/webhooks/{webhook_id:int}/rotate-secret", "webhook", {},
                                                                          401, 403, 403, 200),
    # Reviewer profiles: admins keep them; editors and reviewers may read them and the queue.
    Rule("POST", "/v1/admin/reviewers", "live", PROFILE,                  401, 403, 403, 201),
    Rule("GET", "/v1/admin/reviewers", "live", None,                      401, 200, 200, 200),
    Rule("GET", "/v1/admin/reviewers/{reviewer_id:int}", "profile", None, 401, 200, 200, 200),
    Rule("PATCH", "/v1/admin/reviewers/{reviewer_id:int}", "profile", {"credentials": "MBBS"},
                                                                          401, 403, 403, 200),
    Rule("DELETE", "/v1/admin/reviewers/{reviewer_id:int}", "profile", None,
                                                                          401, 403, 403, 204),
    Rule("GET", "/v1/admin/reviews", "live", None,                        401, 200, 200, 200),
    # Draft previews: editors (and admins) mint and revoke them.
    Rule("POST", "/v1/admin/preview-tokens", "live", {"article": SLUG},   401, 201, 403, 201),
    Rule("DELETE", "/v1/admin/preview-tokens/{token_id:int}", "preview", None,
                                                                          401, 204, 403, 204),
    # No such delivery: the admin gets as far as looking it up.
    Rule("POST", "/v1/admin/webhooks/{webhook_id:int}/deliveries/{delivery_id:int}/retry",
         "webhook", None,                                                 401, 403, 403, 404),
]
# fmt: on
# Draft writes and approvals carry the draft's current ETag (read by someone who may read it).
NEEDS_IF_MATCH = {
    ("PATCH", "draft"),
    ("PUT", "{key:str}"),
    ("DELETE", "{key:str}"),
    ("POST", "approve"),
}
CASES = [(rule, who) for rule in RULES for who in WHO]


def _etag(client: Client, headers: Headers) -> str:
    response = client.get(f"{A}/draft", headers=headers)
    assert response.status_code == 200, response.text
    return str(response.headers["etag"])


def _edit(client: Client, headers: Headers) -> None:
    draft = client.get(f"{A}/draft", headers=headers).json()
    response = client.patch(
        f"{A}/draft",
        json={"title": draft["fields"]["title"] + " (edited)"},
        headers={**headers, "If-Match": _etag(client, headers)},
    )
    assert response.status_code == 200, response.text


def _ok(response: Any) -> None:
    assert response.status_code < 300, response.text


def set_up(
    client: Client, state: str, editor: Headers, reviewer: Headers, admin: Headers
) -> dict[str, str]:
    """Bring the seeded article (and webhooks) into the state a rule is tried in."""
    values = {"slug": SLUG, "key": "intro", "number": "1", "delivery_id": "999999"}
    if state in ("edited", "in_review", "approved", "two_revisions", "scheduled"):
        _edit(client, editor)
    if state in ("in_review", "approved", "two_revisions", "scheduled"):
        _ok(client.post(f"{A}/draft/submit", headers=editor))
    if state in ("approved", "two_revisions", "scheduled"):
        etag = _etag(client, reviewer)
        _ok(client.post(f"{A}/draft/approve", json={}, headers={**reviewer, "If-Match": etag}))
    if state == "two_revisions":
        _ok(client.post(f"{A}/publish", json={}, headers=editor))
    if state == "scheduled":
        later = {"at": "2999-01-01T07:00:00+00:00"}
        assert client.post(f"{A}/publish", json=later, headers=editor).status_code == 202
    if state == "unpublished":
        _ok(client.post(f"{A}/unpublish", headers=editor))
    if state == "webhook":
        created = client.post(HOOKS, json={"url": "http://127.0.0.1:9/x"}, headers=admin)
        assert created.status_code == 201, created.text
        values["webhook_id"] = str(created.json()["id"])
    if state == "profile":
        created = client.post("/v1/admin/reviewers", json=PROFILE, headers=admin)
        assert created.status_code == 201, created.text
        values["reviewer_id"] = str(created.json()["id"])
    if state == "preview":
        created = client.post("/v1/admin/preview-tokens", json={"article": SLUG}, headers=editor)
        assert created.status_code == 201, created.text
        values["token_id"] = str(created.json()["id"])
    return values


def _body(client: Client, rule: Rule, headers: Headers) -> Any:
    if rule.body == "intro":
        draft = client.get(f"{A}/draft", headers=headers).json()
        section = next(s for s in draft["sections"] if s["key"] == "intro")
        return {**section, "title": section["title"] + " (edited)"}
    return rule.body


@pytest.mark.parametrize(
    ("rule", "who"), CASES, ids=[f"{r.method} {r.route} as {who}" for r, who in CASES]
)
def test_each_role_gets_the_written_status(
    client: Client,
    token_headers: Callable[[str, Role], Headers],
    rule: Rule,
    who: str,
) -> None:
    setup_editor = token_headers(EDITOR, "editor")
    setup = (setup_editor, token_headers(REVIEWER, "reviewer"), token_headers(ADMIN, "admin"))
    values = set_up(client, rule.state, *setup)
    caller = WHO[who]
    headers: Headers = {} if caller is None else token_headers(*caller)
    if (rule.method, rule.route.rsplit("/", 1)[-1]) in NEEDS_IF_MATCH:
        headers = {**headers, "If-Match": _etag(client, setup_editor)}
    url = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], rule.route)
    body = _body(client, rule, setup_editor)
    content = None if body is None else msgspec.json.encode(body)
    if content is not None:
        headers = {**headers, "Content-Type": "application/json"}
    response = client.request(rule.method, url, content=content, headers=headers)
    expected = getattr(rule, who)
    assert response.status_code == expected, response.text


def registered_routes(app: Litestar, prefix: str) -> set[tuple[str, str]]:
    """Every (method, route template) the app serves under ``prefix``, but OPTIONS and HEAD."""
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith(prefix)
        for handler in route.route_handlers
        for method in handler.http_methods
        if method not in {"OPTIONS", "HEAD"}
    }


def test_the_table_names_every_admin_route_and_method(app: Litestar) -> None:
    assert {(rule.method, rule.route) for rule in RULES} == registered_routes(app, "/v1/admin")
