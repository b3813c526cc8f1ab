"""The web app's gatekeeping in process: sessions, CSRF on every form, roles on every action."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

from litestar import Litestar
from litestar.testing import TestClient

from schema.admin import Role
from service.config import Settings
from service.editorial import drafts
from service.editorial.actor import Actor
from service.editorial.tokens import revoke_tokens
from service.store.db import ContentDB
from tests.conftest import ADMIN, EDITOR, REVIEWER, SLUG
from tests.webapp.client import (
    ARTICLE,
    THERAPIES,
    Client,
    form_of,
    hidden_value,
    save_therapies,
    sign_in,
)


def test_pages_without_a_session_redirect_to_sign_in(client: Client) -> None:
    for path in ("/admin/", ARTICLE, THERAPIES, f"{ARTICLE}/review", "/admin/audit"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/admin/sign-in?next=")


def test_posts_without_a_session_are_forbidden(client: Client) -> None:
    for path in (f"{ARTICLE}/submit", f"{ARTICLE}/approve", THERAPIES, "/admin/sign-out"):
        assert client.post(path, data={"_csrf": "x"}).status_code == 403, path


def test_sign_in_sets_a_strict_http_only_session_cookie_scoped_to_admin(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    page = client.get("/admin/sign-in?next=/admin/audit")
    response = client.post(
        "/admin/sign-in",
        data={
            "_csrf": hidden_value(page.text, "_csrf"),
            "token": token_of(EDITOR, "editor"),
            "next": hidden_value(page.text, "next"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("hc_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain http here
    assert response.headers["location"] == "/admin/audit"


def test_sign_in_over_https_marks_the_cookie_secure(
    app: Litestar, token_of: Callable[[str, Role], str]
) -> None:
    with TestClient(app, base_url="https://testserver.local") as client:
        page = client.get("/admin/sign-in")
        response = client.post(
            "/admin/sign-in",
            data={"_csrf": hidden_value(page.text, "_csrf"), "token": token_of(EDITOR, "editor")},
            follow_redirects=False,
        )
    cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("hc_session="))
    assert "Secure" in cookie


def test_sign_in_refuses_an_unknown_token_and_a_form_without_its_csrf_pair(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    page = client.get("/admin/sign-in")
    csrf = hidden_value(page.text, "_csrf")
    unknown = client.post("/admin/sign-in", data={"_csrf": csrf, "token": "hc_nope"})
    assert unknown.status_code == 400
    assert "not known or was revoked" in unknown.text
    client.cookies.clear()
    forged = client.post(
        "/admin/sign-in", data={"_csrf": csrf, "token": token_of(EDITOR, "editor")}
    )
    assert forged.status_code == 403


def test_posts_without_the_sessions_csrf_token_are_forbidden(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    csrf = sign_in(client, token_of(EDITOR, "editor"))
    fields = form_of(client.get(THERAPIES).text)
    for token in (None, "", "forged", csrf[:-1] + ("A" if csrf[-1] != "A" else "B")):
        data = {**fields, "therapies[0].dose.max": "0.9"}
        if token is None:
            data.pop("_csrf")
        else:
            data["_csrf"] = token
        assert client.post(THERAPIES, data=data).status_code == 403
    # The header HTMX sends counts as well as the field; a wrong header is refused.
    assert client.post("/admin/preview", headers={"X-CSRF-Token": "nope"}).status_code == 403
    preview = client.post(
        "/admin/preview",
        data={"therapies[0].body": "**bold**"},
        headers={
            "X-CSRF-Token": csrf,
            "HX-Request": "true",
            "HX-Trigger-Name": "therapies[0].body",
        },
    )
    assert preview.status_code == 200
    assert preview.text == "<p><strong>bold</strong></p>\n"
    saved = client.post(THERAPIES, data=fields, follow_redirects=False)
    assert saved.status_code == 303  # with it: saved


def test_editor_sees_edit_buttons_and_no_approve_button(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    sign_in(editor, token_of(EDITOR, "editor"))
    status, _ = save_therapies(editor, **{"therapies[0].dose.max": "0.9"})
    assert status == 200 or status == 303
    page = editor.get(ARTICLE).text
    assert "Submit for review" in page
    assert f'href="{THERAPIES}"' in page
    editor_csrf = hidden_value(page, "_csrf")
    editor.post(f"{ARTICLE}/submit", data={"_csrf": editor_csrf})
    review_page = editor.get(f"{ARTICLE}/review").text
    assert "1 → 0.9 mg/kg, -10%" in review_page
    assert "/approve" not in review_page and "Approve" not in review_page

    sign_in(reviewer, token_of(REVIEWER, "reviewer"))
    reviewer_page = reviewer.get(f"{ARTICLE}/review").text
    assert f'action="{ARTICLE}/approve"' in reviewer_page
    assert "Submit for review" not in reviewer.get(ARTICLE).text


def test_a_forged_approve_from_an_editor_session_is_forbidden(
    client: Client, token_of: Callable[[str, Role], str], settings: Settings
) -> None:
    csrf = sign_in(client, token_of(EDITOR, "editor"))
    save_therapies(client, **{"therapies[0].dose.max": "0.9"})
    client.post(f"{ARTICLE}/submit", data={"_csrf": csrf})
    etag = hidden_value(client.get(ARTICLE).text, "_etag")
    forged = client.post(f"{ARTICLE}/approve", data={"_csrf": csrf, "_etag": etag})
    assert forged.status_code == 403
    assert "reviewer" in forged.text
    db = ContentDB(settings.content_db)
    try:
        assert drafts.read_draft(db, SLUG, Actor(EDITOR, "editor")).state.value == "in_review"
    finally:
        db.close()


def test_revoking_the_token_ends_its_sessions(
    client: Client, token_of: Callable[[str, Role], str], settings: Settings
) -> None:
    sign_in(client, token_of(REVIEWER, "reviewer"))
    assert client.get("/admin/", follow_redirects=False).status_code == 200
    db = ContentDB(settings.content_db)
    try:
        revoke_tokens(db, REVIEWER)
    finally:
        db.close()
    assert client.get("/admin/", follow_redirects=False).status_code == 303


def test_sign_out_clears_the_session(client: Client, token_of: Callable[[str, Role], str]) -> None:
    csrf = sign_in(client, token_of(EDITOR, "editor"))
    assert (
        client.post("/admin/sign-out", data={"_csrf": csrf}, follow_redirects=False).status_code
        == 303
    )
    assert client.get("/admin/", follow_redirects=False).status_code == 303


def test_a_tampered_session_cookie_is_no_session(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    payload, signature = client.cookies["hc_session"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["role"] == "editor"
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "role": "admin"}).encode()).decode()
    client.cookies.clear()
    client.cookies.set("hc_session", f"{forged.rstrip('=')}.{signature}", path="/admin")
    assert client.get("/admin/audit", follow_redirects=False).status_code == 303


def test_audit_log_is_for_admins_and_filters_by_article(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, admin = browsers
    sign_in(editor, token_of(EDITOR, "editor"))
    assert editor.get("/admin/audit").status_code == 403
    assert "Audit log" not in editor.get("/admin/").text
    save_therapies(editor, **{"therapies[0].dose.max": "0.9"})
    sign_in(admin, token_of(ADMIN, "admin"))
    everything = admin.get("/admin/audit").text
    assert "token created" in everything and "section saved" in everything
    filtered = admin.get("/admin/audit", params={"article": SLUG}).text
    assert "section saved" in filtered and "token created" not in filtered
