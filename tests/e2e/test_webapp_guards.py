"""Guarded public actions in Debian's chromium against a real server process.

Unpublish and Roll back ask first and say what readers will see (the public API is untouched
until the confirmation); Republish brings an unpublished article back; a schedule in the past
is refused; times show in the browser's zone beside UTC, and the schedule field is read in it;
Cancel schedule works, and the article's badge and the list agree.
"""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.admin_flow import approve_iv_maximum, publish
from tests.commands import cli_token
from tests.conftest import SLUG
from tests.e2e.conftest import http_get, running_server
from tests.e2e.test_webapp import ARTICLE_TITLE, TIMEOUT_MS
from tests.tokens import bearer

PUBLIC = f"/v1/articles/{SLUG}"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server of its own over a fresh seeded database."""
    database = tmp_path / "content.db"
    with running_server(database) as base_url:
        yield base_url, database


def signed_in(browser: Browser, server: str, token: str, zone: str = "UTC") -> Page:
    """A browser context in time zone ``zone``, signed in, on the article page."""
    context = browser.new_context(timezone_id=zone)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{server}/admin/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_label("API token").press("Enter")
    page.get_by_role("link", name=ARTICLE_TITLE).click()
    return page


def public_status(server: str) -> int:
    """The public API's status for the article."""
    try:
        http_get(f"{server}{PUBLIC}")
    except urllib.error.HTTPError as error:
        return error.code
    return 200


def test_unpublish_asks_first_republish_brings_it_back_and_rollback_asks_too(
    browser: Browser, fresh: tuple[str, Path]
) -> None:
    server, database = fresh
    editor_token = cli_token(database, "Erin Editor", "editor")
    reviewer_token = cli_token(database, "Rita Reviewer", "reviewer")
    with httpx.Client(base_url=server) as client:  # revision 2 differs from revision 1
        approve_iv_maximum(client, bearer(editor_token), bearer(reviewer_token))
        publish(client, bearer(editor_token))
    page = signed_in(browser, server, editor_token)
    try:
        page.get_by_role("link", name="Unpublish").click()
        expect(page.locator("#consequence")).to_contain_text("Readers will no longer see")
        assert public_status(server) == 200  # the first click changed nothing

        page.get_by_role("button", name="Yes, unpublish").click()
        expect(page.locator(".notice.ok")).to_contain_text("Unpublished")
        assert public_status(server) == 404
        expect(page.locator("#state")).to_have_text("not published")

        page.get_by_role("button", name="Republish").click()
        expect(page.locator(".notice.ok")).to_contain_text("Republished")
        assert http_get(f"{server}{PUBLIC}")["revision"] == 3
        expect(page.get_by_role("button", name="Republish")).to_have_count(0)

        page.get_by_role("link", name="History").click()
        page.get_by_role("button", name="Roll back to 1").click()
        consequence = page.locator("#consequence")
        expect(consequence).to_contain_text("Readers will see revision 1")
        expect(consequence).to_contain_text("changes in: Types of Ketamine Therapy and Dosing.")
        assert http_get(f"{server}{PUBLIC}")["revision"] == 3
        page.get_by_role("button", name="Yes, roll back to revision 1").click()
        expect(page.locator(".notice.ok")).to_contain_text("live again as revision 4")
        assert http_get(f"{server}{PUBLIC}")["revision"] == 4
    finally:
        page.context.close()


def test_a_past_schedule_is_refused_and_a_cancelled_one_leaves_it_approved(
    browser: Browser, fresh: tuple[str, Path]
) -> None:
    server, database = fresh
    editor_token = cli_token(database, "Erin Editor", "editor")
    reviewer_token = cli_token(database, "Rita Reviewer", "reviewer")
    with httpx.Client(base_url=server) as client:
        approve_iv_maximum(client, bearer(editor_token), bearer(reviewer_token))
    page = signed_in(browser, server, editor_token, zone="Europe/Berlin")
    try:
        expect(page.get_by_label("Publish at (your time, Europe/Berlin)")).to_be_visible()
        page.locator("#publish-at").fill("2020-01-01T10:00")
        page.get_by_role("button", name="Schedule").click()
        expect(page.get_by_role("alert")).to_contain_text("in the past")
        assert http_get(f"{server}{PUBLIC}")["revision"] == 1  # not published at once

        page.go_back()
        page.reload()
        page.locator("#publish-at").fill("2999-01-02T09:00")  # Berlin in winter: UTC+1
        page.get_by_role("button", name="Schedule").click()
        expect(page.locator(".notice.ok")).to_have_text("Scheduled for 2999-01-02 08:00 UTC.")
        expect(page.locator("#state")).to_have_text("scheduled")
        scheduled = page.locator("dt:text-is('Scheduled') + dd")
        expect(scheduled).to_contain_text("2999-01-02 08:00 UTC")
        expect(scheduled).to_contain_text("09:00")
        expect(scheduled).to_contain_text("your time")
        page.get_by_role("link", name="Articles").first.click()
        row = page.locator("tr", has=page.get_by_role("link", name=ARTICLE_TITLE))
        expect(row.locator(".badge")).to_have_text("scheduled")

        row.get_by_role("link", name=ARTICLE_TITLE).click()
        page.get_by_role("button", name="Cancel schedule").click()
        expect(page.locator(".notice.ok")).to_contain_text("Schedule cancelled")
        expect(page.locator("#state")).to_have_text("approved")
        page.get_by_role("link", name="Articles").first.click()
        expect(row.locator(".badge")).to_have_text("approved")
    finally:
        page.context.close()
    draft = http_get(f"{server}/v1/admin/articles/{SLUG}/draft", token=editor_token)
    assert (draft["state"], draft["scheduled_at"]) == ("approved", None)
