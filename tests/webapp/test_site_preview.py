"""The article page's "Open preview on the site": editors and admins, only with a template."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from litestar.testing import TestClient

from schema.admin import Role
from service.app import create_app
from service.config import Settings
from tests.conftest import ADMIN, EDITOR, REVIEWER, SLUG, Headers
from tests.webapp.client import ARTICLE, Client, sign_in

TEMPLATE = "https://www.example.com/preview/{slug}?token={token}"
BUTTON = "Open preview on the site"
SITE_PREVIEW = f"{ARTICLE}/site-preview"


@pytest.fixture
def site_client(settings: Settings) -> Iterator[Client]:
    """The app with PREVIEW_URL_TEMPLATE set."""
    with TestClient(create_app(replace(settings, preview_url_template=TEMPLATE))) as client:
        yield client


def minted_link(page: str) -> str:
    """The href of the page's site-preview link."""
    found = re.search(r'id="site-preview-link" href="([^"]+)"', page)
    assert found is not None, page
    return html.unescape(found.group(1))


@pytest.mark.parametrize(("name", "role"), [(EDITOR, "editor"), (ADMIN, "admin")])
def test_an_editor_opens_the_draft_on_the_site_with_a_fresh_token(
    site_client: Client,
    token_of: Callable[[str, Role], str],
    admin_headers: Headers,
    name: str,
    role: Role,
) -> None:
    csrf = sign_in(site_client, token_of(name, role))
    assert BUTTON in site_client.get(ARTICLE).text
    before = datetime.now(UTC)
    answer = site_client.post(SITE_PREVIEW, data={"_csrf": csrf})
    assert answer.status_code == 200, answer.text
    link = minted_link(answer.text)
    prefix = f"https://www.example.com/preview/{SLUG}?token="
    assert link.startswith(prefix + "pv_")
    token = link.removeprefix(prefix)
    draft = site_client.get(
        f"/v1/preview/articles/{SLUG}", headers={"Authorization": f"Bearer {token}"}
    )
    assert draft.status_code == 200
    audit = site_client.get("/v1/admin/audit", headers=admin_headers).json()["entries"]
    created = [entry for entry in audit if entry["action"] == "preview_token_created"]
    assert [(entry["actor"], entry["article"]) for entry in created] == [(name, SLUG)]
    # For this article, for one hour: the page says until when.
    until = re.search(r"works until (?:<time [^>]*>)?(\d{4}-\d\d-\d\d \d\d:\d\d) UTC", answer.text)
    assert until is not None
    expires = datetime.strptime(until.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert before + timedelta(minutes=58) <= expires <= before + timedelta(minutes=61)


def test_each_press_mints_another_token(
    site_client: Client, token_of: Callable[[str, Role], str]
) -> None:
    csrf = sign_in(site_client, token_of(EDITOR, "editor"))
    links = {minted_link(site_client.post(SITE_PREVIEW, data={"_csrf": csrf}).text)}
    links.add(minted_link(site_client.post(SITE_PREVIEW, data={"_csrf": csrf}).text))
    assert len(links) == 2


def test_a_reviewer_gets_no_button_and_may_not_mint(
    site_client: Client, token_of: Callable[[str, Role], str]
) -> None:
    csrf = sign_in(site_client, token_of(REVIEWER, "reviewer"))
    page = site_client.get(ARTICLE)
    assert page.status_code == 200 and BUTTON not in page.text
    assert site_client.post(SITE_PREVIEW, data={"_csrf": csrf}).status_code == 403


def test_a_post_without_the_session_csrf_token_mints_nothing(
    site_client: Client, token_of: Callable[[str, Role], str], admin_headers: Headers
) -> None:
    sign_in(site_client, token_of(EDITOR, "editor"))
    assert site_client.post(SITE_PREVIEW, data={"_csrf": "forged"}).status_code == 403
    audit = site_client.get("/v1/admin/audit", headers=admin_headers).json()["entries"]
    assert "preview_token_created" not in [entry["action"] for entry in audit]


def test_without_a_template_there_is_no_button_and_no_site_preview(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    csrf = sign_in(client, token_of(EDITOR, "editor"))
    page = client.get(ARTICLE)
    assert page.status_code == 200 and BUTTON not in page.text
    assert client.post(SITE_PREVIEW, data={"_csrf": csrf}).status_code == 404
