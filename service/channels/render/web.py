"""An article as a sanitized, semantic HTML fragment for a website, with its JSON-LD."""

from __future__ import annotations

from html import escape
from typing import Final

import nh3

from schema.article import Article
from schema.sections import Section
from service.channels.render.blocks import section_content_html
from service.channels.render.facts import article_web_url, format_date, format_reviewer
from service.channels.render.jsonld import medical_webpage_jsonld
from service.channels.render.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, LINK_REL, URL_SCHEMES
from service.channels.render.references import resolve_references

_STRUCTURE_TAGS: Final = frozenset({"article", "section", "h1", "img", "aside", "time", "caption"})

# The second pass keeps the page structure the first pass (rich text alone) does not allow.
_CLEANER: Final = nh3.Cleaner(
    tags=set(ALLOWED_TAGS | _STRUCTURE_TAGS),
    attributes={
        **ALLOWED_ATTRIBUTES,
        "section": frozenset({"id"}),
        "img": frozenset({"src", "alt"}),
        "time": frozenset({"datetime"}),
        "th": frozenset({"scope"}),
    },
    allowed_classes={
        "p": {"review-byline", "cta"},
        "aside": {"disclaimer"},
        "table": {"dosing"},
        "ul": {"items", "side-effects", "conditions", "criteria", "facts"},
        "ol": {"items"},
        "a": {"cta-link"},
    },
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
)


def render_web(article: Article, *, base_url: str) -> str:
    """The article as an ``<article>`` fragment followed by its schema.org JSON-LD.

    ``base_url`` is the API's public origin; the JSON-LD ``url`` is the article's canonical page,
    ``{base_url}/v1/articles/{slug}/render/web``.
    """
    article = resolve_references(article)
    parts = [f"<article><h1>{escape(article.title)}</h1>"]
    if article.hero_image:
        parts.append(f'<img src="{escape(article.hero_image)}" alt="{escape(article.title)}">')
    parts.extend(_section_html(section) for section in article.sections)
    parts.append(_byline_html(article))
    parts.append(f'<aside class="disclaimer">{escape(article.disclaimer)}</aside></article>')
    fragment = _CLEANER.clean("".join(parts))
    # Built last and appended: the sanitizer would (rightly) drop any script element.
    return fragment + medical_webpage_jsonld(article, url=article_web_url(base_url, article.slug))


def _section_html(section: Section) -> str:
    return (
        f'<section id="{escape(section.key)}"><h2>{escape(section.title)}</h2>'
        f"{section_content_html(section)}</section>"
    )


def _byline_html(article: Article) -> str:
    reviewed_at = article.review.reviewed_at
    return (
        '<p class="review-byline">Medically reviewed by '
        f"{escape(format_reviewer(article.review))} on "
        f'<time datetime="{reviewed_at.date().isoformat()}">{escape(format_date(reviewed_at))}'
        "</time></p>"
    )
