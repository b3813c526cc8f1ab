"""Draft preview bodies in exactly the public shapes; never prepared for a cache."""

from __future__ import annotations

import msgspec

from schema.api import RichTextFormat
from schema.text import without_controls
from service.channels.render import (
    article_web_url,
    render_email,
    render_rich_text,
    render_text,
    render_web,
)
from service.delivery.reads import HTML, JSON, TEXT, parse_section_keys, select_sections
from service.editorial.preview import draft_article
from service.errors import NotFound
from service.store.db import ContentDB

_encode = msgspec.json.Encoder().encode
Body = tuple[bytes, str]


def article_body(db: ContentDB, slug: str, fmt: RichTextFormat, sections: str | None) -> Body:
    """The draft as `GET /v1/articles/{slug}` would answer it once published."""
    article = select_sections(draft_article(db, slug), parse_section_keys(sections))
    return _encode(render_rich_text(article, fmt)), JSON


def section_body(db: ContentDB, slug: str, key: str, fmt: RichTextFormat) -> Body:
    """One section of the draft."""
    article = render_rich_text(draft_article(db, slug), fmt)
    for section in article.sections:
        if section.key == key:
            return _encode(section), JSON
    raise NotFound(f"The draft of {slug!r} has no section {key!r}.")


def render_body(
    db: ContentDB, slug: str, channel: str, sections: str | None, base_url: str
) -> Body:
    """A channel render (web, email, text) of the draft."""
    article = select_sections(draft_article(db, slug), parse_section_keys(sections))
    if channel == "web":
        return without_controls(render_web(article, base_url=base_url)).encode(), HTML
    if channel == "email":
        url = article_web_url(base_url, slug)
        return without_controls(render_email(article, web_url=url)).encode(), HTML
    return without_controls(render_text(article)).encode(), TEXT
