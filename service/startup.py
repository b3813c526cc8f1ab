"""Getting the database ready: created and migrated, and seeded when it was missing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from schema.article import Article
from seed.data import load_seed_article
from seed.loader import load_seed
from service.channels import RENDERER_VERSION
from service.editorial.search_index import fill_search_index
from service.store.db import ContentDB
from service.store.migrations import migrate
from service.store.prepared import drop_other_renderers


def prepare_database(db: ContentDB) -> None:
    """Create and migrate the database; seed it when the file did not exist before."""
    was_missing = not db.path.exists()
    migrate(db)
    drop_other_renderers(db, RENDERER_VERSION)
    if was_missing:
        load_seed(db)
    fill_search_index(db)


def openapi_examples() -> dict[tuple[str, str], Any]:
    """The spec's examples: the seed article as the public API serves it (Markdown format)."""
    seed = load_seed_article()
    at = datetime(2026, 1, 1, tzinfo=UTC)
    article = Article.from_fields(
        seed.slug,
        seed.fields,
        revision=1,
        published_at=at,
        updated_at=at,
        review=seed.review,
        sections=seed.sections,
    )
    return {("/v1/articles/{slug}", "get"): msgspec.to_builtins(article)}
