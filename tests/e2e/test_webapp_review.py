"""Review fit for medical sign-off, in Debian's chromium against a real server process.

An editor lowers the IV maximum and slips a decimal point in the IM
maximum; the reviewer's diff names the therapy, the field and the unit with the relative change,
puts the dose changes first as clinically significant, shows the implausible IM dose beside its
change, reads on a phone without breaking words, and the preview opens at the changed section,
marked, with the email at its own width and the text as it is sent.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.commands import cli_token
from tests.e2e.test_webapp import open_therapies, save, signed_in

THERAPY_SECTION = "Types of Ketamine Therapy and Dosing"
PHONE = {"width": 375, "height": 812}


def edit_and_submit(editor: Page, server: str) -> None:
    """IV maximum 1 -> 0.9; IM maximum 1.5 -> 75 (a slipped decimal point); submit."""
    open_therapies(editor, server)
    editor.locator("#f-therapies-0-dose-max").fill("0.9")
    editor.locator("#f-therapies-1-dose-max").fill("75")
    save(editor)
    expect(editor.locator(".notice.ok")).to_contain_text("Saved")
    editor.locator("#editor").get_by_role("link", name="Back to the article").first.click()
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator("#state")).to_have_text("in review")


def check_review_page(reviewer: Page) -> None:
    """The diff in the reader's words, dose changes first, the warning beside its change."""
    clinical = reviewer.locator("section.change-group.clinical")
    expect(
        clinical.get_by_role("heading", name="Clinically significant changes (2)")
    ).to_be_visible()
    iv = clinical.locator("li.change").filter(has_text="Intravenous (IV)")
    expect(iv.locator(".where")).to_contain_text(f"{THERAPY_SECTION}")
    expect(iv.locator(".where .step")).to_have_text(
        [THERAPY_SECTION, "Intravenous (IV)", "Dose", "Maximum"]
    )
    expect(iv.locator(".flag")).to_have_text("Clinical")
    expect(iv.locator(".what")).to_have_text("1 \u2192 0.9 mg/kg, -10%")
    im = clinical.locator("li.change").filter(has_text="Intramuscular (IM)")
    expect(im.locator(".what")).to_have_text("1.5 \u2192 75 mg/kg, +4900%")
    implausible = "75 mg/kg is more than the plausible 50 mg/kg"
    expect(im.locator(".value-warning").filter(has_text=implausible)).to_be_visible()
    expect(iv.locator(".value-warning")).to_have_count(0)
    top = reviewer.locator("#warnings")
    expect(top).to_be_visible()
    expect(top).to_contain_text(implausible)
    expect(reviewer.get_by_text("therapies[0]")).to_have_count(0)


def check_phone_width(reviewer: Page) -> None:
    """At 375 px the place wraps at spaces: no step is squeezed to a letter per line."""
    reviewer.set_viewport_size(PHONE)
    iv = reviewer.locator("li.change").filter(has_text="Intravenous (IV)")
    where = iv.locator(".where")
    expect(where).to_be_visible()
    line = float(where.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    box = where.bounding_box()
    assert box is not None and box["height"] <= 4 * line, f"{box} at line height {line}"
    for step in iv.locator(".where .step").all():
        step_box = step.bounding_box()
        assert step_box is not None and step_box["width"] > 30, step.inner_text()
    assert reviewer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    reviewer.set_viewport_size({"width": 1280, "height": 900})


def check_preview(reviewer: Page, server: str) -> None:
    """The frame opens at the changed section, marked; email at 600 px; text unwrapped."""
    reviewer.get_by_role("link", name="See the renders").click()
    frame_element = reviewer.locator("#render-frame")
    expect(frame_element).to_have_attribute(
        "src", "/admin/articles/ketamine-therapy-for-anxiety/preview/draft/web#therapy-types"
    )
    expect(reviewer.locator(".changed-sections")).to_contain_text(THERAPY_SECTION)
    frame = reviewer.frame_locator("#render-frame")
    section = frame.locator('[id="therapy-types"]')
    expect(section).to_have_css("outline-style", "solid")
    expect(section).to_be_in_viewport()
    expect(frame.locator('[id="intro"]')).to_have_css("outline-style", "none")
    expect(frame.locator('[id="intro"]')).not_to_be_in_viewport()
    # The page itself was brought down to the frame by the preview's script.
    reviewer.wait_for_function("() => window.scrollY > 0")

    reviewer.get_by_role("link", name="Email").click()
    email = reviewer.locator("#render-frame")
    box = email.bounding_box()
    assert box is not None and box["width"] >= 620, box
    inner = reviewer.frame_locator("#render-frame").locator("table[width='600']")
    inner_box = inner.bounding_box()
    assert inner_box is not None and inner_box["width"] == 600
    assert inner_box["x"] + inner_box["width"] <= box["x"] + box["width"]  # not clipped
    expect(reviewer.frame_locator("#render-frame").locator('[id="therapy-types"]')).to_have_css(
        "outline-style", "solid"
    )

    reviewer.get_by_role("link", name="Plain text").click()
    text = reviewer.locator("pre.text-render")
    expect(text).to_have_css("white-space", "pre")
    changed = reviewer.locator("#text-therapy-types")
    expect(changed).to_be_in_viewport()
    expect(changed).to_contain_text(THERAPY_SECTION)
    del server


def test_the_review_and_the_preview_show_a_dose_change_for_sign_off(
    browser: Browser, server: str, server_db: Path
) -> None:
    editor = signed_in(browser, server, cli_token(server_db, "Erin Editor", "editor"))
    reviewer = signed_in(browser, server, cli_token(server_db, "Rita Reviewer", "reviewer"))
    try:
        edit_and_submit(editor, server)
        reviewer.get_by_role("link", name="Ketamine therapy for anxiety").click()
        reviewer.get_by_role("link", name="Review the changes").click()
        check_review_page(reviewer)
        check_phone_width(reviewer)
        check_preview(reviewer, server)
    finally:
        editor.context.close()
        reviewer.context.close()
