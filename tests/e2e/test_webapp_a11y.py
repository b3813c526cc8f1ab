"""The web app's accessibility in Debian's chromium against a real server: where Save leaves
focus, the editor from the keyboard alone, axe's WCAG 2.2 A/AA rules on every page, the
history table at phone width, and the warning before leaving unsaved changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Dialog, Page, expect

from service.webapp.editor import KINDS
from tests.admin_flow import approve_iv_maximum, publish
from tests.commands import cli_token
from tests.conftest import SLUG
from tests.e2e.conftest import http_get
from tests.e2e.test_webapp import TIMEOUT_MS, signed_in
from tests.tokens import bearer

ARTICLE = f"/admin/articles/{SLUG}"
THERAPIES = f"{ARTICLE}/sections/therapy-types"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def tokens(server: str, server_db: Path) -> dict[str, str]:
    """An editor, a second editor, a reviewer and an admin; revision 2 published (so revision 1
    can be rolled back to) by the editor and the reviewer over the admin API."""
    made = {
        role: cli_token(server_db, name, role)
        for role, name in (
            ("editor", "Erin Editor"),
            ("reviewer", "Rita Reviewer"),
            ("admin", "Ada Admin"),
        )
    }
    with httpx.Client(base_url=server, timeout=10) as client:
        approve_iv_maximum(client, bearer(made["editor"]), bearer(made["reviewer"]), 0.95)
        publish(client, bearer(made["editor"]))
    return made


@pytest.fixture
def editor(browser: Browser, server: str, tokens: dict[str, str]) -> Iterator[Page]:
    """A signed-in editor's page."""
    page = signed_in(browser, server, tokens["editor"])
    yield page
    page.context.close()


def focused_id(page: Page) -> str:
    """The id of the element that has keyboard focus ("" for none or ``<body>``)."""
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def test_after_save_the_notice_has_focus_and_is_in_view(editor: Page, server: str) -> None:
    editor.goto(server + THERAPIES)
    save = editor.get_by_role("button", name="Save section")
    expect(save).to_be_in_viewport()  # the sticky bar keeps Save in reach on the long form
    editor.locator("#f-therapies-0-dose-max").fill("0.8")
    save.click()
    notice = editor.locator("#saved")
    expect(notice).to_contain_text("Saved")
    expect(notice).to_be_focused()
    expect(notice).to_be_in_viewport()


def test_after_a_failed_save_the_error_summary_has_focus_and_links_to_the_field(
    editor: Page, server: str
) -> None:
    editor.goto(server + THERAPIES)
    editor.locator("#f-therapies-0-dose-min").fill("3")
    editor.locator("#f-therapies-0-dose-max").fill("2")
    editor.locator("#f-therapies-0-dose-max").press("Enter")
    summary = editor.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.get_by_role("link")
    expect(link).to_have_count(1)
    expect(link).to_contain_text(
        "Maximum dose (2 mg/kg) must not be less than the minimum (3 mg/kg)"
    )
    link.click()
    expect(editor.locator("#f-therapies-0-dose-min")).to_be_focused()
    expect(editor.locator("#f-therapies-0-dose-min")).to_be_in_viewport()
    # The group's error is read with each of its inputs.
    for part in ("min", "max", "unit"):
        field = editor.locator(f"#f-therapies-0-dose-{part}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(
            "Maximum dose (2 mg/kg) must not be less than the minimum (3 mg/kg)"
        )


def test_without_javascript_the_answer_of_a_save_has_focus(
    browser: Browser, server: str, tokens: dict[str, str]
) -> None:
    page = signed_in(browser, server, tokens["editor"], java_script_enabled=False)
    context = page.context
    try:
        page.goto(server + THERAPIES)
        page.locator("#f-therapies-1-dose-min").fill("9")
        page.get_by_role("button", name="Save section").click()
        expect(page.locator("#error-summary")).to_be_focused()
        page.locator("#f-therapies-1-dose-min").fill("1")
        page.get_by_role("button", name="Save section").click()
        expect(page).to_have_url(server + ARTICLE)
        expect(page.locator("#notice")).to_have_text(
            re.compile(r"^Saved therapy-types \(draft version \d+\)\.$")
        )
        expect(page.locator("#notice")).to_be_focused()
    finally:
        context.close()


def press_tab_until(page: Page, element_id: str, most: int = 80) -> None:
    """Press Tab until the element has focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} not reached in {most} Tab presses")


def test_keyboard_alone_from_the_skip_link_to_a_saved_change(
    editor: Page, server: str, tokens: dict[str, str]
) -> None:
    editor.goto(server + THERAPIES)
    editor.keyboard.press("Tab")
    skip = editor.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    editor.keyboard.press("Enter")
    expect(editor.locator("main")).to_be_focused()
    press_tab_until(editor, "f-therapies-0-dose-max")
    editor.keyboard.press("Control+A")
    for key in "0.7":
        editor.keyboard.press(key)
    editor.keyboard.press("Enter")
    expect(editor.locator("#saved")).to_be_focused()
    draft = http_get(f"{server}/v1/admin/articles/{SLUG}/draft", token=tokens["editor"])
    therapies = next(s for s in draft["sections"] if s["key"] == "therapy-types")["therapies"]
    assert therapies[0]["dose"]["max"] == 0.7


def blocking_violations(page: Page) -> list[str]:
    """axe's serious and critical WCAG 2.2 A/AA violations on the page, one line each."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    found: list[dict[str, Any]] = results.response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in found
        if v["impact"] in BLOCKING
    ]


def admin_pages(server: str) -> list[str]:
    """Every page of the web app an admin can open, each form kind once."""
    new_forms = [f"{ARTICLE}/sections/new-{kind.replace('_', '-')}?kind={kind}" for kind in KINDS]
    return [
        "/admin/",
        ARTICLE,
        THERAPIES,
        f"{ARTICLE}/fields",
        *new_forms,
        f"{ARTICLE}/preview",
        f"{ARTICLE}/review",
        f"{ARTICLE}/history",
        f"{ARTICLE}/history/2",
        "/admin/audit",
        "/admin/articles/no-such-article",  # the error page
    ]


def test_axe_finds_no_serious_violation_on_any_page(
    browser: Browser, server: str, tokens: dict[str, str]
) -> None:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(f"{server}/admin/sign-in")
        problems += blocking_violations(page)
        page.get_by_label("API token").fill(tokens["admin"])
        page.get_by_label("API token").press("Enter")
        expect(page.get_by_role("heading", name="Articles")).to_be_visible()
        for path in admin_pages(server):
            page.goto(server + path)
            problems += blocking_violations(page)
        # The form in its states after a save: errors, and saved.
        page.goto(server + THERAPIES)
        page.locator("#f-therapies-0-dose-min").fill("5")
        page.get_by_role("button", name="Save section").click()
        expect(page.locator("#f-therapies-0-dose-error")).to_be_visible()
        problems += blocking_violations(page)
        page.locator("#f-therapies-0-dose-min").fill("0.5")
        page.get_by_role("button", name="Save section").click()
        expect(page.locator(".notice.ok")).to_be_visible()
        problems += blocking_violations(page)
        # The review page with its decisions: submitted by the editor, open to the admin.
        page.goto(server + ARTICLE)
        page.get_by_role("button", name="Submit for review").click()
        page.goto(f"{server}{ARTICLE}/review")
        expect(page.get_by_role("button", name="Approve")).to_be_visible()
        problems += blocking_violations(page)
    finally:
        context.close()
    assert problems == []


def test_at_phone_width_the_rollback_button_is_on_screen(
    browser: Browser, server: str, tokens: dict[str, str]
) -> None:
    page = signed_in(browser, server, tokens["editor"], viewport=PHONE)
    context = page.context
    try:
        page.goto(f"{server}{ARTICLE}/history")
        button = page.get_by_role("button", name="Roll back to 1")
        expect(button).to_be_visible()
        # Where the page shows it, without scrolling anything sideways.
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    finally:
        context.close()


def test_leaving_a_form_with_unsaved_changes_asks_first(editor: Page, server: str) -> None:
    dialogs: list[str] = []

    def stay(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    editor.goto(server + THERAPIES)
    editor.on("dialog", stay)
    editor.locator("#f-therapies-0-dose-max").press("End")
    editor.keyboard.press("5")  # typed, so the page has a user's gesture
    back = editor.locator(".save-bar").get_by_role("link", name="Back to the article")
    back.click(no_wait_after=True)
    editor.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert editor.url == server + THERAPIES
    # Once saved, the form is clean again, until the next change (a Markdown preview arriving
    # after the "Saved" notice does not make it clean).
    save = editor.get_by_role("button", name="Save section")
    save.click()
    expect(editor.locator("#saved")).to_be_focused()
    editor.locator("#f-therapies-0-body").press("End")
    editor.keyboard.type(" Zqx")
    expect(editor.locator("#f-therapies-0-body-preview")).to_contain_text("Zqx")
    # Leaving without a blur (as a reload or a closed tab does), so no change event comes late.
    editor.evaluate("setTimeout(() => { location.href = '/admin/'; }, 0)")
    editor.wait_for_timeout(500)
    assert dialogs == ["beforeunload", "beforeunload"]
    save.click()
    expect(editor.locator("#saved")).to_be_focused()
    back.click()
    expect(editor).to_have_url(server + ARTICLE)
    assert dialogs == ["beforeunload", "beforeunload"]
