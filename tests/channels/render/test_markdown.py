"""Markdown to sanitized HTML and to plain text: active content dropped, formatting kept."""

from __future__ import annotations

import pytest

from service.channels.render import markdown_to_html, markdown_to_text, sanitize_html
from tests.html_documents import Document

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
