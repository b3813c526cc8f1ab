"""The editors' web app in Debian's chromium against a real server process.

One editor fixes a dose range (seeing the validation error first), a reviewer approves the
change seen in the diff, the editor publishes, and the public web render shows it; two editors
saving the same section find that the second save is refused and shown as a conflict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.commands import cli_token
from tests.conftest import SLUG
from tests.e2e.conftest import http_get

ARTICLE_TITLE = "Ketamine therapy for anxiety"
TIMEOUT_MS = 10_000


def signed_in(browser: Browser, server: str, token: str, **options: Any) -> Page:
    """A fresh browser context (``options`` as Playwright's ``new_context`` takes them) signed
    in with the token, using the keyboard only."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{server}/admin/")
    expect(page).to_have_url(f"{server}/admin/sign-in?next=%2Fadmin")
    page.get_by_label("API token").fill(token)
    page.get_by_label("API token").press("Enter")
    expect(page.get_by_role("heading", name="Articles")).to_be_visible()
    return page


def open_therapies(page: Page, server: str) -> None:
    """From the article list to the form of the therapy section."""
    page.get_by_role("link", name=ARTICLE_TITLE).click()
    page.locator("#edit-therapy-types").click()
    expect(page.get_by_role("heading", name="Edit section therapy-types")).to_be_visible()


def save(page: Page) -> None:
    """Press the form's save button (its answer is swapped in by HTMX)."""
    page.get_by_role("button", name="Save section").click()


def test_editor_fixes_a_dose_reviewer_approves_and_the_web_render_shows_it(
    browser: Browser, server: str, server_db: Path
) -> None:
    editor_token = cli_token(server_db, "Erin Editor", "editor")
    reviewer_token = cli_token(server_db, "Rita Reviewer", "reviewer")
    editor = signed_in(browser, server, editor_token)
    try:
        open_therapies(editor, server)
        expect(editor.locator("#f-therapies-0-name")).to_have_value(
            "Intravenous (IV) Infusion Therapy"
        )
        body = editor.locator("#f-therapies-0-body")
        body.fill(body.input_value() + " Sessions are **closely monitored**.")
        expect(editor.locator("#f-therapies-0-body-preview strong")).to_have_text(
            "closely monitored"
        )
        editor.get_by_label("Minimum").first.fill("2")
        editor.get_by_label("Maximum").first.fill("1")
        save(editor)
        error = editor.locator("#f-therapies-0-dose > #f-therapies-0-dose-error")
        expect(error).to_have_text(
            "Maximum dose (1 mg/kg) must not be less than the minimum (2 mg/kg)"
        )
        editor.locator("#f-therapies-0-dose-min").fill("0.4")
        editor.locator("#f-therapies-0-dose-max").fill("0.9")
        save(editor)
        expect(editor.locator(".notice.ok")).to_contain_text("Saved")
        expect(error).to_have_count(0)
        editor.locator("#editor").get_by_role("link", name="Back to the article").first.click()
        editor.get_by_role("button", name="Submit for review").click()
        expect(editor.locator("#state")).to_have_text("in review")
        expect(editor.get_by_role("button", name="Approve")).to_have_count(0)

        reviewer = signed_in(browser, server, reviewer_token)
        reviewer.get_by_role("link", name=ARTICLE_TITLE).click()
        reviewer.get_by_role("link", name="Review the changes").click()
        changes = reviewer.locator("li.change").filter(has_text="Intravenous (IV)")
        expect(changes.filter(has_text="Minimum").locator(".what")).to_have_text(
            "0.5 \u2192 0.4 mg/kg, -20%"
        )
        expect(changes.filter(has_text="Maximum").locator(".what")).to_have_text(
            "1 \u2192 0.9 mg/kg, -10%"
        )
        expect(reviewer.locator(".byline")).to_contain_text("Rita Reviewer, MD, Psychiatry")
        reviewer.get_by_role("button", name="Approve").click()
        expect(reviewer.locator(".notice.ok")).to_contain_text("Approved")
        reviewer.context.close()

        editor.reload()
        editor.get_by_role("button", name="Publish now").click()
        expect(editor.locator(".notice.ok")).to_contain_text("Published as revision 2")
    finally:
        editor.context.close()

    web = http_get(f"{server}/v1/articles/{SLUG}/render/web")
    assert "0.4\u20130.9 mg/kg" in web
    assert "Rita Reviewer, MD, Psychiatry" in web


def test_second_editor_saving_the_same_section_sees_the_conflict(
    browser: Browser, server: str, server_db: Path
) -> None:
    first_token = cli_token(server_db, "Fay First", "editor")
    second_token = cli_token(server_db, "Sam Second", "editor")
    first = signed_in(browser, server, first_token)
    second = signed_in(browser, server, second_token)
    try:
        open_therapies(first, server)
        open_therapies(second, server)
        first.locator("#f-therapies-1-dose-max").fill("1.4")
        save(first)
        expect(first.locator(".notice.ok")).to_contain_text("Saved")

        second.locator("#f-therapies-1-dose-max").fill("1.6")
        save(second)
        conflict = second.locator("#conflict")
        expect(conflict).to_contain_text("Saved first by Fay First")
        expect(conflict.locator("td.mine")).to_have_text("1.6")
        expect(second.locator("#f-therapies-1-dose-max")).to_have_value("1.4")
    finally:
        first.context.close()
        second.context.close()

    draft = http_get(f"{server}/v1/admin/articles/{SLUG}/draft", token=first_token)
    therapies = next(s for s in draft["sections"] if s["key"] == "therapy-types")["therapies"]
    assert therapies[1]["dose"]["max"] == 1.4
    assert draft["editors"] == ["Fay First"]
