"""The digest: change lines from typed sections, and digests holding only what changed."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import msgspec
import pytest

from schema.article import Review, Reviewer, Revision
from schema.changes import ArticleChange
from schema.sections import (
    ExplainerSection,
    SafetySection,
    Section,
    SideEffect,
    Therapy,
    TherapyTypesSection,
)
from seed.data import load_seed_article
from service.channels.digest import build_digest, describe_change, describe_section_change
from service.channels.digest.newsletter import escape_markdown
from service.channels.render import markdown_to_text

BASE_URL = "https://api.example.com"
AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def seed_revision(number: int = 1, **changes: Any) -> Revision:
    """The seed article as a published revision, with some fields replaced."""
    seed = load_seed_article()
    revision = Revision(
        article=seed.slug,
        number=number,
        fields=seed.fields,
        sections=seed.sections,
        review=seed.review,
        published_at=AT,
        published_by="seed",
    )
    return msgspec.structs.replace(revision, **changes)


def section(revision: Revision, key: str) -> Section:
    """The section with this key."""
    return next(s for s in revision.sections if s.key == key)


def with_section(revision: Revision, new: Section, number: int = 2) -> Revision:
    """A later revision with one section replaced (by key)."""
    sections = [new if s.key == new.key else s for s in revision.sections]
    return msgspec.structs.replace(revision, number=number, sections=sections)


def therapies() -> TherapyTypesSection:
    """The seed's therapy-types section."""
    found = section(seed_revision(), "therapy-types")
    assert isinstance(found, TherapyTypesSection)
    return found


def with_therapy(index: int, **changes: Any) -> TherapyTypesSection:
    """The therapy-types section with one therapy changed."""
    old = therapies()
    items = list(old.therapies)
    items[index] = msgspec.structs.replace(items[index], **changes)
    return msgspec.structs.replace(old, therapies=items)


def safety() -> SafetySection:
    """The seed's safety section."""
    found = section(seed_revision(), "safety")
    assert isinstance(found, SafetySection)
    return found


def change(before: Revision | None, after: Revision | None, **extra: Any) -> ArticleChange:
    """An article change between two revisions."""
    values: dict[str, Any] = {
        "slug": "ketamine-therapy-for-anxiety",
        "action": "published",
        "at": AT,
        "cursor": "ZXYxOjI",
        "before": before,
        "after": after,
        **extra,
    }
    return ArticleChange(**values)


IV_DOSE = therapies().therapies[0].dose


@pytest.mark.parametrize(
    ("new", "lines"),
    [
        (
            with_therapy(0, dose=msgspec.structs.replace(IV_DOSE, max=1.2)),
            ["IV dose range updated"],
        ),
        (
            with_therapy(3, schedule="weekly", dose=msgspec.structs.replace(IV_DOSE, unit="mg")),
            ["Intranasal dose range and schedule updated"],
        ),
        (
            with_therapy(1, name="IM shots"),
            ["IM renamed to IM shots"],
        ),
        (
            msgspec.structs.replace(therapies(), therapies=therapies().therapies[:3]),
            ["Nasal Spray (Esketamine / Spravato) removed"],
        ),
        (
            msgspec.structs.replace(
                therapies(),
                therapies=[
                    *therapies().therapies,
                    Therapy(
                        name="Oral booster",
                        route="intravenous",
                        dose=IV_DOSE,
                        body="A second IV protocol.",
                    ),
                ],
            ),
            ["Oral booster added"],
        ),
        (
            msgspec.structs.replace(safety(), body="Ketamine is safe when supervised."),
            ["Safety updated"],
        ),
        (
            msgspec.structs.replace(
                safety(), side_effects=[*safety().side_effects, SideEffect(name="Headache")]
            ),
            ["Safety updated (side effects)"],
        ),
        (
            msgspec.structs.replace(safety(), title="Safety first"),
            ["Safety heading updated"],
        ),
    ],
    ids=[
        "iv-dose",
        "two-facts-of-one-therapy",
        "therapy-renamed",
        "therapy-removed",
        "therapy-added",
        "safety-body",
        "safety-side-effects",
        "heading",
    ],
)
def test_section_change_lines_name_what_changed(new: Section, lines: list[str]) -> None:
    old = section(seed_revision(), new.key)
    assert describe_section_change(old, new) == lines


def test_therapies_sharing_a_route_are_named_rather_than_routed() -> None:
    old = therapies()
    second_iv = msgspec.structs.replace(old.therapies[0], name="IV booster")
    before = msgspec.structs.replace(old, therapies=[*old.therapies, second_iv])
    after = msgspec.structs.replace(
        before,
        therapies=[
            *old.therapies,
            msgspec.structs.replace(second_iv, dose=msgspec.structs.replace(IV_DOSE, max=2)),
        ],
    )
    assert describe_section_change(before, after) == ["IV booster dose range updated"]


def test_added_and_removed_sections_are_named() -> None:
    added = ExplainerSection(key="history", title="A short history", body="Since 1962.")
    assert describe_section_change(None, added) == ["A short history section added"]
    assert describe_section_change(safety(), None) == ["Safety removed"]


def test_article_change_lines_cover_publish_withdraw_rollback_fields_and_review() -> None:
    first = seed_revision()
    assert describe_change(change(None, first)) == ["New article"]
    assert describe_change(change(None, seed_revision(4))) == ["Republished"]
    assert describe_change(change(first, None, action="unpublished")) == ["Article withdrawn"]

    retitled = msgspec.structs.replace(
        first,
        number=2,
        fields=msgspec.structs.replace(first.fields, title="Ketamine for anxiety"),
        review=Review(reviewed_by=Reviewer(name="Dr. Ada Park", credentials="MD"), reviewed_at=AT),
    )
    assert describe_change(change(first, retitled)) == ["Title updated"]
    reviewed = msgspec.structs.replace(first, number=2, review=retitled.review)
    assert describe_change(change(first, reviewed)) == ["Medical review renewed"]
    reordered = msgspec.structs.replace(first, number=2, sections=first.sections[::-1])
    assert describe_change(change(first, reordered)) == ["Sections reordered"]

    restored = msgspec.structs.replace(
        with_section(first, with_therapy(0, dose=msgspec.structs.replace(IV_DOSE, min=0.4)), 3),
        restored_from=1,
    )
    assert describe_change(change(first, restored, action="rolled_back")) == [
        "Rolled back to revision 1",
        "IV dose range updated",
    ]


class Headings(HTMLParser):
    """The text of every h2 in an HTML document."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.headings: list[str] = []
        self._in_h2 = False
        self.doctypes = 0
        self.bodies = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_h2 = tag == "h2"
        self.bodies += tag == "body"

    def handle_endtag(self, tag: str) -> None:
        self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.headings.append(data)

    def handle_decl(self, decl: str) -> None:
        self.doctypes += 1


def test_digest_holds_only_the_changed_sections() -> None:
    first = seed_revision()
    second = with_section(first, msgspec.structs.replace(safety(), body="Updated safety text."))
    digest = build_digest(
        [change(first, second)], base_url=BASE_URL, next_cursor="ZXYxOjI", has_more=False
    )

    [item] = digest.items
    assert item.sections_changed == ["safety"]
    assert item.changes == ["Safety updated"]
    assert digest.subject == "Ketamine therapy for anxiety: Safety updated"
    assert Headings(digest.html).headings == ["What changed", safety().title]
    assert "Updated safety text." in digest.text
    assert section(first, "intro").title not in digest.text


def test_digest_of_two_articles_is_one_document_with_each_review_line() -> None:
    first = seed_revision()
    other_review = Review(reviewed_by=Reviewer(name="Dr. Ada Park"), reviewed_at=AT)
    other = msgspec.structs.replace(first, article="other-article", review=other_review)
    digest = build_digest(
        [change(None, first), change(None, other, slug="other-article")],
        base_url=BASE_URL,
        next_cursor="ZXYxOjM",
        has_more=True,
    )

    parsed = Headings(digest.html)
    assert (parsed.doctypes, parsed.bodies) == (1, 1)
    assert digest.html.count("</html>") == 1
    assert f"<title>{digest.subject}</title>" in digest.html
    assert digest.subject.startswith("2 articles updated")
    assert "Seed Reviewer" in digest.html and "Dr. Ada Park" in digest.html
    assert [item.slug for item in digest.items] == ["ketamine-therapy-for-anxiety", "other-article"]
    assert digest.has_more


def test_empty_digest_is_explicit() -> None:
    digest = build_digest([], base_url=BASE_URL, next_cursor="ZXYxOjE", has_more=False)

    assert (digest.subject, digest.items, digest.next_cursor) == ("No changes", [], "ZXYxOjE")
    assert digest.html.startswith("<!DOCTYPE html>") and "Nothing has changed" in digest.html
    assert "Nothing has changed" in digest.text


@pytest.mark.parametrize(
    "line",
    ["IV *dose* range_updated", "Section [1] (draft) <b>#2</b> - 50% & more!", "a\\b `c`"],
    ids=["emphasis", "brackets-and-html", "backslash-and-code"],
)
def test_escaped_lines_render_to_the_same_words(line: str) -> None:
    assert markdown_to_text(f"- {escape_markdown(line)}") == f"- {line}"
