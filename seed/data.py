"""The bundled seed article, decoded into the schema's typed content model.

The JSON file next to this module holds one article's fields, sections and review record in the
same shapes the API serves; decoding it here validates it against ``schema`` before it is stored.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from schema.article import ArticleFields, Review, SectionList
from schema.base import Model, Slug
from schema.sections import ensure_unique_keys

SEED_ARTICLE_FILE = "ketamine-therapy-for-anxiety.json"


class SeedArticle(Model, frozen=True):
    """One article as bundled seed data: its slug, fields, sections and review record."""

    slug: Slug
    fields: ArticleFields
    sections: SectionList
    review: Review

    def __post_init__(self) -> None:
        ensure_unique_keys(self.sections)


_decoder = msgspec.json.Decoder(SeedArticle)


def load_seed_article(path: Path | None = None) -> SeedArticle:
    """Read and validate the seed article, by default the one bundled with this package."""
    source = path if path is not None else Path(__file__).with_name(SEED_ARTICLE_FILE)
    return _decoder.decode(source.read_bytes())
