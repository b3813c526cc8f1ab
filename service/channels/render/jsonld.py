"""The schema.org ``MedicalWebPage`` description of an article, as a JSON-LD script element."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

import msgspec

from schema.article import Article


class _Person(msgspec.Struct, kw_only=True, omit_defaults=True, frozen=True):
    type: str = msgspec.field(name="@type")
    name: str
    description: str = ""


class _MedicalWebPage(
    msgspec.Struct, kw_only=True, omit_defaults=True, rename="camel", frozen=True
):
    context: str = msgspec.field(name="@context")
    type: str = msgspec.field(name="@type")
    name: str
    description: str
    url: str
    last_reviewed: date
    reviewed_by: _Person
    date_published: datetime
    date_modified: datetime
    image: str | None = None


_ENCODER: Final = msgspec.json.Encoder()


def medical_webpage_jsonld(article: Article, *, url: str) -> str:
    """A ``<script type="application/ld+json">`` element describing the article at ``url``."""
    person = article.review.reviewed_by
    page = _MedicalWebPage(
        context="https://schema.org",
        type="MedicalWebPage",
        name=article.title,
        description=article.summary,
        url=url,
        last_reviewed=article.review.reviewed_at.date(),
        reviewed_by=_Person(type="Person", name=person.name, description=person.credentials),
        date_published=article.published_at,
        date_modified=article.updated_at,
        image=article.hero_image,
    )
    # msgspec leaves "<" as is, so a title holding "</script>" or "<!--" would end or confuse
    # the script element; "\u003c" is the same character to a JSON parser and inert to HTML.
    payload = _ENCODER.encode(page).replace(b"<", b"\\u003c").decode()
    return f'<script type="application/ld+json">{payload}</script>'
