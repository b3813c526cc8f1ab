"""The web render: the dosing table, a section per key, side effects, byline, sanitizing."""

from __future__ import annotations

import re

from schema.article import Article
from service.channels.render import render_web
from tests.channels.render.documents import BASE_URL, article_data, make_article
from tests.html_documents import Document


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
        '<aside class="disclaimer">This article is general information, not medical advice.'
        "</aside></article>"
    ) in html


def test_render_web_sanitizes_hostile_rich_text() -> None:
    sections = article_data()["sections"]
    sections[0] = {**sections[0], "body": "Hi <script>x()</script> [a](javascript:x()) <img src=x>"}
    document = Document(render_web(make_article(sections=sections), base_url=BASE_URL))

    assert document.tags().count("script") == 1  # only the JSON-LD
    assert document.tags().count("img") == 1  # only the hero image
    hrefs = [element.attrs.get("href") or "" for element in document.find_all("a")]
    assert hrefs == ["guides/ketamine", "https://example.com/find"]
    assert "Hi <script>x()</script>" in document.visible_text()
