"""The public read model: live content as prepared responses, per revision and format.

Handlers call these functions; each builds the bytes once per content version. The edge layer
replays them for later requests, so this code runs only on cache misses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec

from schema.api import RichTextFormat
from schema.article import Article
from schema.sections import Section
from schema.text import without_controls
from service.channels import RENDERER_VERSION
from service.channels.render import (
    article_web_url,
    render_email,
    render_rich_text,
    render_text,
    render_web,
)
from service.delivery.asof import article_as_of, cache_control_for
from service.edge.prepared import (
    PreparedResponse,
    compressed_codings,
    from_prepared_body,
    prepare_response,
    strong_etag,
)
from service.errors import FieldError, InvalidInput, NotFound
from service.store import content, prepared
from service.store.db import ContentDB
from service.store.prepared import PreparedBody

JSON = "application/json"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
ATOM = "application/atom+xml"
_encode = msgspec.json.Encoder().encode
_decode_article = msgspec.json.Decoder(Article).decode


def require_live_article(db: ContentDB, slug: str, as_of: datetime | None = None) -> Article:
    """The live article (or the one live at ``as_of``), else ``NotFound``: drafts and
    unpublished articles are never public."""
    if as_of is not None:
        return article_as_of(db, slug, as_of)
    article = get_live(db, slug)
    if article is None:
        raise NotFound(f"No published article has the slug {slug!r}.")
    return article


def get_live(db: ContentDB, slug: str) -> Article | None:
    """The live article (read in one snapshot)."""
    with db.read() as conn:
        return content.get_live_article(conn, slug)


def parse_section_keys(raw: str | None) -> list[str] | None:
    """``?sections=a,b`` as a list of keys without repeats (None: all sections)."""
    if raw is None:
        return None
    keys = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not keys:
        raise InvalidInput(
            "`sections` is empty: name one or more section keys separated by commas.",
            errors=(FieldError("sections", "no section key given"),),
        )
    return keys


def select_sections(article: Article, keys: Sequence[str] | None) -> Article:
    """The article with only the named sections, in article order; unknown keys are a 400."""
    if keys is None:
        return article
    known = [section.key for section in article.sections]
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise InvalidInput(
            f"Unknown section key(s) {', '.join(map(repr, unknown))} in `sections`; "
            f"this article has: {', '.join(known)}.",
            errors=tuple(FieldError("sections", f"unknown section key {key!r}") for key in unknown),
        )
    wanted = set(keys)
    return msgspec.structs.replace(
        article, sections=[section for section in article.sections if section.key in wanted]
    )


def _surrogate_keys(slug: str, sections: Sequence[Section]) -> list[str]:
    return [f"article:{slug}", *(f"section:{slug}:{section.key}" for section in sections)]


def article_response(
    db: ContentDB,
    slug: str,
    fmt: RichTextFormat,
    sections: str | None,
    as_of: datetime | None = None,
) -> PreparedResponse:
    """The live article (or the one live at ``as_of``) as JSON, rich text in ``fmt``, optionally
    only some sections; the live whole article is prepared once per revision."""
    keys = parse_section_keys(sections)
    if as_of is not None:
        article = render_rich_text(require_live_article(db, slug, as_of), fmt)
    else:
        whole = _whole_article(db, slug, fmt)
        if keys is None:
            return whole
        article = _decode_article(whole.body)
    article = select_sections(article, keys)
    return prepare_response(
        _encode(article),
        media_type=JSON,
        surrogate_keys=_surrogate_keys(slug, article.sections),
        cache_control=cache_control_for(as_of),
        version_key=slug,
    )


def section_response(
    db: ContentDB, slug: str, key: str, fmt: RichTextFormat, as_of: datetime | None = None
) -> PreparedResponse:
    """One section of the live article; its bytes (and so its ETag) depend on it alone."""
    if as_of is not None:
        article = render_rich_text(require_live_article(db, slug, as_of), fmt)
    else:
        article = _decode_article(_whole_article(db, slug, fmt).body)
    for section in article.sections:
        if section.key == key:
            return prepare_response(
                _encode(section),
                media_type=JSON,
                surrogate_keys=_surrogate_keys(slug, [section]),
                cache_control=cache_control_for(as_of),
                version_key=slug,
            )
    raise NotFound(
        f"The article {slug!r} has no section {key!r}; "
        f"its sections are: {', '.join(s.key for s in article.sections)}."
    )


def _whole_article(db: ContentDB, slug: str, fmt: RichTextFormat) -> PreparedResponse:
    def build(article: Article) -> PreparedBody:
        return _body(
            _encode(render_rich_text(article, fmt)), JSON, _surrogate_keys(slug, article.sections)
        )

    return prepared_live(db, slug, prepared.article_variant(fmt), build)


def _body(body: bytes, media_type: str, surrogate_keys: Sequence[str]) -> PreparedBody:
    brotli, gzip = compressed_codings(body)  # once per revision, for every worker's misses
    return PreparedBody(body, media_type, strong_etag(body), tuple(surrogate_keys), brotli, gzip)


def prepared_live(
    db: ContentDB, slug: str, variant: str, build: Callable[[Article], PreparedBody]
) -> PreparedResponse:
    """The live article's body in one variant: read from the store, or built once and kept.

    The live revision and (on a first read) the article are read in one snapshot, so a body is
    always stored under the revision it was made from.
    """
    with db.read() as conn:
        live = prepared.get_live_body(conn, slug, variant, RENDERER_VERSION)
        if live is None:
            raise NotFound(f"No published article has the slug {slug!r}.")
        article = None if live.prepared is not None else content.get_live_article(conn, slug)
    made = live.prepared
    if made is None:
        if article is None:  # unpublished between the two reads of one snapshot: cannot be
            raise NotFound(f"No published article has the slug {slug!r}.")
        made = build(article)
        prepared.store_body(db, live, variant, RENDERER_VERSION, made)
    return from_prepared_body(made, version_key=slug)


def rendered_response(
    db: ContentDB,
    slug: str,
    sections: str | None,
    media_type: str,
    render: Callable[[Article], str],
    variant: str,
    as_of: datetime | None = None,
) -> PreparedResponse:
    """A channel render (web, email, text) of the live article (or the one live at ``as_of``)
    or some of its sections; the live whole article's is prepared once per revision."""
    keys = parse_section_keys(sections)
    if keys is None and as_of is None:

        def build(article: Article) -> PreparedBody:
            body = without_controls(render(article)).encode()
            return _body(body, media_type, _surrogate_keys(slug, article.sections))

        return prepared_live(db, slug, variant, build)
    article = select_sections(require_live_article(db, slug, as_of), keys)
    return prepare_response(
        without_controls(render(article)).encode(),
        media_type=media_type,
        surrogate_keys=_surrogate_keys(slug, article.sections),
        cache_control=cache_control_for(as_of),
        version_key=slug,
    )


def web_response(
    db: ContentDB, slug: str, sections: str | None, base_url: str, as_of: datetime | None = None
) -> PreparedResponse:
    """The sanitized web fragment with its JSON-LD."""
    render = lambda a: render_web(a, base_url=base_url)  # noqa: E731
    return rendered_response(
        db, slug, sections, HTML, render, prepared.web_variant("web", base_url), as_of
    )


def email_response(
    db: ContentDB, slug: str, sections: str | None, base_url: str, as_of: datetime | None = None
) -> PreparedResponse:
    """The complete email document, linking to the article's web page."""
    render = lambda a: render_email(a, web_url=article_web_url(base_url, a.slug))  # noqa: E731
    return rendered_response(
        db, slug, sections, HTML, render, prepared.web_variant("email", base_url), as_of
    )


def text_response(
    db: ContentDB, slug: str, sections: str | None, as_of: datetime | None = None
) -> PreparedResponse:
    """The plain-text render."""
    return rendered_response(
        db, slug, sections, TEXT, render_text, prepared.web_variant("text", ""), as_of
    )
