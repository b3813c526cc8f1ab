"""Static export: the published content as files a CDN or object store can serve as they are.

Every file is the exact body the API answers for the same path, so its ETag is the API's too;
``manifest.json`` maps each file to its URL path, media type, ETag, Cache-Control and purge keys.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import msgspec

from schema.api import RichTextFormat
from schema.base import Model
from service.config import Settings
from service.delivery import feeds, reads
from service.edge.prepared import PreparedResponse
from service.store import content
from service.store.db import ContentDB
from service.store.files import make_private_dir, write_private_bytes

MAX_EXPORT_ARTICLES = 100_000


class ExportedFile(Model, frozen=True):
    """One exported file and the HTTP metadata to serve it with."""

    file: str
    url_path: str
    media_type: str
    etag: str
    cache_control: str
    surrogate_keys: list[str]


class ExportManifest(Model, frozen=True):
    """Everything an export wrote."""

    articles: int
    files: list[ExportedFile]


Target = tuple[str, str, Callable[[], PreparedResponse]]


def _list_targets(db: ContentDB, count: int) -> list[Target]:
    """The article list in the API's default pages: ``/v1/articles``, then ``?offset=N``.

    Pages of the default size, so each file is exactly the API's answer for its URL path.
    """
    return [
        (
            f"v1/articles.offset-{offset}.json" if offset else "v1/articles.json",
            f"/v1/articles?offset={offset}" if offset else "/v1/articles",
            partial(feeds.list_response, db, feeds.DEFAULT_PAGE, offset),
        )
        for offset in range(0, max(count, 1), feeds.DEFAULT_PAGE)
    ]


def _targets(db: ContentDB, slug: str, keys: list[str], base_url: str) -> list[Target]:
    """(file, url path, builder) for every public view of one article."""
    root = f"v1/articles/{slug}"
    formats: tuple[RichTextFormat, ...] = ("html", "markdown", "text")
    targets: list[Target] = []
    for fmt in formats:
        targets.append(
            (
                f"{root}.{fmt}.json",
                f"/{root}?format={fmt}",
                partial(reads.article_response, db, slug, fmt, None),
            )
        )
        targets.extend(
            (
                f"{root}/sections/{key}.{fmt}.json",
                f"/{root}/sections/{key}?format={fmt}",
                partial(reads.section_response, db, slug, key, fmt),
            )
            for key in keys
        )
    renders: list[Target] = [
        (
            f"{root}/render/web.html",
            f"/{root}/render/web",
            partial(reads.web_response, db, slug, None, base_url),
        ),
        (
            f"{root}/render/email.html",
            f"/{root}/render/email",
            partial(reads.email_response, db, slug, None, base_url),
        ),
        (
            f"{root}/render/text.txt",
            f"/{root}/render/text",
            partial(reads.text_response, db, slug, None),
        ),
    ]
    return targets + renders


def export_site(db: ContentDB, settings: Settings, directory: Path) -> ExportManifest:
    """Write every published article's JSON, sections and renders under ``directory``."""
    make_private_dir(directory)
    files: list[ExportedFile] = []

    def write(file: str, url_path: str, build: Callable[[], PreparedResponse]) -> None:
        prepared = build()
        target = directory / file
        make_private_dir(target.parent)
        write_private_bytes(target, prepared.body)
        files.append(
            ExportedFile(
                file=file,
                url_path=url_path,
                media_type=prepared.media_type,
                etag=prepared.etag,
                cache_control=prepared.cache_control,
                surrogate_keys=list(prepared.surrogate_keys),
            )
        )

    with db.read() as conn:
        summaries = content.list_live_articles(conn, limit=MAX_EXPORT_ARTICLES)
        for file, url_path, build in _list_targets(db, len(summaries)):
            write(file, url_path, build)
        for summary in summaries:
            article = reads.require_live_article(db, summary.slug)
            keys = [section.key for section in article.sections]
            for file, url_path, build in _targets(db, summary.slug, keys, settings.public_base_url):
                write(file, url_path, build)
    manifest = ExportManifest(articles=len(summaries), files=files)
    write_private_bytes(
        directory / "manifest.json",
        msgspec.json.format(msgspec.json.encode(manifest), indent=2),
    )
    return manifest
