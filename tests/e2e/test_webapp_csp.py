"""The web app under its strict Content-Security-Policy in a real chromium: nothing refused.

The policy allows only the app's own files; a leftover inline script or style, or HTMX
reaching for eval or for its inline indicator style, would show up as a refusal in the console.
The preview frames are documents of their own and must still show each channel's render.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, expect

from tests.commands import cli_token
from tests.conftest import SLUG
from tests.e2e.test_webapp import open_therapies, signed_in


def test_pages_work_under_the_policy_with_nothing_refused(
    browser: Browser, server: str, server_db: Path
) -> None:
    refused: list[str] = []
    page = signed_in(browser, server, cli_token(server_db, "Carla Csp", "editor"))

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            refused.append(message.text)

    page.on("console", note)
    try:
        page.goto(f"{server}/admin/")
        open_therapies(page, server)
        body = page.locator("#f-therapies-0-body")
        body.fill(body.input_value() + " Now **bold**.")
        # The live Markdown preview is an HTMX request: it runs only if HTMX runs.
        expect(page.locator("#f-therapies-0-body-preview strong")).to_have_text("bold")
        for channel in ("web", "email"):
            page.goto(f"{server}/admin/articles/{SLUG}/preview?channel={channel}&show=live")
            frame = page.frame_locator(f'iframe[src*="/preview/live/{channel}"]')
            expect(frame.locator("body")).to_contain_text("Ketamine")
        page.goto(f"{server}/admin/articles/{SLUG}/history")
        expect(page.get_by_role("heading", name="History")).to_be_visible()
        assert refused == []
    finally:
        page.context.close()
