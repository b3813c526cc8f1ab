"""Rich-text fields in each format: nested fields converted, the rest kept."""

from __future__ import annotations

import msgspec

from schema.article import Article
from schema.sections import (
    CandidacySection,
    SafetySection,
    TherapyTypesSection,
    WhatToExpectSection,
)
from service.channels.render import render_rich_text
from tests.channels.render.documents import article_data, make_article


def test_render_rich_text_html_converts_nested_fields_and_keeps_the_rest(article: Article) -> None:
    rendered = render_rich_text(article, "html")

    assert type(rendered) is Article
    therapies = rendered.sections[3]
    assert isinstance(therapies, TherapyTypesSection)
    assert therapies.therapies[1].body == "<p>Esketamine is given in a clinical setting.</p>\n"
    safety = rendered.sections[5]
    assert isinstance(safety, SafetySection)
    assert safety.long_term == "<p>Long-term risks are still being studied.</p>\n"
    # Non-rich fields are untouched, even where they look like Markdown-able text.
    assert therapies.therapies[1].name == "Nasal spray"
    assert rendered.title == article.title
    candidacy = rendered.sections[6]
    assert isinstance(candidacy, CandidacySection)
    assert candidacy.conditions == ["Generalized anxiety disorder", "Panic disorder"]
    assert msgspec.structs.replace(rendered, sections=article.sections) == article


def test_render_rich_text_text_converts_list_items(article: Article) -> None:
    steps = render_rich_text(article.sections[4], "text")

    assert isinstance(steps, WhatToExpectSection)
    assert [step.body for step in steps.steps] == [
        "A clinician checks your history.",
        "Each session lasts about an hour.",
    ]
    intro = render_rich_text(article.sections[:1], "text")[0]
    assert getattr(intro, "body", None) == (
        "Anxiety disorders affect millions of people. Some do not respond to first-line "
        "treatment.\n\nKetamine offers another route."
    )


def test_render_rich_text_markdown_returns_stored_text(article: Article) -> None:
    assert render_rich_text(article, "markdown") is article


def test_render_rich_text_leaves_empty_rich_text_empty() -> None:
    sections = article_data()["sections"]
    sections[5] = {**sections[5], "long_term": ""}
    article = make_article(sections=sections)

    safety = render_rich_text(article, "html").sections[5]

    assert isinstance(safety, SafetySection)
    assert safety.long_term == ""
    assert safety.body == "<p>Ketamine is considered safe under supervision.</p>\n"
