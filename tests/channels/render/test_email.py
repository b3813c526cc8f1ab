"""The email render: a full document, inline styles, a 600px table layout, absolute links."""

from __future__ import annotations

from schema.article import Article
from service.channels.render import render_email, render_email_text, render_text
from tests.channels.render.documents import WEB_URL, rich_texts, sentences
from tests.html_documents import Document

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


def test_render_email_text_is_the_text_render_with_a_link_to_the_page(article: Article) -> None:
    text = render_email_text(article, web_url=WEB_URL)

    assert text == render_text(article).rstrip() + f"\n\nRead online: {WEB_URL}\n"
