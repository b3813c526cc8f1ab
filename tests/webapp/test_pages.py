"""The web app's pages in process: the editor's forms, conflicts, review, publishing, previews."""

from __future__ import annotations

import re
from collections.abc import Callable

from schema.admin import Role
from schema.sections import TherapyTypesSection
from service.config import Settings
from service.editorial import drafts
from service.editorial.actor import Actor
from service.store.db import ContentDB
from tests.conftest import ADMIN, EDITOR, REVIEWER, SECOND_EDITOR, SLUG
from tests.webapp.client import (
    ARTICLE,
    THERAPIES,
    Client,
    form_of,
    hidden_value,
    save_therapies,
    sign_in,
    submitted_for_review,
)


def test_min_above_max_shows_the_error_next_to_the_dose_fields(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    status, page = save_therapies(
        client, **{"therapies[0].dose.min": "2", "therapies[0].dose.max": "1"}
    )
    assert status == 422
    dose = page[
        page.index('id="f-therapies-0-dose"') : page.index(
            "</fieldset>", page.index('id="f-therapies-0-dose"')
        )
    ]
    assert 'id="f-therapies-0-dose-error"' in dose
    assert "Maximum dose (1 mg/kg) must not be less than the minimum (2 mg/kg)" in dose
    assert 'value="2"' in dose  # what was typed stays in the form
    assert 'id="f-therapies-0-dose-max"' in dose


def test_a_number_field_with_text_names_that_field(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    status, page = save_therapies(client, **{"therapies[1].dose.min": "lots"})
    assert status == 422
    assert re.search(r'id="f-therapies-1-dose-min"[^>]*aria-invalid="true"', page)
    assert '<p class="error" id="f-therapies-1-dose-min-error">Enter a number</p>' in page


def test_a_stale_save_shows_the_other_version_and_changes_nothing(
    browsers: tuple[Client, Client],
    token_of: Callable[[str, Role], str],
    settings: Settings,
) -> None:
    first, second = browsers
    sign_in(first, token_of(EDITOR, "editor"))
    sign_in(second, token_of(SECOND_EDITOR, "editor"))
    first_form = form_of(first.get(THERAPIES).text)
    second_form = form_of(second.get(THERAPIES).text)
    saved = first.post(
        THERAPIES, data={**first_form, "therapies[0].dose.max": "0.9"}, follow_redirects=False
    )
    assert saved.status_code == 303
    stale = second.post(THERAPIES, data={**second_form, "therapies[0].dose.max": "1.2"})
    assert stale.status_code == 409
    assert f"Saved first by {EDITOR}" in stale.text
    assert EDITOR in stale.text
    assert form_of(stale.text)["therapies[0].dose.max"] == "0.9"  # their version
    assert "1.2" in stale.text  # and the change that was not saved
    db = ContentDB(settings.content_db)
    try:
        section = next(
            s
            for s in drafts.read_draft(db, SLUG, Actor(EDITOR, "editor")).sections
            if s.key == "therapy-types"
        )
    finally:
        db.close()
    assert isinstance(section, TherapyTypesSection)
    assert section.therapies[0].dose.max == 0.9


def test_list_buttons_add_move_and_remove_items_without_saving(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    fields = form_of(client.get(THERAPIES).text)
    added = client.post(THERAPIES, data={**fields, "_op": "add:therapies"})
    assert added.status_code == 200
    added_fields = form_of(added.text)
    assert "therapies[4].name" in added_fields
    assert added_fields["_etag"] == fields["_etag"]  # nothing saved: still the version read
    moved = form_of(client.post(THERAPIES, data={**fields, "_op": "down:therapies[0]"}).text)
    assert moved["therapies[1].name"] == fields["therapies[0].name"]
    removed = form_of(client.post(THERAPIES, data={**fields, "_op": "remove:therapies[0]"}).text)
    assert removed["therapies[0].name"] == fields["therapies[1].name"]
    assert "therapies[3].name" not in removed
    assert form_of(client.get(THERAPIES).text) == fields


def test_htmx_save_answers_the_form_fragment(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    csrf = sign_in(client, token_of(EDITOR, "editor"))
    fields = form_of(client.get(THERAPIES).text)
    response = client.post(
        THERAPIES,
        data={**fields, "therapies[0].dose.max": "0.9"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<form")
    assert "Saved" in response.text
    assert form_of(response.text)["_etag"] != fields["_etag"]


def test_review_approve_and_publish_through_the_pages(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    editor_csrf, reviewer_csrf = submitted_for_review(editor, reviewer, token_of)
    review = reviewer.get(f"{ARTICLE}/review").text
    approved = reviewer.post(
        f"{ARTICLE}/approve",
        data={"_csrf": reviewer_csrf, "_etag": hidden_value(review, "_etag"), "credentials": "MD"},
    )
    assert approved.status_code == 200 and "Approved" in approved.text
    published = editor.post(f"{ARTICLE}/publish", data={"_csrf": editor_csrf, "at": ""})
    assert "Published as revision 2" in published.text
    live = reviewer.get(f"/v1/articles/{SLUG}/sections/therapy-types").json()
    assert live["therapies"][0]["dose"]["max"] == 0.9
    history = editor.get(f"{ARTICLE}/history").text
    assert "Roll back to 1" in history
    asked = editor.post(f"{ARTICLE}/rollback", data={"_csrf": editor_csrf, "revision": "1"})
    assert "Readers will see revision 1 at once" in asked.text  # nothing yet: the confirmation
    assert reviewer.get(f"/v1/articles/{SLUG}").json()["revision"] == 2
    rolled = editor.post(
        f"{ARTICLE}/rollback", data={"_csrf": editor_csrf, "revision": "1", "confirm": "yes"}
    )
    assert "live again as revision 3" in rolled.text


def test_reject_needs_a_note_shown_next_to_its_field(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    _, csrf = submitted_for_review(editor, reviewer, token_of)
    empty = reviewer.post(f"{ARTICLE}/reject", data={"_csrf": csrf, "reason": "  "})
    assert empty.status_code == 422
    assert 'id="reason-error"' in empty.text
    sent_back = reviewer.post(f"{ARTICLE}/reject", data={"_csrf": csrf, "reason": "Cite it."})
    assert "Sent back" in sent_back.text
    assert "Cite it." in editor.get(ARTICLE).text


def test_schedule_takes_a_utc_datetime_local(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    editor_csrf, csrf = submitted_for_review(editor, reviewer, token_of)
    etag = hidden_value(reviewer.get(f"{ARTICLE}/review").text, "_etag")
    reviewer.post(f"{ARTICLE}/approve", data={"_csrf": csrf, "_etag": etag})
    scheduled = editor.post(
        f"{ARTICLE}/publish", data={"_csrf": editor_csrf, "at": "2999-01-02T03:04"}
    )
    assert "Scheduled for 2999-01-02 03:04 UTC" in scheduled.text
    assert "scheduled" in editor.get("/admin/").text


def test_preview_shows_the_draft_and_live_renders(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(REVIEWER, "reviewer"))
    page = client.get(f"{ARTICLE}/preview").text
    assert page.count("<iframe sandbox") == 1  # one render at a time: the draft's web page
    text = client.get(f"{ARTICLE}/preview?channel=text&show=draft").text
    assert text.count('class="text-render"') == 1
    assert "Not yet reviewed" in text  # the draft's byline does not borrow the live review
    assert "Not yet reviewed" not in client.get(f"{ARTICLE}/preview?channel=text&show=live").text


def test_every_input_has_a_label(client: Client, token_of: Callable[[str, Role], str]) -> None:
    sign_in(client, token_of(ADMIN, "admin"))
    pages = [
        "/admin/",
        ARTICLE,
        THERAPIES,
        f"{ARTICLE}/fields",
        f"{ARTICLE}/sections/safety",
        f"{ARTICLE}/sections/candidacy",
        f"{ARTICLE}/review",
        "/admin/audit",
    ]
    for path in pages:
        html = client.get(path).text
        assert 'name="viewport"' in html
        ids = re.findall(
            r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html
        )
        unlabelled = [i for i in ids if f'<label for="{i}"' not in html]
        controls = re.findall(r"<(?:input|select|textarea)(?![^>]*type=\"hidden\")[^>]*>", html)
        assert len(ids) == len(controls), path
        assert not unlabelled, (path, unlabelled)


def test_a_new_section_of_any_kind_gets_a_form(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(EDITOR, "editor"))
    started = client.get(f"{ARTICLE}/new-section", params={"kind": "benefits", "key": "costs"})
    assert started.status_code == 200
    fields = form_of(started.text)
    assert fields["kind"] == "benefits"
    saved = client.post(
        f"{ARTICLE}/sections/costs",
        data={**fields, "title": "Costs", "items[0].title": "Insurance", "items[0].body": "Often."},
    )
    assert saved.status_code == 200 and "Saved costs" in saved.text
