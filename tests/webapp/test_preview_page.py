"""The preview page: one render at a time, the sections the draft changes marked (in the frame,
in the list, in the plain text) and the first one opened; the email at its own width, the text
as it is sent."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from schema.admin import Role
from schema.article import Article, Review, Reviewer
from seed.data import load_seed_article
from service.channels.render import render_text
from service.webapp.preview_view import ChangedSection, text_parts
from tests.conftest import REVIEWER
from tests.webapp.client import ARTICLE, Client, sign_in, submitted_for_review

FRAME = f"{ARTICLE}/preview"
SEED = load_seed_article()


def test_the_frame_opens_at_the_first_changed_section_which_is_listed(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    submitted_for_review(editor, reviewer, token_of)
    page = reviewer.get(FRAME).text
    assert page.count("<iframe") == 1
    assert f'src="{FRAME}/draft/web#therapy-types"' in page
    listed = page[page.index('id="h-changed"') : page.index("</section>", page.index("h-changed"))]
    assert "Sections the draft changes (1)" in listed
    assert (
        f'<a href="{FRAME}/draft/web#therapy-types" target="render-frame">'
        "Types of Ketamine Therapy and Dosing</a>"
    ) in listed
    assert '<script src="/admin/static/preview.js" defer></script>' in page


@pytest.mark.parametrize("channel", ["web", "email"])
@pytest.mark.parametrize("which", ["draft", "live"])
def test_the_frame_marks_only_the_changed_sections(
    browsers: tuple[Client, Client],
    token_of: Callable[[str, Role], str],
    channel: str,
    which: str,
) -> None:
    editor, reviewer = browsers
    submitted_for_review(editor, reviewer, token_of)
    frame = reviewer.get(f"{FRAME}/{which}/{channel}").text
    marked = re.findall(r'\[id="([a-z0-9-]+)"\]::before\{content:"([^"]+)"', frame)
    assert marked == [("therapy-types", "Changed in the draft")]
    # The section the mark names is there to be marked (the email keeps no ids of its own).
    assert re.search(r'<(?:section|td)\b[^>]* id="therapy-types"', frame)


def test_an_unchanged_draft_marks_nothing(
    client: Client, token_of: Callable[[str, Role], str]
) -> None:
    sign_in(client, token_of(REVIEWER, "reviewer"))
    page = client.get(FRAME).text
    assert "The draft changes no section" in page
    assert f'src="{FRAME}/draft/web"' in page
    assert "::before" not in client.get(f"{FRAME}/draft/web").text


def test_the_email_is_framed_at_its_own_width_and_the_text_as_sent(
    browsers: tuple[Client, Client], token_of: Callable[[str, Role], str]
) -> None:
    editor, reviewer = browsers
    submitted_for_review(editor, reviewer, token_of)
    email = reviewer.get(f"{FRAME}?channel=email").text
    assert 'class="render-frame frame-email"' in email
    css = reviewer.get("/admin/static/admin.css").text
    assert re.search(r"\.render-frame\.frame-email \{ width: 640px; max-width: none; \}", css)
    assert re.search(r"\.channel-text \.text-render \{ white-space: pre;", css)
    text = reviewer.get(f"{FRAME}?channel=text").text
    pre = text[text.index('<pre class="text-render"') : text.index("</pre>")]
    assert 'data-first-change="text-therapy-types"' in pre
    assert (
        '<span class="changed-text" id="text-therapy-types" data-label="Changed in the draft">'
    ) in pre
    lines = html.unescape(re.sub(r"<[^>]+>", "", pre.split(">", 1)[1])).split("\n")
    assert max(len(line) for line in lines) <= 72  # wrapped by the text render, not the page


def test_the_text_parts_cut_at_section_headings_and_keep_every_character() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    shown = Article.from_fields(
        "a",
        SEED.fields,
        revision=1,
        published_at=at,
        updated_at=at,
        review=Review(reviewed_by=Reviewer(name="R"), reviewed_at=at),
        sections=list(SEED.sections),
    )
    changed = [
        ChangedSection("intro", "Introduction", "Changed in the draft", True),
        ChangedSection("conclusion", "Conclusion", "New in the draft", True),
    ]
    parts = text_parts(shown, changed)
    assert "".join(part.text for part in parts) == render_text(shown)
    marked = [(part.key, part.text.split("\n", 1)[0]) for part in parts if part.key]
    assert marked == [("intro", "Introduction"), ("conclusion", "Conclusion")]
    conclusion = next(part for part in parts if part.key == "conclusion")
    assert "Medically reviewed" not in conclusion.text
