"""Work done once per revision: bodies prepared on a first read, kept in SQLite, rebuilt by a new
renderer, and byte for byte what a fresh render gives."""

from __future__ import annotations

from collections.abc import Callable

import msgspec
import pytest

from schema.article import Article
from schema.text import without_controls
from service.channels import RENDERER_VERSION
from service.channels.render import render_email, render_rich_text, render_text, render_web
from service.channels.render.facts import article_web_url
from service.config import Settings
from service.delivery import reads
from service.startup import prepare_database
from service.store import content, prepared
from service.store.db import ContentDB
from tests.conftest import SLUG

BASE = "http://127.0.0.1:8000"
_encode = msgspec.json.Encoder().encode


def fresh(render: Callable[[Article], str]) -> Callable[[Article], bytes]:
    """A channel render as served: control characters dropped, UTF-8."""
    return lambda article: without_controls(render(article)).encode()


VARIANTS: list[tuple[str, Callable[[ContentDB], object], Callable[[Article], bytes]]] = [
    (
        prepared.article_variant(fmt),
        lambda db, fmt=fmt: reads.article_response(db, SLUG, fmt, None),
        lambda article, fmt=fmt: _encode(render_rich_text(article, fmt)),
    )
    for fmt in ("html", "markdown", "text")
] + [
    (
        prepared.web_variant("web", BASE),
        lambda db: reads.web_response(db, SLUG, None, BASE),
        fresh(lambda a: render_web(a, base_url=BASE)),
    ),
    (
        prepared.web_variant("email", BASE),
        lambda db: reads.email_response(db, SLUG, None, BASE),
        fresh(lambda a: render_email(a, web_url=article_web_url(BASE, a.slug))),
    ),
    (
        prepared.web_variant("text", ""),
        lambda db: reads.text_response(db, SLUG, None),
        fresh(render_text),
    ),
]


def stored(db: ContentDB, variant: str, renderer: int = RENDERER_VERSION) -> bytes | None:
    """The body kept for the live revision in one variant, if any."""
    with db.read() as conn:
        live = prepared.get_live_body(conn, SLUG, variant, renderer)
    return None if live is None or live.prepared is None else live.prepared.body


@pytest.mark.parametrize(("variant", "serve", "render"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_prepared_bytes_equal_a_fresh_render(
    seeded_db: ContentDB,
    variant: str,
    serve: Callable[[ContentDB], object],
    render: Callable[[Article], bytes],
) -> None:
    assert stored(seeded_db, variant) is None
    first = serve(seeded_db)
    kept = stored(seeded_db, variant)
    with seeded_db.read() as conn:
        article = content.get_live_article(conn, SLUG)
    assert article is not None
    assert kept == render(article) == first.body  # type: ignore[attr-defined]
    # Another worker (or a restart) reads the kept bytes; the same ETag follows.
    other = ContentDB(seeded_db.path)
    again = serve(other)
    assert again.body == kept and again.etag == first.etag  # type: ignore[attr-defined]


def test_sections_and_filters_from_prepared_data_match_a_fresh_render(
    seeded_db: ContentDB,
) -> None:
    with seeded_db.read() as conn:
        article = content.get_live_article(conn, SLUG)
    assert article is not None
    rendered = render_rich_text(article, "html")
    reads.article_response(seeded_db, SLUG, "html", None)  # stores the whole article
    section = reads.section_response(seeded_db, SLUG, "safety", "html")
    assert section.body == _encode(next(s for s in rendered.sections if s.key == "safety"))
    some = reads.article_response(seeded_db, SLUG, "html", "safety,intro")
    assert some.body == _encode(reads.select_sections(rendered, ["intro", "safety"]))


def test_a_renderer_version_change_rebuilds_prepared_data(
    seeded_db: ContentDB, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    variant = prepared.web_variant("web", BASE)
    good = reads.web_response(seeded_db, SLUG, None, BASE).body
    # What an older renderer made, kept under its version.
    with seeded_db.write() as conn:
        conn.execute(
            "UPDATE prepared SET body = ?, etag = '\"old\"' WHERE variant = ?", (b"old", variant)
        )
    assert reads.web_response(seeded_db, SLUG, None, BASE).body == b"old"
    monkeypatch.setattr(reads, "RENDERER_VERSION", RENDERER_VERSION + 1)
    # The new renderer never reads the old body, even before a start-up deletes it.
    rebuilt = reads.web_response(seeded_db, SLUG, None, BASE)
    assert rebuilt.body == good and rebuilt.etag != '"old"'
    assert stored(seeded_db, variant, RENDERER_VERSION + 1) == good
    assert stored(seeded_db, variant, RENDERER_VERSION) == b"old"
    monkeypatch.setattr("service.startup.RENDERER_VERSION", RENDERER_VERSION + 1)
    prepare_database(seeded_db)  # a start-up with the new renderer deletes the old bodies
    assert stored(seeded_db, variant, RENDERER_VERSION) is None
    assert stored(seeded_db, variant, RENDERER_VERSION + 1) == good
