"""Signing in and out under attack: hostile ``next``, odd cookies, replayed cookies, notices."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.admin import Role
from service.app import create_app
from service.config import Settings
from service.editorial.tokens import revoke_tokens
from service.store.db import ContentDB
from service.store.sessions import sessions_path
from service.webapp.sessions import key_path
from service.webapp.signin import safe_next
from tests.conftest import EDITOR, REVIEWER
from tests.webapp.client import ARTICLE, Client, hidden_value, save_therapies, sign_in

HOSTILE_NEXT = [
    "//evil.com",
    "https://evil.com",
    "https://evil.com/admin/",
    "/\\evil.com",
    "/admin/\\evil.com",
    "\\\\evil.com",
    "javascript:alert(1)",
    "JavaScript:alert(1)//admin/",
    "data:text/html,hi",
    "evil.com",
    "/",
    "/v1/admin/tokens",
    "/administrator",
    "/admin/\r\nSet-Cookie: x=1",
    "/admin/\tx",
    "/admin/é",
    "/admin/sign-in",
    "",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT, ids=repr)
def test_safe_next_sends_anything_but_a_local_admin_path_home(target: str) -> None:
    assert safe_next(target) == "/admin/"


@pytest.mark.parametrize(
    "target", ["/admin/", "/admin/audit", f"{ARTICLE}/history?x=1", "/admin/articles/a%2Fb"]
)
def test_safe_next_keeps_a_local_admin_path(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["//evil.com", "https://evil.com", "/\\evil.com", "javascript:"])
def test_sign_in_never_redirects_off_the_app(
    client: Client, token_of: Callable[[str, Role], str], target: str
) -> None:
    page = client.get("/admin/sign-in", params={"next": target})
    assert hidden_value(page.text, "next") == "/admin/"
    response = client.post(
        "/admin/sign-in",
        data={
            "_csrf": hidden_value(page.text, "_csrf"),
            "token": token_of(EDITOR, "editor"),
            "next": target,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/"
    again = client.get("/admin/sign-in", params={"next": target}, follow_redirects=False)
    assert again.headers["location"] == "/admin/"


ODD_COOKIES = [
    "hc_session=é.abc".encode(),
    "hc_session=abc.é".encode("latin-1"),
    "hc_session=\xff\xfe.\x00".encode("latin-1"),
    b"hc_session=" + "日本".encode(),
    b'hc_session="unterminated',
    b"hc_sign_in=\xe9\xe9; hc_session=a.b.c",
]


@pytest.mark.parametrize("cookie", ODD_COOKIES, ids=repr)
@pytest.mark.parametrize("url", ["/admin/sign-in", "/admin/", ARTICLE, "/admin/static/admin.css"])
def test_an_odd_cookie_is_no_session_and_never_a_500(
    client: Client, cookie: bytes, url: str
) -> None:
    response = client.get(url, headers={"Cookie": cookie}, follow_redirects=False)  # type: ignore[dict-item]
    assert response.status_code in (200, 303), response.text
    if url == "/admin/sign-in":
        # A cookie that is not one of our tokens is replaced, never echoed back.
        csrf = hidden_value(response.text, "_csrf")
        assert csrf.isascii() and len(csrf) == 43


def test_an_odd_cookie_on_a_post_is_refused_not_a_500(client: Client) -> None:
    response = client.post(
        f"{ARTICLE}/submit", headers={"Cookie": "hc_session=é.é".encode()}, data={"_csrf": "x"}
    )  # type: ignore[arg-type]
    assert response.status_code == 403


def test_sign_out_ends_the_session_on_the_server(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    browser, other_worker = browsers
    csrf = sign_in(browser, token_of(EDITOR, "editor"))
    cookie = browser.cookies["hc_session"]
    browser.post("/admin/sign-out", data={"_csrf": csrf})
    # The same cookie, replayed (in this worker and in another), signs no one in any more.
    for client in (browser, other_worker):
        client.cookies.set("hc_session", cookie, path="/admin")
        assert client.get("/admin/", follow_redirects=False).status_code == 303
        assert client.post(f"{ARTICLE}/submit", data={"_csrf": csrf}).status_code == 403


def test_signing_out_one_browser_leaves_the_other_signed_in(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    first, second = browsers
    token = token_of(EDITOR, "editor")
    csrf = sign_in(first, token)
    sign_in(second, token)
    first.post("/admin/sign-out", data={"_csrf": csrf})
    assert second.get("/admin/", follow_redirects=False).status_code == 200


def test_a_notice_comes_from_the_server_not_the_url(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    csrf = sign_in(client, token_of(EDITOR, "editor"))
    forged = "Approved by the medical board: publish now."
    for url in (ARTICLE, f"{ARTICLE}/history"):
        page = client.get(url, params={"done": forged, "saved": forged})
        assert forged not in page.text
        assert 'class="notice ok"' not in page.text
    status, _ = save_therapies(client, **{"therapies[0].dose.max": "0.9"})
    assert status == 200
    submitted = client.post(f"{ARTICLE}/submit", data={"_csrf": csrf}, follow_redirects=False)
    assert submitted.headers["location"] == ARTICLE  # nothing to tamper with in the URL
    shown = client.get(ARTICLE).text
    assert 'role="status" id="notice" tabindex="-1" autofocus>Submitted for review.</p>' in shown
    assert "Submitted for review." not in client.get(ARTICLE).text  # shown once


def test_a_notice_waits_for_its_own_session(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    csrf = sign_in(editor, token_of(EDITOR, "editor"))
    sign_in(reviewer, token_of(REVIEWER, "reviewer"))
    save_therapies(editor, **{"therapies[0].dose.max": "0.9"})
    editor.post(f"{ARTICLE}/submit", data={"_csrf": csrf}, follow_redirects=False)
    assert "Submitted for review." not in reviewer.get(ARTICLE).text
    assert "Submitted for review." in editor.get(ARTICLE).text


def test_the_session_key_is_made_when_the_app_starts(settings: Settings) -> None:
    path = key_path(settings.content_db)
    assert not path.exists()
    app = create_app(settings)
    try:
        assert path.exists()  # before anyone signs in
        key = path.read_bytes()
    finally:
        app.state["db"].close()
    with TestClient(create_app(settings)) as client:
        page = client.get("/admin/sign-in")
        assert page.status_code == 200
    assert path.read_bytes() == key


def test_a_revoked_tokens_session_is_forgotten_on_the_server(
    app: Litestar, client: Client, token_of: Callable[[str, Role], str], settings: Settings
) -> None:
    sign_in(client, token_of(REVIEWER, "reviewer"))
    db = ContentDB(settings.content_db)
    try:
        revoke_tokens(db, REVIEWER)
    finally:
        db.close()
    assert client.get("/admin/", follow_redirects=False).status_code == 303
    with sqlite3.connect(sessions_path(settings.content_db)) as conn:
        assert conn.execute("SELECT count(*) FROM web_sessions").fetchone() == (0,)
