"""The web app's response headers: a strict policy, no framing, no CORS, one Cache-Control."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from schema.admin import Role
from service.webapp.headers import CSP, FRAME_CSP
from tests.conftest import EDITOR
from tests.webapp.client import ARTICLE, Client, sign_in

SIGNED_IN_PAGES = [
    "/admin/",
    ARTICLE,
    f"{ARTICLE}/preview",
    f"{ARTICLE}/review",
    f"{ARTICLE}/history",
    f"{ARTICLE}/history/1",
    f"{ARTICLE}/fields",
    f"{ARTICLE}/sections/therapy-types",
    "/admin/articles/no-such-article",
    "/admin/audit",  # 403 for an editor: an error page
]
ORIGIN = {"Origin": "https://evil.example"}


def _assert_page_headers(headers: httpx.Headers, url: str) -> None:
    assert headers.get_list("content-security-policy") == [CSP], url
    assert headers.get_list("cache-control") == ["no-store"], url
    assert headers.get("x-frame-options") == "DENY", url
    assert headers.get("referrer-policy") == "same-origin", url
    assert not [n for n in headers if n.lower().startswith("access-control-")], url


def test_the_policy_is_the_strict_one() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe" not in CSP


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_every_signed_in_page_carries_the_policy_and_no_cors(
    client: Client, token_of: Callable[[str, Role], str], url: str
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    response = client.get(url, headers=ORIGIN, follow_redirects=False)
    assert response.status_code == (404 if "no-such" in url else 403 if "audit" in url else 200)
    _assert_page_headers(response.headers, url)


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", "/admin/sign-in"), ("GET", "/admin/"), ("POST", f"{ARTICLE}/submit")],
    ids=["sign-in-form", "redirect-to-sign-in", "refused-post"],
)
def test_pages_without_a_session_carry_the_policy_too(
    client: Client, method: str, url: str
) -> None:
    response = client.request(method, url, headers=ORIGIN, follow_redirects=False)
    _assert_page_headers(response.headers, url)


def test_a_preflight_to_the_web_app_allows_no_origin(client: Client) -> None:
    response = client.options(
        "/admin/sign-in", headers={**ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert not [n for n in response.headers if n.lower().startswith("access-control-")]


def test_static_files_keep_their_own_cache_lifetime(client: Client) -> None:
    response = client.get("/admin/static/admin.css", headers=ORIGIN)
    assert response.status_code == 200
    assert response.headers.get_list("cache-control") == ["max-age=3600"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert not [n for n in response.headers if n.lower().startswith("access-control-")]


def test_public_reads_stay_open_to_every_origin(client: Client) -> None:
    response = client.get("/v1/articles/ketamine-therapy-for-anxiety", headers=ORIGIN)
    assert response.headers["access-control-allow-origin"] == "*"


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=", re.I),
    re.compile(r"\son[a-z]+=", re.I),  # event handler attributes
    re.compile(r"\shx-on", re.I),  # HTMX inline handlers need eval
    re.compile(r"javascript:", re.I),
    re.compile(r"srcdoc=", re.I),  # a srcdoc frame inherits this page's policy
]


@pytest.mark.parametrize("url", ["/admin/sign-in", *SIGNED_IN_PAGES])
def test_no_page_has_inline_script_or_style(
    client: Client, token_of: Callable[[str, Role], str], url: str
) -> None:
    if url != "/admin/sign-in":
        sign_in(client, token_of(EDITOR, "editor"))
    text = client.get(url).text
    for pattern in INLINE:
        assert not pattern.search(text), f"{pattern.pattern} in {url}"


@pytest.mark.parametrize("which", ["draft", "live"])
@pytest.mark.parametrize("channel", ["web", "email"])
def test_preview_frames_are_sandboxed_documents_only_this_site_may_frame(
    client: Client, token_of: Callable[[str, Role], str], which: str, channel: str
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    response = client.get(f"{ARTICLE}/preview/{which}/{channel}")
    assert response.status_code == 200
    assert "Ketamine" in response.text
    assert response.headers.get_list("content-security-policy") == [FRAME_CSP]
    assert "sandbox" in FRAME_CSP and "script" not in FRAME_CSP
    assert "default-src 'none'" in FRAME_CSP
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers.get_list("cache-control") == ["no-store"]
    preview = client.get(f"{ARTICLE}/preview?channel={channel}&show={which}").text
    assert f'src="{ARTICLE}/preview/{which}/{channel}"' in preview


def test_a_preview_frame_of_nothing_is_not_found(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    assert client.get(f"{ARTICLE}/preview/other/web").status_code == 404
    assert client.get(f"{ARTICLE}/preview/draft/text").status_code == 404
