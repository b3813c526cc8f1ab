"""Stale saves in process: merged when they touch other fields, both values when the same."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from schema.admin import Role
from schema.sections import TherapyTypesSection
from service.config import Settings
from service.editorial import drafts
from service.editorial.actor import Actor
from service.store.db import ContentDB
from tests.conftest import EDITOR, SECOND_EDITOR, SLUG
from tests.webapp.client import ARTICLE, THERAPIES, Client, form_of, sign_in

INTRO = f"{ARTICLE}/sections/intro"
IV_MAX, IM_MAX = "therapies[0].dose.max", "therapies[1].dose.max"


def stored_therapies(settings: Settings) -> TherapyTypesSection:
    """The therapy section of the draft as stored."""
    db = ContentDB(settings.content_db)
    try:
        draft = drafts.read_draft(db, SLUG, Actor(EDITOR, "editor"))
    finally:
        db.close()
    section = next(s for s in draft.sections if s.key == "therapy-types")
    assert isinstance(section, TherapyTypesSection)
    return section


def post(client: Client, url: str, form: dict[str, str], **changes: str) -> Any:
    """Send the form with some fields changed, as HTMX does (the answer is the form)."""
    return client.post(url, data={**form, **changes}, headers={"HX-Request": "true"})


def test_changes_to_different_therapies_merge_and_both_are_saved(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str], settings: Settings
) -> None:
    first, second = browsers
    sign_in(first, token_of(EDITOR, "editor"))
    sign_in(second, token_of(SECOND_EDITOR, "editor"))
    mine, theirs = form_of(first.get(THERAPIES).text), form_of(second.get(THERAPIES).text)
    assert post(second, THERAPIES, theirs, **{IV_MAX: "0.8"}).status_code == 200

    merged = post(first, THERAPIES, mine, **{IM_MAX: "1.4"})

    assert merged.status_code == 200
    assert f"{SECOND_EDITOR}&#39;s change" in merged.text and "was merged" in merged.text
    section = stored_therapies(settings)
    assert (section.therapies[0].dose.max, section.therapies[1].dose.max) == (0.8, 1.4)


def test_a_save_after_another_section_changed_is_merged(
    client: Client, token_of: Callable[[str, Role], str], settings: Settings
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    therapies = form_of(client.get(THERAPIES).text)
    intro = form_of(client.get(INTRO).text)
    assert post(client, INTRO, intro, body="A new introduction.").status_code == 200

    saved = post(client, THERAPIES, therapies, **{IV_MAX: "0.7"})

    assert saved.status_code == 200
    assert "The change you saved in another tab" in saved.text
    assert stored_therapies(settings).therapies[0].dose.max == 0.7


def test_the_same_field_shows_both_values_and_offers_back_only_mine(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str], settings: Settings
) -> None:
    first, second = browsers
    sign_in(first, token_of(EDITOR, "editor"))
    sign_in(second, token_of(SECOND_EDITOR, "editor"))
    mine, theirs = form_of(first.get(THERAPIES).text), form_of(second.get(THERAPIES).text)
    post(second, THERAPIES, theirs, **{IV_MAX: "0.8"})

    stale = post(first, THERAPIES, mine, **{IV_MAX: "1.2", IM_MAX: "1.4"})

    assert stale.status_code == 409
    assert f"Saved first by {SECOND_EDITOR}" in stale.text
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td class="theirs">(.*?)</td>'
                      r'<td class="mine">(.*?)</td></tr>', stale.text)  # fmt: skip
    assert rows == [("Therapy 1: Intravenous (IV) Infusion Therapy &gt; Dose &gt; Maximum",
                     "0.8", "1.2")]  # fmt: skip
    shown = form_of(stale.text)
    assert (shown[IV_MAX], shown[IM_MAX]) == ("0.8", "1.4")  # theirs, and my other change
    assert stored_therapies(settings).therapies[1].dose.max == 1.5  # nothing saved yet

    reapplied = post(first, THERAPIES, shown, _op="reapply")

    assert reapplied.status_code == 200, reapplied.text
    section = stored_therapies(settings)
    assert (section.therapies[0].dose.max, section.therapies[1].dose.max) == (1.2, 1.4)


def test_the_same_person_in_two_tabs_is_told_so(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    tab_a, tab_b = form_of(client.get(THERAPIES).text), form_of(client.get(THERAPIES).text)
    post(client, THERAPIES, tab_b, **{IV_MAX: "0.8"})

    stale = post(client, THERAPIES, tab_a, **{IV_MAX: "1.2"})

    assert stale.status_code == 409
    assert "Saved first by you, in another tab" in stale.text
    assert EDITOR not in stale.text.split('id="conflict"')[1].split("</div>")[0]


def test_saving_without_a_change_is_not_an_edit(
    client: Client, token_of: Callable[[str, Role], str], settings: Settings
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    form = form_of(client.get(THERAPIES).text)

    unchanged = post(client, THERAPIES, form)

    assert unchanged.status_code == 200
    assert "No changes to save." in unchanged.text
    assert form_of(unchanged.text)["_etag"] == form["_etag"]
    db = ContentDB(settings.content_db)
    try:
        assert drafts.read_draft(db, SLUG, Actor(EDITOR, "editor")).editors == []
    finally:
        db.close()
