"""Renders: Markdown sanitizing, rich-text formats, and the web, email and text channels."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import msgspec
import pytest

from schema.article import Article
from schema.base import rich_text_fields
from schema.sections import (
    CandidacySection,
    SafetySection,
    TherapyTypesSection,
    WhatToExpectSection,
)
from service.channels.render import (
    article_web_url,
    markdown_to_html,
    markdown_to_text,
    render_email,
    render_email_text,
    render_rich_text,
    render_text,
    render_web,
    sanitize_html,
)
from service.channels.render.references import resolve_references

BASE_URL = "https://api.example.com"
WEB_URL = "https://api.example.com/v1/articles/ketamine-for-anxiety/render/web"


def article_data(**overrides: Any) -> dict[str, Any]:
    """An article with one section of every kind, as it arrives on the wire."""
    data: dict[str, Any] = {
        "slug": "ketamine-for-anxiety",
        "title": "Ketamine therapy for anxiety",
        "summary": "Ketamine is a fast-acting option for treatment-resistant anxiety.",
        "hero_image": "https://cdn.example.com/hero.png",
        "revision": 3,
        "published_at": "2025-02-01T08:00:00Z",
        "updated_at": "2025-03-05T12:30:00Z",
        "review": {
            "reviewed_by": {"name": "Dana Lee", "credentials": "MD, Psychiatry"},
            "reviewed_at": "2025-03-04T09:15:00Z",
        },
        "disclaimer": "This article is general information, not medical advice.",
        "sections": [
            {
                "kind": "intro",
                "key": "intro",
                "title": "Introduction",
                "body": "Anxiety disorders affect millions of people. Some do not respond to "
                "first-line treatment.\n\nKetamine offers *another* route.",
            },
            {
                "kind": "explainer",
                "key": "how-it-works",
                "title": "How it works",
                "body": "Ketamine blocks N-methyl-D-aspartate (NMDA) receptors. This promotes "
                "neuroplasticity. See [the overview](guides/ketamine) for more.",
            },
            {
                "kind": "benefits",
                "key": "benefits",
                "title": "Benefits",
                "items": [
                    {"title": "Rapid relief", "body": "Symptoms can ease within hours."},
                    {"title": "Lasting change", "body": "Benefits may last for weeks."},
                ],
            },
            {
                "kind": "therapy_types",
                "key": "therapy-types",
                "title": "Types and dosing",
                "therapies": [
                    {
                        "name": "Intravenous (IV) infusion therapy",
                        "route": "intravenous",
                        "dose": {"min": 0.5, "max": 1.0, "unit": "mg/kg"},
                        "duration_minutes": {"min": 40, "max": 60},
                        "schedule": "usually over 2-4 weeks",
                        "onset": "within hours",
                        "setting": "a clinic",
                        "body": "Infusions run over a 40-60 minute period. Sessions are "
                        "usually given over 2-4 weeks.",
                    },
                    {
                        "name": "Nasal spray",
                        "route": "intranasal",
                        "dose": {"min": 56, "max": 84, "unit": "mg"},
                        "body": "Esketamine is given in a clinical setting.",
                    },
                ],
            },
            {
                "kind": "what_to_expect",
                "key": "what-to-expect",
                "title": "What to expect",
                "steps": [
                    {"title": "Consultation", "body": "A clinician checks your history."},
                    {"title": "Sessions", "body": "Each session lasts about an hour."},
                ],
            },
            {
                "kind": "safety",
                "key": "safety",
                "title": "Is it safe?",
                "body": "Ketamine is considered safe under supervision.",
                "side_effects": [
                    {"name": "Nausea"},
                    {"name": "Elevated blood pressure", "note": "usually brief"},
                ],
                "long_term": "Long-term risks are still being studied.",
            },
            {
                "kind": "candidacy",
                "key": "candidacy",
                "title": "Who can benefit?",
                "body": "It may help people who:",
                "conditions": ["Generalized anxiety disorder", "Panic disorder"],
                "criteria": ["Have not responded to other treatment."],
            },
            {
                "kind": "conclusion",
                "key": "conclusion",
                "title": "Conclusion",
                "body": "Ketamine is a promising option. Talk to your clinician.",
                "call_to_action": {"label": "Find a provider", "url": "https://example.com/find"},
            },
        ],
    }
    data.update(overrides)
    return data


def make_article(**overrides: Any) -> Article:
    """Decode an article the way the API does, so the fixture obeys the model's constraints."""
    return msgspec.json.decode(msgspec.json.encode(article_data(**overrides)), type=Article)


@pytest.fixture
def article() -> Article:
    """An article with every section kind."""
    return make_article()


class Element(msgspec.Struct):
    """One start tag seen by the parser."""

    tag: str
    attrs: dict[str, str | None]


class Document(HTMLParser):
    """Collects the tags, text, doctype and script bodies of an HTML string."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []
        self.doctype: str | None = None
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def tags(self) -> list[str]:
        """The tag names in document order."""
        return [element.tag for element in self.elements]

    def visible_text(self) -> str:
        """The text outside scripts, whitespace collapsed."""
        return collapse("".join(self.text))

    def find_all(self, tag: str) -> list[Element]:
        """Every element with this tag name."""
        return [element for element in self.elements if element.tag == tag]


def collapse(text: str) -> str:
    """Text with every run of whitespace turned into one space."""
    return " ".join(text.split())


def rich_texts(value: object) -> list[str]:
    """Every non-empty rich-text value in a Struct tree, found by type, references resolved."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, msgspec.Struct):
            rich = rich_text_fields(type(node))
            for name in node.__struct_fields__:
                item = getattr(node, name)
                if name in rich and isinstance(item, str):
                    found.extend([item] if item else [])
                else:
                    walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(resolve_references(value))
    return found


def sentences(md: str) -> list[str]:
    """The sentences of plain Markdown prose, with emphasis and link syntax removed."""
    prose = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md).replace("*", "")
    return [s for s in re.split(r"(?<=[.!?:])\s+", collapse(prose)) if s]


# Markdown ---------------------------------------------------------------------------------

HOSTILE_MARKDOWN = [
    ("Before <script>alert(1)</script> after", ["Before", "after"]),
    ("Before\n\n<script>\nalert(1)\n</script>\n\nafter", ["Before", "after"]),
    ('Look <img src="x" onerror="alert(1)"> here', ["Look", "here"]),
    ("[click me](javascript:alert(1)) now", ["click me", "now"]),
    ("[click me](JaVaScRiPt:alert(1))", ["click me"]),
    ("<javascript:alert(1)>", ["javascript:alert(1)"]),
    ('Watch <iframe src="https://evil.example"></iframe> this', ["Watch", "this"]),
    ("[data](data:text/html;base64,PHNjcmlwdD4=) link", ["data", "link"]),
]


@pytest.mark.parametrize(
    ("md", "visible"),
    HOSTILE_MARKDOWN,
    ids=[
        "inline-script",
        "html-block-script",
        "img-onerror",
        "javascript-link",
        "mixed-case-javascript-link",
        "javascript-autolink",
        "iframe",
        "data-uri-link",
    ],
)
def test_markdown_to_html_drops_active_content_and_keeps_visible_text(
    md: str, visible: list[str]
) -> None:
    document = Document(markdown_to_html(md))

    assert not {"script", "img", "iframe"} & set(document.tags())
    for element in document.elements:
        assert not any(name.startswith("on") for name in element.attrs)
        href = element.attrs.get("href") or ""
        assert not href.lower().startswith(("javascript:", "data:"))
    for words in visible:
        assert words in document.visible_text()


def test_markdown_to_html_escapes_raw_html_as_text() -> None:
    html = markdown_to_html("Say <b>hi</b>")

    assert html == "<p>Say &lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_markdown_to_html_keeps_formatting_and_marks_links_nofollow() -> None:
    html = markdown_to_html(
        "# Top\n\n**Bold** and *em* with `code`.\n\n- one\n- two\n\n[site](https://example.com)"
    )
    document = Document(html)

    # A section's heading is the <h2>, so a Markdown <h1> is clamped rather than emitted.
    assert document.tags() == ["h2", "p", "strong", "em", "code", "ul", "li", "li", "p", "a"]
    link = document.find_all("a")[0]
    assert link.attrs == {"href": "https://example.com", "rel": "noopener noreferrer nofollow"}


def test_sanitize_html_removes_scripts_handlers_and_unknown_tags() -> None:
    html = sanitize_html(
        '<p onclick="x()">Hi</p><script>steal()</script><iframe src="x"></iframe>'
        '<a href="javascript:x()">there</a><div>plain</div>'
    )

    assert html == '<p>Hi</p><a rel="noopener noreferrer nofollow">there</a>plain'


@pytest.mark.parametrize(
    ("md", "text"),
    [
        ("One *two* **three**.\n\nNext `code` para.", "One two three.\n\nNext code para."),
        ("- apple\n- pear", "- apple\n- pear"),
        ("1. first\n2. second", "1. first\n2. second"),
        ("- outer\n  - inner", "- outer\n  - inner"),
        ("A [link](https://example.com) here.", "A link here."),
        ("## Heading\n\nBody text\nwrapped.", "Heading\n\nBody text wrapped."),
        ("Say <b>hi</b>", "Say <b>hi</b>"),
    ],
    ids=["emphasis", "bullets", "ordered", "nested", "link", "heading", "raw-html-literal"],
)
def test_markdown_to_text_reads_as_plain_text(md: str, text: str) -> None:
    assert markdown_to_text(md) == text


# Rich-text fields -------------------------------------------------------------------------


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


# Web --------------------------------------------------------------------------------------


def json_ld(html: str) -> dict[str, Any]:
    """The one JSON-LD object in a rendered page."""
    scripts = Document(html).scripts
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0])
    return data


def test_render_web_has_a_dosing_table_with_each_therapy(article: Article) -> None:
    html = render_web(article, base_url=BASE_URL)

    headers = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert headers == ["Therapy", "Route", "Dose", "Duration", "Schedule", "Onset", "Setting"]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", html)
    assert [re.findall(r"<td>([^<]*)</td>", row) for row in rows] == [
        [
            "Intravenous (IV)",
            "0.5\u20131 mg/kg",
            "40\u201360 min",
            "usually over 2-4 weeks",
            "within hours",
            "a clinic",
        ],
        ["Intranasal", "56\u201384 mg", "\u2014", "\u2014", "\u2014", "\u2014"],
    ]
    assert "Infusions run over a 40-60 minute period." in Document(html).visible_text()


def test_render_web_has_one_section_per_key_with_its_heading(article: Article) -> None:
    document = Document(render_web(article, base_url=BASE_URL))

    ids = [element.attrs["id"] for element in document.find_all("section")]
    assert ids == [section.key for section in article.sections]
    assert document.tags().count("h2") == len(article.sections)
    assert document.find_all("img")[0].attrs == {
        "src": "https://cdn.example.com/hero.png",
        "alt": "Ketamine therapy for anxiety",
    }


def test_render_web_lists_side_effects_with_notes(article: Article) -> None:
    html = render_web(article, base_url=BASE_URL)

    assert (
        '<ul class="side-effects"><li>Nausea</li><li>Elevated blood pressure (usually brief)</li>'
        "</ul>"
    ) in html


def test_render_web_ends_with_byline_and_disclaimer(article: Article) -> None:
    html = render_web(article, base_url=BASE_URL)

    assert (
        '<p class="review-byline">Medically reviewed by Dana Lee, MD, Psychiatry on '
        '<time datetime="2025-03-04">March 4, 2025</time></p>'
        '<p class="review-dates">Last reviewed March 4, 2025</p>'
        '<aside class="disclaimer">This article is general information, not medical advice.'
        "</aside></article>"
    ) in html


def test_render_web_json_ld_matches_the_review_record(article: Article) -> None:
    data = json_ld(render_web(article, base_url=BASE_URL + "/"))
    about = data.pop("about")

    assert [entity["@type"] for entity in about][:2] == ["Drug", "Drug"]
    assert data == {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": "Ketamine therapy for anxiety",
        "description": article.summary,
        "url": article_web_url(BASE_URL, article.slug),
        "lastReviewed": "2025-03-04",
        "reviewedBy": {"@type": "Person", "name": "Dana Lee", "description": "MD, Psychiatry"},
        "datePublished": "2025-02-01T08:00:00Z",
        "dateModified": "2025-03-05T12:30:00Z",
        "image": "https://cdn.example.com/hero.png",
    }
    assert data["url"] == WEB_URL


def test_render_web_title_cannot_close_the_json_ld_script() -> None:
    title = "Ketamine </script><script>alert(1)</script> <!-- x"
    html = render_web(make_article(title=title), base_url=BASE_URL)

    assert html.lower().count("</script") == 1
    assert json_ld(html)["name"] == title
    assert "<h1>Ketamine &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_render_web_sanitizes_hostile_rich_text() -> None:
    sections = article_data()["sections"]
    sections[0] = {**sections[0], "body": "Hi <script>x()</script> [a](javascript:x()) <img src=x>"}
    document = Document(render_web(make_article(sections=sections), base_url=BASE_URL))

    assert document.tags().count("script") == 1  # only the JSON-LD
    assert document.tags().count("img") == 1  # only the hero image
    hrefs = [element.attrs.get("href") or "" for element in document.find_all("a")]
    assert hrefs == ["guides/ketamine", "https://example.com/find"]
    assert "Hi <script>x()</script>" in document.visible_text()


# Email ------------------------------------------------------------------------------------

STYLED_TAGS = {"table", "td", "th", "p", "h1", "h2", "h3", "a", "ul", "ol", "li", "img"}


def test_render_email_is_a_full_document_without_scripts_styles_or_classes(
    article: Article,
) -> None:
    html = render_email(article, web_url=WEB_URL)
    document = Document(html)

    assert document.doctype is not None and document.doctype.lower() == "doctype html"
    assert document.tags()[:4] == ["html", "head", "meta", "meta"]
    assert {"head", "title", "body"} <= set(document.tags())
    assert document.find_all("meta")[0].attrs == {"charset": "utf-8"}
    assert not {"style", "script", "link"} & set(document.tags())
    assert [element for element in document.elements if "class" in element.attrs] == []


def test_render_email_styles_every_element_inline(article: Article) -> None:
    document = Document(render_email(article, web_url=WEB_URL))

    styled = [element for element in document.elements if element.tag in STYLED_TAGS]
    assert {element.tag for element in styled} == STYLED_TAGS
    assert [element for element in styled if not element.attrs.get("style")] == []


def test_render_email_uses_a_centered_600px_table_layout(article: Article) -> None:
    tables = Document(render_email(article, web_url=WEB_URL)).find_all("table")

    assert tables[0].attrs["width"] == "100%"
    assert tables[1].attrs["width"] == "600"
    assert "width:600px" in (tables[1].attrs["style"] or "")


def test_render_email_links_are_absolute(article: Article) -> None:
    document = Document(render_email(article, web_url=WEB_URL))

    links = [element.attrs.get("href") or element.attrs.get("src") for element in document.elements]
    urls = [url for url in links if url is not None]
    assert urls[0] == WEB_URL
    assert "https://api.example.com/v1/articles/ketamine-for-anxiety/render/guides/ketamine" in urls
    assert "https://example.com/find" in urls
    assert all(url.startswith(("https://", "http://", "mailto:")) for url in urls)


def test_render_email_carries_the_same_facts_as_the_web(article: Article) -> None:
    email_text = Document(render_email(article, web_url=WEB_URL)).visible_text()

    for fact in [
        "0.5\u20131 mg/kg",
        "56\u201384 mg",
        "40\u201360 min",
        "Elevated blood pressure (usually brief)",
        "Medically reviewed by Dana Lee, MD, Psychiatry on March 4, 2025",
        "This article is general information, not medical advice.",
        "Read online",
        *(sentence for md in rich_texts(article) for sentence in sentences(md)),
    ]:
        assert fact in email_text


# Text -------------------------------------------------------------------------------------


def test_render_text_aligns_the_dosing_table(article: Article) -> None:
    lines = render_text(article).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Therapy "))
    end = lines.index("", start)
    header, rule, *body = lines[start:end]
    # Long therapy names wrap inside their column onto indented continuation lines.
    rows = [line for line in body if not line.startswith(" ")]

    offsets = [header.index(name) for name in ("Route", "Dose", "Duration")]
    cells = [[row[offset:].split("  ")[0] for offset in offsets] for row in rows]
    assert cells == [
        ["Intravenous (IV)", "0.5\u20131 mg/kg", "40\u201360 min"],
        ["Intranasal", "56\u201384 mg", "\u2014"],
    ]
    assert all(row[offset - 2 : offset] == "  " for row in rows for offset in offsets)
    assert set(rule) == {"-"}
    name = " ".join(line[: offsets[0]].strip() for line in body[:2])
    assert name == "Intravenous (IV) infusion therapy"


@pytest.mark.parametrize("width", [30, 72], ids=["narrow", "default"])
def test_render_text_keeps_every_sentence_of_the_rich_text(article: Article, width: int) -> None:
    text = collapse(render_text(article, width=width))

    expected = [sentence for md in rich_texts(article) for sentence in sentences(md)]
    assert len(expected) > 15
    assert [sentence for sentence in expected if sentence not in text] == []
    assert "N-methyl-D-aspartate" in render_text(article, width=width)


def test_render_text_wraps_within_width_and_lists_facts(article: Article) -> None:
    text = render_text(article)

    assert max(len(line) for line in text.splitlines()) <= 72
    assert text.startswith("Ketamine therapy for anxiety\n============================\n")
    for line in [
        "- Nausea",
        "- Elevated blood pressure (usually brief)",
        "- Generalized anxiety disorder",
        "- Have not responded to other treatment.",
        "1. Consultation",
        "- Rapid relief",
        "Schedule: usually over 2-4 weeks",
        "Find a provider: https://example.com/find",
        "Medically reviewed by Dana Lee, MD, Psychiatry on March 4, 2025",
    ]:
        assert line in text.splitlines()
    assert not re.search(r"[*<>`\[\]]", text)


def test_render_email_text_is_the_text_render_with_a_link_to_the_page(article: Article) -> None:
    text = render_email_text(article, web_url=WEB_URL)

    assert text == render_text(article).rstrip() + f"\n\nRead online: {WEB_URL}\n"


# The second wave's kinds, from the SSRI fixture (test data, not medical advice) ------------


@pytest.fixture
def ssri() -> Article:
    """The SSRI fixture article as published content."""
    created = json.loads(
        (Path(__file__).parent / "fixtures" / "ssri-tablets-test-data.json").read_text()
    )
    return make_article(sections=created["sections"])


def test_render_text_writes_interactions_warnings_bands_and_phases(ssri: Article) -> None:
    text = collapse(render_text(ssri, width=200))

    for line in [
        "- Monoamine oxidase inhibitors (MAOIs) (High severity) Taken together",
        "- Suicidal thoughts in young adults (High severity)",
        "- Nausea (very common: 1 in 10 or more)",
        "- Serotonin syndrome (rare: 1 in 10,000 to 1 in 1,000; serious)",
        "- Can I stop suddenly? No: the dose is tapered.",
        "Schedule: 50 mg once a day for 1 week, then 50\u2013200 mg once a day",
        "Form: Film-coated tablet",
        "Maximum: 200 mg a day",
        "Treatment starts at 50 mg once a day for 1 week",
    ]:
        assert line in text, line
    assert "{" not in text


def test_render_web_lists_therapy_facts_and_labelled_items(ssri: Article) -> None:
    html = render_web(ssri, base_url=BASE_URL)

    assert (
        '<ul class="facts"><li>Form: Film-coated tablet</li><li>Maximum: 200 mg a day</li>' in html
    )
    assert "<li><strong>Taking an MAOI now or in the last two weeks</strong><p>" in html
    assert "<td>Oral</td><td>50\u2013200 mg</td>" in html
