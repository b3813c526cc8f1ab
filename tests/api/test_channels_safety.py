"""Channel routes serve safe HTML: hostile Markdown is inert, email HTML is inline-styled only."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import pytest
from litestar import Litestar

from schema.sections import IntroSection, SafetySection
from tests.api.channel_pages import EMAIL, TEXT, WEB, cursor_now, live_section, publish
from tests.conftest import ARTICLE, Client
from tests.html_documents import Document

HOSTILE = (
    'Visible words survive. <script>alert("x")</script> Still visible.\n\n'
    '<img src="x" onerror="alert(1)">\n\n'
    "[click me](javascript:alert(1)) and "
    '<iframe src="https://evil.example"></iframe> the end.'
)


def active_content(html: str) -> list[str]:
    """Everything in an HTML document that could run code or load a frame."""
    found = []
    for tag, attrs in Document(html).elements:
        if tag == "script" and attrs.get("type") != "application/ld+json":
            found.append("script")
        if tag in ("iframe", "object", "embed", "frame"):
            found.append(tag)
        if tag == "img" and attrs.get("src") == "x":
            found.append("img src=x")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{tag} {name}")
            if value and re.sub(r"\s", "", value).lower().startswith("javascript:"):
                found.append(f"{tag} {name}={value}")
    return found


def test_hostile_markdown_is_inert_in_every_channel(app: Litestar, client: Client) -> None:
    before = cursor_now(client)
    safety = live_section(app, "safety")
    assert isinstance(safety, SafetySection)
    publish(
        app,
        IntroSection(key="intro", title="Introduction", body=HOSTILE),
        msgspec.structs.replace(safety, body=HOSTILE, long_term=HOSTILE),
    )
    digest = client.get("/v1/newsletter", params={"since": before}).json()
    assert digest["items"][0]["sections_changed"] == ["intro", "safety"]

    htmls = {
        "web": client.get(WEB).text,
        "email": client.get(EMAIL).text,
        "newsletter": digest["html"],
    }
    article = client.get(ARTICLE, params={"format": "html"}).json()
    section = client.get(f"{ARTICLE}/sections/safety", params={"format": "html"}).json()
    htmls |= {"json intro body": article["sections"][0]["body"]}
    htmls |= {f"json safety {name}": section[name] for name in ("body", "long_term")}
    for name, html in htmls.items():
        assert active_content(html) == [], name
        assert "Visible words survive. " in Document(html).visible_text(), name
        assert "the end." in Document(html).visible_text(), name
    assert [tag for tag, _ in Document(htmls["web"]).elements].count("script") == 1  # the JSON-LD

    # Plain text is served as text/plain and never sniffed, so the literal characters are inert.
    text = client.get(TEXT)
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.headers["x-content-type-options"] == "nosniff"
    for body in (text.text, digest["text"]):
        assert "Visible words survive." in body and "the end." in body


STYLED_TAGS = {"table", "td", "th", "p", "h1", "h2", "a", "ul", "li"}


@pytest.mark.parametrize("source", ["render", "newsletter"])
def test_email_html_is_a_full_document_with_inline_styles_only(
    client: Client, safety_digest: dict[str, Any], source: str
) -> None:
    html = client.get(EMAIL).text if source == "render" else safety_digest["html"]
    page = Document(html)

    assert page.doctype is not None and page.doctype.lower() == "doctype html"
    assert page.tags()[:2] == ["html", "head"] and {"title", "body"} <= set(page.tags())
    assert not {"style", "script", "link"} & set(page.tags())
    assert [tag for tag, attrs in page.elements if "class" in attrs] == []
    styled = [(tag, attrs) for tag, attrs in page.elements if tag in STYLED_TAGS]
    assert {tag for tag, _ in styled} >= STYLED_TAGS - {"th"}  # a digest may hold no table
    assert [tag for tag, attrs in styled if not attrs.get("style")] == []
