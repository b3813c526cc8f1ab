"""The bundled seed article decodes, has the agreed structure, and reproduces its source text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TypeVar

import msgspec
import pytest
from markdown_it import MarkdownIt

from schema.base import Model, rich_text_fields
from schema.sections import (
    BenefitsSection,
    CandidacySection,
    ConclusionSection,
    ExplainerSection,
    IntroSection,
    SafetySection,
    TherapyTypesSection,
    WhatToExpectSection,
)
from seed.data import SeedArticle, load_seed_article
from service.channels.render.references import resolve_references
from tests.seed.source import SOURCE_TEXT, iter_strings

IMAGE_LINE = re.compile(r"^!\[[^\]]*\]\((?P<url>[^)\s]+)\)$")
PAGE_CHROME = "Comments"
ITEM_SEPARATOR = " \N{EN DASH} "  # between title and body in the benefit and step lines

ADDED_TITLE = "Ketamine therapy for anxiety"
ADDED_SECTION_TITLES = {"intro": "Introduction", "conclusion": "Conclusion"}
SUMMARY = (
    "In recent years, ketamine therapy has emerged as a revolutionary alternative for those "
    "struggling with treatment-resistant anxiety."
)

S = TypeVar("S", bound=Model)


@pytest.fixture(scope="module")
def article() -> SeedArticle:
    """The seed article as the loader decodes it."""
    return load_seed_article()


@pytest.fixture(scope="module")
def resolved(article: SeedArticle) -> SeedArticle:
    """The seed article as readers get it: references to typed facts written out."""
    return resolve_references(article)


def as_rendered(text: str) -> str:
    """Source text as channels write typed facts: ranges with an en dash, no trailing zeros.

    The seed refers to its typed doses and durations; channels write ``2`` en dash ``4`` and
    ``1`` rather than ``1.0`` (a trailing zero is misread as ten times the dose).
    """
    text = re.sub(r"(?<=\d)-(?=\d)", "\N{EN DASH}", text)
    return re.sub(r"\b(\d+)\.0\b", r"\1", text)


@pytest.fixture(scope="module")
def source_lines() -> list[str]:
    """Lines of the source article, without its hero image line and trailing page chrome."""
    assert SOURCE_TEXT.is_file(), f"seed source text not found at {SOURCE_TEXT}"
    lines = [line.strip() for line in SOURCE_TEXT.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    assert IMAGE_LINE.match(lines[0]), "expected the source to open with its image"
    assert lines[-1] == PAGE_CHROME, "expected the source to end with page chrome"
    return lines[1:-1]


def only_section(article: SeedArticle, kind: type[S]) -> S:
    """The single section of the given kind."""
    found = [s for s in article.sections if isinstance(s, kind)]
    assert len(found) == 1, f"expected one {kind.__name__}, found {len(found)}"
    return found[0]


def split_sentences(line: str) -> list[str]:
    """A line split after each sentence-ending mark that is followed by whitespace."""
    return [part for part in re.split(r"(?<=[.!?])\s+", line) if part]


def test_seed_article_has_agreed_slug_and_source_hero_image(article: SeedArticle) -> None:
    first_line = SOURCE_TEXT.read_text(encoding="utf-8").splitlines()[0].strip()
    image = IMAGE_LINE.match(first_line)

    assert article.slug == "ketamine-therapy-for-anxiety"
    assert image is not None
    assert article.fields.hero_image == image["url"]


def test_sections_come_in_agreed_key_and_kind_order(article: SeedArticle) -> None:
    assert [(s.key, type(s)) for s in article.sections] == [
        ("intro", IntroSection),
        ("what-is-ketamine", ExplainerSection),
        ("how-it-works", ExplainerSection),
        ("benefits", BenefitsSection),
        ("therapy-types", TherapyTypesSection),
        ("what-to-expect", WhatToExpectSection),
        ("safety", SafetySection),
        ("candidacy", CandidacySection),
        ("conclusion", ConclusionSection),
    ]


def test_therapies_carry_routes_dose_ranges_and_durations_from_source(
    article: SeedArticle,
) -> None:
    therapies = only_section(article, TherapyTypesSection).therapies

    assert [
        (
            t.route,
            t.dose.min,
            t.dose.max,
            t.dose.unit,
            None
            if t.duration_minutes is None
            else (t.duration_minutes.min, t.duration_minutes.max),
        )
        for t in therapies
    ] == [
        ("intravenous", 0.5, 1.0, "mg/kg", (40, 60)),
        ("intramuscular", 0.75, 1.5, "mg/kg", None),
        ("sublingual", 100, 300, "mg", None),
        ("intranasal", 56, 84, "mg", None),
    ]


def test_therapy_paragraphs_refer_to_their_dose_instead_of_restating_it(
    article: SeedArticle, resolved: SeedArticle
) -> None:
    for therapy in only_section(article, TherapyTypesSection).therapies:
        assert "{dose.min} to {dose.max}" in therapy.body, therapy.name
        assert not re.search(r"\d+ ?mg", therapy.body), therapy.name
    stated_range = re.compile(r"(\d+(?:\.\d+)?) (mg/kg|mg) to (\d+(?:\.\d+)?) \2 ")

    for therapy in only_section(resolved, TherapyTypesSection).therapies:
        stated = stated_range.search(therapy.body)
        assert stated is not None, therapy.name
        assert (float(stated[1]), float(stated[3]), stated[2]) == (
            therapy.dose.min,
            therapy.dose.max,
            therapy.dose.unit,
        ), therapy.name


def test_therapy_schedule_onset_and_setting_quote_their_own_paragraph(
    resolved: SeedArticle,
) -> None:
    therapies = only_section(resolved, TherapyTypesSection).therapies

    assert [(t.schedule, t.onset, t.setting) for t in therapies] == [
        (
            "usually over 2\N{EN DASH}4 weeks",
            "often felt within hours",
            "in a controlled medical environment",
        ),
        (None, None, None),
        (None, "often peaking within 30\N{EN DASH}45 minutes", "at home under medical supervision"),
        (
            "twice a week for the first month, then tapered based on the "
            "patient\N{RIGHT SINGLE QUOTATION MARK}s response",
            None,
            "in a clinical setting",
        ),
    ]
    for therapy in therapies:
        for detail in (therapy.schedule, therapy.onset, therapy.setting):
            assert detail is None or detail in therapy.body, (therapy.name, detail)


def test_benefits_and_steps_split_source_lines_at_the_dash(
    article: SeedArticle, source_lines: list[str]
) -> None:
    benefits = only_section(article, BenefitsSection).items
    steps = only_section(article, WhatToExpectSection).steps

    assert [b.title for b in benefits] == [
        "Rapid Relief",
        "Neuroplasticity Enhancement",
        "Reduced Reliance on Daily Medications",
        "Effective for Treatment-Resistant Anxiety",
    ]
    assert [s.title for s in steps] == [
        "Initial Consultation",
        "Treatment Sessions",
        "Integration and Support",
    ]
    for item in (*benefits, *steps):
        assert f"{item.title}{ITEM_SEPARATOR}{item.body}" in source_lines


def test_safety_lists_four_side_effects_with_a_note_only_on_blood_pressure(
    article: SeedArticle,
) -> None:
    safety = only_section(article, SafetySection)

    assert [(e.name, e.note) for e in safety.side_effects] == [
        ("Temporary dizziness", ""),
        ("Mild dissociation", ""),
        ("Nausea", ""),
        ("Elevated blood pressure", "usually brief"),
    ]
    assert safety.long_term.startswith("Long-term risks are still being studied")


def test_candidacy_conditions_are_the_three_named_in_the_first_criterion(
    article: SeedArticle,
) -> None:
    candidacy = only_section(article, CandidacySection)

    assert [c.lower() for c in candidacy.conditions] == [
        "generalized anxiety disorder (gad)",
        "social anxiety disorder",
        "panic disorder",
    ]
    assert len(candidacy.criteria) == 4
    for condition in candidacy.conditions:
        assert condition.lower() in candidacy.criteria[0].lower()


def test_conclusion_is_two_paragraphs_without_invented_call_to_action(
    article: SeedArticle, source_lines: list[str]
) -> None:
    conclusion = only_section(article, ConclusionSection)

    assert conclusion.body.split("\n\n") == source_lines[-2:]
    assert conclusion.call_to_action is None


def test_added_text_is_limited_to_agreed_values(article: SeedArticle) -> None:
    review = article.review

    assert article.fields.title == ADDED_TITLE
    assert article.fields.summary == SUMMARY
    assert SUMMARY in only_section(article, IntroSection).body
    for key, title in ADDED_SECTION_TITLES.items():
        assert next(s for s in article.sections if s.key == key).title == title
    assert review.reviewed_by.name == "Seed Reviewer (placeholder)"
    assert review.reviewed_by.credentials == "Placeholder for seed data; not a real medical review"
    assert review.reviewed_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert "not medical advice" in article.fields.disclaimer
    assert "qualified clinician" in article.fields.disclaimer


def test_every_source_sentence_appears_verbatim_in_seed_data(
    resolved: SeedArticle, source_lines: list[str]
) -> None:
    article = resolved
    strings = [value for _, value in iter_strings(msgspec.to_builtins(article))]
    # The data splits some source lines into fields; rejoin them the way the source wrote them.
    items = (
        *only_section(article, BenefitsSection).items,
        *only_section(article, WhatToExpectSection).steps,
    )
    strings += [f"{item.title}{ITEM_SEPARATOR}{item.body}" for item in items]
    strings += [
        f"{effect.name} ({effect.note})"
        for effect in only_section(article, SafetySection).side_effects
        if effect.note
    ]
    haystack = "\n".join(strings)
    section_titles = {section.title for section in article.sections}

    missing = [
        sentence
        for line in source_lines
        for sentence in split_sentences(as_rendered(line))
        if sentence not in haystack
        # A heading's trailing colon is punctuation; titles are stored without it.
        and not (sentence.endswith(":") and sentence[:-1] in section_titles)
    ]

    assert missing == []


def test_seed_data_adds_no_text_beyond_allowed_additions(
    resolved: SeedArticle, source_lines: list[str]
) -> None:
    article = resolved
    source = as_rendered(" ".join(source_lines))
    added_title_paths = {
        ("sections", index, "title")
        for index, section in enumerate(article.sections)
        if section.key in ADDED_SECTION_TITLES
    }

    def is_allowed_addition(path: tuple[str | int, ...]) -> bool:
        return (
            path in {("slug",), ("fields", "title"), ("fields", "disclaimer")}
            or path == ("fields", "hero_image")  # checked against the image line above
            or path[0] == "review"
            or path in added_title_paths
            or path[-1] in {"key", "kind", "route", "unit", "form", "period_unit"}
            or "route_coding" in path
            or "form_coding" in path
            or (len(path) >= 2 and path[-2] == "conditions")  # typed, checked above
        )

    invented = [
        (path, value)
        for path, value in iter_strings(msgspec.to_builtins(article))
        if not is_allowed_addition(path) and value and value.replace("\n\n", " ") not in source
    ]

    assert invented == []


def rich_strings(value: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[object, str]]:
    """Every non-empty rich-text string in a Struct tree, found by its type, with its path."""
    if isinstance(value, msgspec.Struct):
        rich = rich_text_fields(type(value))
        for name in value.__struct_fields__:
            item = getattr(value, name)
            if name in rich and isinstance(item, str) and item:
                yield (*path, name), item
            else:
                yield from rich_strings(item, (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from rich_strings(item, (*path, index))


def test_rich_text_renders_as_plain_paragraphs_of_the_stored_text(article: SeedArticle) -> None:
    markdown = MarkdownIt("commonmark")
    rich = list(rich_strings(article))

    assert len(rich) > 10
    for path, value in rich:
        tokens = markdown.parse(value)
        inline = [t for t in tokens if t.type == "inline"]
        assert {t.type for t in tokens} == {"paragraph_open", "inline", "paragraph_close"}, path
        assert all(c.type == "text" for t in inline for c in t.children or []), path
        assert "\n\n".join(t.content for t in inline) == value, path
