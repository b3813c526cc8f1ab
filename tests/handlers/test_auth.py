"""Tokens and roles: hashed storage, 401 without a valid token, 403 for the wrong role, on every
admin route the app has (the list comes from the app, so a new route cannot escape it)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from schema.admin import Role
from service.app import create_app
from service.config import Settings
from service.editorial import tokens
from service.handlers import auth
from service.store.db import ContentDB
from tests.conftest import SLUG, Headers

ALL_ROLES: tuple[Role, ...] = ("editor", "reviewer", "admin")
PATH_VALUES = {"slug": SLUG, "key": "intro", "number": "1"}


class Operation(NamedTuple):
    """One method on one admin path, and the roles its handler admits (admin always)."""

    method: str
    path: str
    roles: frozenset[Role]

    def url(self) -> str:
        """The path with its parameters filled in with values that exist."""
        return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: PATH_VALUES.get(m.group(1), "1"), self.path)


def admin_operations(app: Litestar) -> list[Operation]:
    """Every method of every route under /v1/admin, as the app registered them."""
    return sorted(
        Operation(method, route.path, frozenset({*auth.roles_of(handler), "admin"}))
        for route in app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith("/v1/admin")
        for handler in route.route_handlers
        for method in handler.http_methods
        if method not in {"OPTIONS", "HEAD"}
    )


def _collect_operations() -> list[Operation]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            Settings(content_db=Path(folder) / "routes.db", rate_limit_per_minute=None)
        )
        try:
            return admin_operations(app)
        finally:
            app.state["db"].close()


OPERATIONS = _collect_operations()


def test_the_route_list_covers_the_whole_admin_api() -> None:
    paths = {op.path for op in OPERATIONS}
    assert "/v1/admin/articles/{slug:str}/draft/approve" in paths
    assert "/v1/admin/audit" in paths
    assert len(OPERATIONS) >= 14


def test_token_is_prefixed_random_and_stored_only_as_its_hash(
    settings: Settings, app: Litestar
) -> None:
    db = ContentDB(settings.content_db)
    try:
        token = tokens.issue_token(db, "Erin Editor", "editor")
        stored = db.conn.execute("SELECT token_hash FROM tokens").fetchall()
    finally:
        db.close()
    assert re.fullmatch(r"hc_[A-Za-z0-9_-]{43}", token)
    assert stored == [(tokens.hash_token(token),)]
    assert token not in str(stored)
    assert tokens.new_token() != tokens.new_token()


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer hc_not-a-token", "bearer  "],
    ids=["missing", "empty", "no-token", "basic-scheme", "unknown-token", "blank-token"],
)
def test_anything_but_a_known_bearer_token_is_unauthorized(
    client: TestClient[Litestar], authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get(f"/v1/admin/articles/{SLUG}/draft", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/problem+json")


def test_scheme_is_case_insensitive(client: TestClient[Litestar], editor_headers: Headers) -> None:
    token = editor_headers["Authorization"].removeprefix("Bearer ")
    response = client.get(
        f"/v1/admin/articles/{SLUG}/draft", headers={"Authorization": f"bearer {token}"}
    )
    assert response.status_code == 200


def test_revoking_by_name_and_role_leaves_the_other_roles(
    settings: Settings, client: TestClient[Litestar], token_headers: Callable[[str, Role], Headers]
) -> None:
    as_editor = token_headers("Dana", "editor")
    as_reviewer = token_headers("Dana", "reviewer")
    db = ContentDB(settings.content_db)
    try:
        assert tokens.revoke_tokens(db, "Dana", "reviewer") == 1
        assert tokens.revoke_tokens(db, "Dana", "reviewer") == 0
    finally:
        db.close()
    url = f"/v1/admin/articles/{SLUG}/draft"
    assert client.get(url, headers=as_reviewer).status_code == 401
    assert client.get(url, headers=as_editor).status_code == 200


@pytest.mark.parametrize(
    "operation", OPERATIONS, ids=[f"{op.method} {op.path}" for op in OPERATIONS]
)
def test_admin_route_rejects_missing_revoked_and_wrong_role_tokens(
    settings: Settings,
    client: TestClient[Litestar],
    token_headers: Callable[[str, Role], Headers],
    operation: Operation,
) -> None:
    revoked = token_headers("Rex Revoked", "admin")
    db = ContentDB(settings.content_db)
    try:
        tokens.revoke_tokens(db, "Rex Revoked")
    finally:
        db.close()

    def call(headers: Headers) -> int:
        response = client.request(operation.method, operation.url(), headers=headers, json={})
        return response.status_code

    assert call({}) == 401
    assert call(revoked) == 401
    for role in ALL_ROLES:
        status = call(token_headers(f"Someone {role}", role))
        if role in operation.roles:
            assert status not in {401, 403}, role
        else:
            assert status == 403, role


def test_every_admin_operation_is_documented_with_the_bearer_scheme(
    client: TestClient[Litestar],
) -> None:
    spec = client.get("/schema/openapi.json").json()
    assert spec["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    for op in OPERATIONS:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", op.path)
        documented = spec["paths"][path][op.method.lower()]
        assert documented["security"] == [{"BearerToken": []}], op
        assert {"400", "401", "403"} <= set(documented["responses"]), op
        for status in ("400", "401", "403"):
            assert list(documented["responses"][status]["content"]) == [
                "application/problem+json"
            ], (op, status)
