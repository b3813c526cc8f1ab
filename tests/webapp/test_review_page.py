"""The review page for medical sign-off: changes in the reader's words, clinically significant
ones first, the draft's plausibility warnings beside the change, and no byline without
credentials."""

from __future__ import annotations

import re
from collections.abc import Callable

from schema.admin import Role
from schema.trust import ReviewerPatch
from service.config import Settings
from service.editorial.reviewers import list_reviewers, update_reviewer
from service.store.db import ContentDB
from tests.conftest import EDITOR, REVIEWER, SLUG
from tests.reviewer_profiles import ADMIN
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

THERAPY_SECTION = "Types of Ketamine Therapy and Dosing"


def change_item(page: str, text: str) -> str:
    """The ``<li>`` of the change whose text holds ``text``."""
    items = re.findall(r'<li id="change-\d+".*?</li>', page, flags=re.S)
    found = [item for item in items if text in item]
    assert len(found) == 1, f"{len(found)} changes hold {text!r}"
    return found[0]


def visible_text(fragment: str) -> str:
    """The fragment's text with tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def submit(editor: Client, csrf: str, **changes: str) -> None:
    """Save the therapy form with ``changes`` and submit the draft for review."""
    status, _ = save_therapies(editor, **changes)
    assert status == 200
    editor.post(f"{ARTICLE}/submit", data={"_csrf": csrf})


def test_a_dose_change_reads_in_the_vocabulary_words_first_among_the_changes(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    csrf = sign_in(editor, token_of(EDITOR, "editor"))
    fields = form_of(editor.get(THERAPIES).text)
    body = fields["therapies[1].body"]
    submit(
        editor,
        csrf,
        **{
            "therapies[0].dose.max": "0.9",
            "therapies[1].body": body + " Sessions are <script>x</script> monitored.",
        },
    )
    sign_in(reviewer, token_of(REVIEWER, "reviewer"))
    page = reviewer.get(f"{ARTICLE}/review").text

    dose = change_item(page, "Maximum")
    # The steps are set apart by a visible angle quote and, for screen readers, a comma.
    steps = " \u203a , ".join([THERAPY_SECTION, "Intravenous (IV)", "Dose", "Maximum"])
    assert visible_text(dose) == f"Clinical {steps} 1 \u2192 0.9 mg/kg, -10%"
    assert "therapies[0]" not in page
    clinical = page.index('id="h-clinical"')
    assert clinical < page.index(dose) < page.index('id="h-other"')
    prose = change_item(page, '<span class="step">Body</span>')
    assert "Intramuscular (IM)" in prose
    assert page.index('id="h-other"') < page.index(prose)
    assert "<ins> Sessions are &lt;script&gt;x&lt;/script&gt; monitored.</ins>" in prose
    assert "<script>x" not in page


def test_an_implausible_dose_is_flagged_beside_its_change_and_at_the_top(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    csrf = sign_in(editor, token_of(EDITOR, "editor"))
    submit(editor, csrf, **{"therapies[0].dose.max": "90"})
    sign_in(reviewer, token_of(REVIEWER, "reviewer"))
    page = reviewer.get(f"{ARTICLE}/review").text

    flagged = "90 mg/kg is more than the plausible 50 mg/kg; check the unit and the decimal point"
    dose = change_item(page, "Maximum")
    assert f"<strong>Check this value:</strong> {flagged}." in dose
    top = page[page.index('id="warnings"') : page.index("</section>", page.index('id="warnings"'))]
    anchor = re.search(r'<li id="(change-\d+)"', dose)
    assert anchor is not None
    assert f'<a href="#{anchor[1]}">{THERAPY_SECTION} &gt; Intravenous (IV) &gt; Dose</a>' in top
    assert flagged in top
    assert page.index('id="warnings"') < page.index('id="approve"')


def test_an_unchanged_implausible_value_is_still_listed(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    csrf = sign_in(editor, token_of(EDITOR, "editor"))
    submit(editor, csrf, **{"therapies[0].dose.max": "90"})
    # A second edit elsewhere; the warning stays with the draft, its change with the diff.
    submit(editor, csrf, **{"therapies[1].dose.max": "1.4"})
    sign_in(reviewer, token_of(REVIEWER, "reviewer"))
    page = reviewer.get(f"{ARTICLE}/review").text
    assert page.count("is more than the plausible 50 mg/kg") == 2  # at the top, and beside


def clear_credentials(settings: Settings, name: str) -> None:
    """An admin empties the credentials of ``name``'s reviewer profile."""
    db = ContentDB(settings.content_db)
    try:
        [profile] = [p for p in list_reviewers(db) if p.name == name]
        update_reviewer(db, ADMIN, profile.id, ReviewerPatch(credentials=""))
    finally:
        db.close()


def test_the_byline_from_the_profile_is_shown_before_approving(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    submitted_for_review(editor, reviewer, token_of)
    page = reviewer.get(f"{ARTICLE}/review").text
    assert f"Medically reviewed by {REVIEWER}, MD, Psychiatry (GMC 7000001)" in page
    assert 'name="credentials"' not in page


def test_approving_without_credentials_is_refused_at_the_field(
    browsers: tuple[Client, Client],
    token_of: Callable[[str, Role], str],
    settings: Settings,
) -> None:
    editor, reviewer = browsers
    _, csrf = submitted_for_review(editor, reviewer, token_of)
    clear_credentials(settings, REVIEWER)
    page = reviewer.get(f"{ARTICLE}/review").text
    assert re.search(r'<input[^>]*id="credentials"[^>]*\brequired\b', page)
    etag = hidden_value(page, "_etag")

    refused = reviewer.post(
        f"{ARTICLE}/approve", data={"_csrf": csrf, "_etag": etag, "credentials": "  "}
    )
    assert refused.status_code == 422
    assert re.search(r'id="credentials"[^>]*aria-invalid="true"', refused.text)
    error = re.search(r'<p class="error" id="credentials-error">([^<]*)</p>', refused.text)
    assert error is not None and "has no credentials" in error[1]
    assert "in review" in reviewer.get(ARTICLE).text

    approved = reviewer.post(
        f"{ARTICLE}/approve",
        data={"_csrf": csrf, "_etag": etag, "credentials": "MBBS, MRCPsych"},
    )
    assert approved.status_code == 200 and "Approved" in approved.text
    draft = reviewer.get(f"/admin/articles/{SLUG}").text
    assert "MBBS, MRCPsych" in draft
