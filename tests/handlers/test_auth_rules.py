"""Token rules in detail: what a 401 says, what listing shows, what revoking audits.

Written to kill the mutants `make mutants` found surviving in the auth code (docs/testing.md).
"""

from __future__ import annotations

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from service.config import Settings
from service.editorial import history
from service.editorial import tokens as auth
from service.errors import FieldError, InvalidInput, Unauthorized
from service.handlers import auth as guards
from service.store.db import ContentDB
from tests.conftest import SLUG


def _last_audit(db: ContentDB) -> tuple[str, str, str | None, str]:
    entry = history.read_audit(db, article=None, since=None, limit=500).entries[-1]
    return (entry.actor, entry.action, entry.article, entry.detail)


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "Send `Authorization: Bearer <token>`; make one with `make token`."),
        ("Basic abc", "Send `Authorization: Bearer <token>`; make one with `make token`."),
        ("Bearer hc_unknown", "The token is not known."),
    ],
    ids=["missing", "other-scheme", "unknown"],
)
def test_a_refused_token_says_why_and_challenges(
    db: ContentDB, header: str | None, detail: str
) -> None:
    with pytest.raises(Unauthorized) as refused:
        auth.authenticate(db, header)
    assert refused.value.detail == detail
    assert refused.value.headers == {"WWW-Authenticate": 'Bearer realm="admin"'}


def test_a_revoked_token_is_refused_as_revoked(db: ContentDB) -> None:
    token = auth.issue_token(db, "Dana", "editor")
    principal = auth.authenticate(db, f"Bearer {token}")
    assert (principal.name, principal.role) == ("Dana", "editor")
    auth.revoke_tokens(db, "Dana")
    with pytest.raises(Unauthorized) as refused:
        auth.authenticate(db, f"Bearer {token}")
    assert refused.value.detail == "The token was revoked."


def test_issuing_a_token_is_audited_and_refuses_unknown_roles_and_bad_names(
    db: ContentDB,
) -> None:
    auth.issue_token(db, "Dana", "reviewer")
    [info] = auth.list_tokens(db)
    assert _last_audit(db) == (
        "cli",
        "token_created",
        None,
        f"token {info.id} for Dana as reviewer",
    )
    with pytest.raises(InvalidInput) as role:
        auth.issue_token(db, "Dana", "owner")  # type: ignore[arg-type]
    assert role.value.detail == "'owner' is not a role; use one of editor, reviewer, admin."
    assert role.value.errors == (FieldError("role", "unknown role"),)
    for name in ("", " Dana", "Dana ", "Da\nna", "x" * 101):
        with pytest.raises(InvalidInput) as bad:
            auth.issue_token(db, name, "editor")
        assert bad.value.errors == (
            FieldError("name", "1 to 100 characters without surrounding spaces"),
        )
    assert auth.check_name("x" * 100) == "x" * 100


def test_listing_hides_revoked_tokens_unless_asked(db: ContentDB) -> None:
    auth.issue_token(db, "Dana", "editor")
    auth.issue_token(db, "Dana", "reviewer")
    auth.revoke_tokens(db, "Dana", "reviewer")
    assert [(t.name, t.role) for t in auth.list_tokens(db)] == [("Dana", "editor")]
    everything = auth.list_tokens(db, include_revoked=True)
    assert [(t.role, t.revoked_at is None) for t in everything] == [
        ("editor", True),
        ("reviewer", False),
    ]


def test_revoking_audits_how_many_of_whom_and_which_role(db: ContentDB) -> None:
    for role in ("editor", "editor", "reviewer"):
        auth.issue_token(db, "Dana", role)  # type: ignore[arg-type]
    assert auth.revoke_tokens(db, "Dana", "reviewer") == 1
    assert _last_audit(db) == ("cli", "tokens_revoked", None, "1 token(s) of Dana as reviewer")
    assert auth.revoke_tokens(db, "Dana") == 2
    assert _last_audit(db) == ("cli", "tokens_revoked", None, "2 token(s) of Dana")
    assert auth.revoke_tokens(db, "Dana") == 0
    assert _last_audit(db)[3] == "2 token(s) of Dana"  # nothing revoked, nothing audited


def test_a_handler_naming_no_roles_admits_only_admins() -> None:
    @get("/unlisted", sync_to_thread=False)
    def unlisted() -> None:
        """A route someone forgot to give roles."""

    @get("/listed", opt={"roles": guards.EDITORS}, sync_to_thread=False)
    def listed() -> None:
        """A route for editors."""

    assert guards.roles_of(unlisted) == ()
    assert guards.roles_of(listed) == ("editor",)


def test_the_audit_row_carries_the_request_id_of_the_admin_request(
    client: TestClient[Litestar], editor_headers: dict[str, str], settings: Settings
) -> None:
    draft = client.get(f"/v1/admin/articles/{SLUG}/draft", headers=editor_headers)
    response = client.patch(
        f"/v1/admin/articles/{SLUG}/draft",
        json={"title": "With a request id"},
        headers={**editor_headers, "If-Match": draft.headers["etag"], "X-Request-ID": "req-abc123"},
    )
    assert response.status_code == 200, response.text
    db = ContentDB(settings.content_db)
    try:
        entry = history.read_audit(db, article=SLUG, since=None, limit=500).entries[-1]
    finally:
        db.close()
    assert (entry.actor, entry.role, entry.action) == ("Erin Editor", "editor", "draft_patched")
    assert entry.request_id == "req-abc123"


def test_a_wrong_role_is_told_which_roles_would_do(
    client: TestClient[Litestar], editor_headers: dict[str, str], reviewer_headers: dict[str, str]
) -> None:
    audit = client.get("/v1/admin/audit", headers=editor_headers)
    assert audit.status_code == 403
    assert audit.json()["detail"] == (
        "This needs the role `admin`; the token of Erin Editor has `editor`."
    )
    publish = client.post(f"/v1/admin/articles/{SLUG}/publish", json={}, headers=reviewer_headers)
    assert publish.json()["detail"] == (
        "This needs the role `editor` or `admin`; the token of Rita Reviewer has `reviewer`."
    )


def test_names_may_hold_any_letters_but_no_line_breaks(db: ContentDB) -> None:
    assert auth.check_name("Xavier X") == "Xavier X"
    with pytest.raises(InvalidInput) as bad:
        auth.check_name("Da\tna")
    assert bad.value.detail == (
        "'Da\\tna' is not a usable name: 1 to 100 characters, no leading or trailing spaces."
    )
