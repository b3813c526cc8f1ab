"""Screenshots of the web app for the docs: ``make screenshots``.

Starts a real server over a fresh seeded database, drives Debian's chromium through an edit,
a review and the previews, and writes PNGs to docs/screenshots/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from tests.commands import cli_token
from tests.conftest import ROOT
from tests.e2e.conftest import CHROMIUM, launch_chromium, running_server
from tests.e2e.test_webapp import ARTICLE_TITLE

OUT = ROOT / "docs" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def sign_in(browser: Browser, server: str, token: str, viewport: ViewportSize) -> Page:
    """A new signed-in browser context of the given size."""
    page = browser.new_context(viewport=viewport, device_scale_factor=1).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server}/admin/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
    return page


def shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Write one PNG and say so."""
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"wrote {path.relative_to(ROOT)}")


def take(browser: Browser, server: str, database: Path) -> None:
    """Edit, submit, review and preview, photographing each page on the way."""
    editor = sign_in(browser, server, cli_token(database, "Erin Editor", "editor"), DESKTOP)
    editor.get_by_role("link", name=ARTICLE_TITLE).click()
    editor.locator("#edit-therapy-types").click()
    editor.locator("#f-therapies-0-dose-min").fill("2")
    editor.locator("#f-therapies-0-dose-max").fill("1")
    editor.get_by_role("button", name="Save section").click()
    expect(editor.locator("#f-therapies-0-dose-error")).to_be_visible()
    editor.evaluate("document.querySelector('#f-therapies-0').scrollIntoView()")
    shoot(editor, "editor")
    editor.locator("#f-therapies-0-dose-min").fill("0.4")
    editor.locator("#f-therapies-0-dose-max").fill("0.9")
    editor.get_by_role("button", name="Save section").click()
    expect(editor.locator(".notice.ok")).to_be_visible()
    editor.goto(f"{server}/admin/articles/ketamine-therapy-for-anxiety")
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator("#state")).to_have_text("in review")
    editor.goto(f"{server}/admin/")
    shoot(editor, "articles")

    reviewer = sign_in(browser, server, cli_token(database, "Rita Reviewer", "reviewer"), DESKTOP)
    reviewer.goto(f"{server}/admin/articles/ketamine-therapy-for-anxiety/review")
    shoot(reviewer, "review-diff", full_page=True)
    reviewer.goto(f"{server}/admin/articles/ketamine-therapy-for-anxiety/preview")
    shoot(reviewer, "preview", full_page=True)

    phone = sign_in(browser, server, cli_token(database, "Pat Phone", "editor"), PHONE)
    shoot(phone, "articles-phone")


def main() -> int:
    """Run the server and the browser, write the screenshots."""
    if not CHROMIUM.exists():
        print("Debian's chromium is missing: run `make browser`", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as folder:
        database = Path(folder) / "content.db"
        with running_server(database) as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                take(browser, server, database)
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
