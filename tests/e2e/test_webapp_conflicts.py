"""Two tabs saving the same draft, in Debian's chromium against a real server process.

A stale save is a three-way merge: changes to different therapies are both saved; a field both
changed shows their value beside mine and offers back only mine; the message names who saved,
or says "you, in another tab" when it was the same person.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.commands import cli_token
from tests.conftest import SLUG
from tests.e2e.conftest import http_get, running_server
from tests.e2e.test_webapp import TIMEOUT_MS, open_therapies, save, signed_in

IV_MAX, IM_MAX = "#f-therapies-0-dose-max", "#f-therapies-1-dose-max"
IV_MAX_LABEL = "Therapy 1: Intravenous (IV) Infusion Therapy > Dose > Maximum"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server of its own over a fresh seeded database, so each test starts from the seed."""
    database = tmp_path / "content.db"
    with running_server(database) as base_url:
        yield base_url, database


def therapies(server: str, token: str) -> list[dict[str, Any]]:
    """The therapies of the stored draft, read over the admin API."""
    draft = http_get(f"{server}/v1/admin/articles/{SLUG}/draft", token=token)
    section = next(s for s in draft["sections"] if s["key"] == "therapy-types")
    return list(section["therapies"])


def second_tab(page: Page, server: str) -> Page:
    """Another tab of the same browser (same session), on the therapy form."""
    tab = page.context.new_page()
    tab.goto(f"{server}/admin/articles/{SLUG}/sections/therapy-types")
    return tab


@contextmanager
def fay_after_sam_saved(
    browser: Browser, fresh: tuple[str, Path]
) -> Iterator[tuple[str, str, Page]]:
    """Fay and Sam open the therapy form; Sam saves the IV maximum 0.8 first. Yields the server,
    Fay's token and Fay's page (its form now stale); both browsers close afterwards."""
    server, database = fresh
    fay_token = cli_token(database, "Fay First", "editor")
    fay = signed_in(browser, server, fay_token)
    sam = signed_in(browser, server, cli_token(database, "Sam Second", "editor"))
    try:
        open_therapies(fay, server)
        open_therapies(sam, server)
        sam.locator(IV_MAX).fill("0.8")
        save(sam)
        expect(sam.locator(".notice.ok")).to_contain_text("Saved")
        yield server, fay_token, fay
    finally:
        fay.context.close()
        sam.context.close()


def test_two_editors_changing_different_therapies_both_get_saved(
    browser: Browser, fresh: tuple[str, Path]
) -> None:
    with fay_after_sam_saved(browser, fresh) as (server, fay_token, fay):
        fay.locator(IM_MAX).fill("1.4")
        save(fay)

        notice = fay.locator(".notice.ok")
        expect(notice).to_contain_text("Sam Second's change")
        expect(notice).to_contain_text("was merged with yours")
        expect(fay.locator("#conflict")).to_have_count(0)
        expect(fay.locator(IV_MAX)).to_have_value("0.8")  # the form now holds both changes
    saved = therapies(server, fay_token)
    assert (saved[0]["dose"]["max"], saved[1]["dose"]["max"]) == (0.8, 1.4)


def test_the_same_field_shows_both_values_and_reapplies_only_mine(
    browser: Browser, fresh: tuple[str, Path]
) -> None:
    with fay_after_sam_saved(browser, fresh) as (server, fay_token, fay):
        fay.locator(IV_MAX).fill("1.2")
        fay.locator(IM_MAX).fill("1.4")
        save(fay)

        conflict = fay.locator("#conflict")
        expect(conflict.get_by_role("heading")).to_have_text("Saved first by Sam Second")
        rows = conflict.locator("table.conflicts tbody tr")
        expect(rows).to_have_count(1)  # only the field we both changed; IM is not a conflict
        expect(rows.locator("th")).to_have_text(IV_MAX_LABEL)
        expect(rows.locator("td.theirs")).to_have_text("0.8")
        expect(rows.locator("td.mine")).to_have_text("1.2")
        expect(fay.locator(IV_MAX)).to_have_value("0.8")  # theirs, not reverted
        expect(fay.locator(IM_MAX)).to_have_value("1.4")  # my other change, kept
        assert therapies(server, fay_token)[0]["dose"]["max"] == 0.8  # nothing saved yet

        conflict.get_by_role("button", name="Reapply my changes to these fields").click()
        expect(fay.locator(".notice.ok")).to_contain_text("Saved")
    saved = therapies(server, fay_token)
    assert (saved[0]["dose"]["max"], saved[1]["dose"]["max"]) == (1.2, 1.4)


def test_the_same_editor_in_two_tabs_is_told_it_was_their_other_tab(
    browser: Browser, fresh: tuple[str, Path]
) -> None:
    server, database = fresh
    token = cli_token(database, "Erin Editor", "editor")
    tab_a = signed_in(browser, server, token)
    tab_a.context.set_default_timeout(TIMEOUT_MS)
    try:
        open_therapies(tab_a, server)
        tab_b = second_tab(tab_a, server)
        tab_b.locator(IV_MAX).fill("0.8")
        save(tab_b)
        expect(tab_b.locator(".notice.ok")).to_contain_text("Saved")

        tab_a.locator(IM_MAX).fill("1.4")
        save(tab_a)
        expect(tab_a.locator(".notice.ok")).to_contain_text("The change you saved in another tab")
        assert [t["dose"]["max"] for t in therapies(server, token)[:2]] == [0.8, 1.4]

        tab_b.locator(IM_MAX).fill("1.3")  # tab B still shows its own save: now stale
        save(tab_b)
        conflict = tab_b.locator("#conflict")
        expect(conflict.get_by_role("heading")).to_have_text("Saved first by you, in another tab")
        expect(conflict).not_to_contain_text("Erin Editor")
    finally:
        tab_a.context.close()
