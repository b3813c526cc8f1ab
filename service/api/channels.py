"""Channel routes: an article rendered for the web, email and text, the newsletter, the feed."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Controller, Request, Response
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from schema.api import NewsletterDigest
from service.api.openapi_docs import json_response, media_response
from service.api.public import (
    SKIP_COMPRESSION,
    AsOf,
    Cache,
    Db,
    SectionsFilter,
    Since,
    Slug,
    public_get,
    serve_prepared,
)
from service.config import Settings
from service.delivery import feeds, reads

Config = NamedDependency[Settings]
EventLimit = Annotated[
    int,
    QueryParameter(
        ge=1, le=feeds.MAX_PAGE, description="How many publish events the digest covers at most."
    ),
]
_RENDER_ERRORS: Final = (400, 404)

WEB_EXAMPLE: Final = (
    '<article><h1>Ketamine Therapy for Anxiety</h1><section id="therapy-types">'
    '<h2>Types of Ketamine Therapy and Dosing</h2><table class="dosing">...</table></section>'
    '<p class="review-byline">Medically reviewed by ...</p>'
    '<aside class="disclaimer">...</aside></article>'
    '<script type="application/ld+json">{"@context":"https://schema.org",'
    '"@type":"MedicalWebPage","lastReviewed":"2026-01-01","reviewedBy":{...}}</script>'
)
EMAIL_EXAMPLE: Final = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">...</head>\n'
    '<body style="margin: 0; padding: 0; background-color: #f4f4f5;">\n'
    '<table role="presentation" width="100%" style="border-collapse: collapse; ...">...</table>\n'
    "</body>\n</html>\n"
)
TEXT_EXAMPLE: Final = (
    "Ketamine Therapy for Anxiety\n============================\n\n"
    "Types of Ketamine Therapy and Dosing\n------------------------------------\n\n"
    "Therapy              Route             Dose               Duration\n"
    "...\n"
)
ATOM_EXAMPLE: Final = (
    "<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
    "<title>Health content updates</title>...<entry><title>Ketamine Therapy for Anxiety: "
    "IV dose range updated</title>...</entry></feed>\n"
)

NEWSLETTER_EXAMPLE: Final = {
    "subject": "Ketamine therapy for anxiety: IV dose range updated",
    "html": EMAIL_EXAMPLE,
    "text": "Ketamine therapy for anxiety\n============================\n\nWhat changed\n"
    "------------\n\n- IV dose range updated\n...",
    "items": [
        {
            "slug": "ketamine-therapy-for-anxiety",
            "title": "Ketamine therapy for anxiety",
            "revision": 2,
            "previous_revision": 1,
            "action": "published",
            "sections_changed": ["therapy-types"],
            "summary": "IV dose range updated",
            "changes": ["IV dose range updated"],
            "url": "https://api.example.com/v1/articles/ketamine-therapy-for-anxiety/render/web",
            "at": "2026-03-01T12:00:00Z",
        }
    ],
    "next_cursor": "ZXYxOjI",
    "has_more": False,
}


class ChannelController(Controller):
    """Published content shaped for a channel; public like the JSON reads."""

    path = "/v1"
    tags = ["channels"]  # noqa: RUF012 - Litestar reads these class attributes
    opt = SKIP_COMPRESSION

    # The render handlers look alike and stay apart: each is its own documented operation
    # (summary, media type, example), and Litestar reads each one's signature for its parameters.
    @public_get(
        "/articles/{slug:str}/render/web",
        summary="Render the live article as a web fragment",
        ok=media_response(
            "text/html",
            "A sanitized `<article>` fragment with the dosing table, review byline and "
            "disclaimer, followed by its schema.org `MedicalWebPage` JSON-LD.",
            WEB_EXAMPLE,
        ),
        errors=_RENDER_ERRORS,
    )
    def render_web(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        settings: Config,
        slug: Slug,
        sections: SectionsFilter = None,
        as_of: AsOf = None,
    ) -> Response[bytes]:
        """HTML to embed in a site: only allowlisted tags, no scripts but the JSON-LD."""
        return serve_prepared(
            request,
            cache,
            lambda: reads.web_response(db, slug, sections, settings.public_base_url, as_of),
        )

    @public_get(
        "/articles/{slug:str}/render/email",
        summary="Render the live article as an email",
        ok=media_response(
            "text/html",
            "A complete HTML email document: table layout, inline styles only, no scripts.",
            EMAIL_EXAMPLE,
        ),
        errors=_RENDER_ERRORS,
    )
    def render_email(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        settings: Config,
        slug: Slug,
        sections: SectionsFilter = None,
        as_of: AsOf = None,
    ) -> Response[bytes]:
        """The HTML part of an email; links are absolute and "Read online" leads to the web."""
        return serve_prepared(
            request,
            cache,
            lambda: reads.email_response(db, slug, sections, settings.public_base_url, as_of),
        )

    @public_get(
        "/articles/{slug:str}/render/text",
        summary="Render the live article as plain text",
        ok=media_response(
            "text/plain",
            "Plain text wrapped at 72 columns with an aligned dosing table, for email text "
            "parts, SMS and voice.",
            TEXT_EXAMPLE,
        ),
        errors=_RENDER_ERRORS,
    )
    def render_text(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        slug: Slug,
        sections: SectionsFilter = None,
        as_of: AsOf = None,
    ) -> Response[bytes]:
        """The same facts as the web page, as text."""
        return serve_prepared(
            request, cache, lambda: reads.text_response(db, slug, sections, as_of)
        )

    @public_get(
        "/newsletter",
        summary="A newsletter digest of what changed since a cursor",
        ok=json_response(
            NewsletterDigest,
            "One item per changed article with a line saying what changed; `html` and `text` "
            "hold only the changed sections. No changes give an empty digest whose "
            "`next_cursor` is the cursor given.",
            NEWSLETTER_EXAMPLE,
        ),
    )
    def get_newsletter(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        cache: Cache,
        settings: Config,
        since: Since = None,
        limit: EventLimit = feeds.MAX_PAGE,
    ) -> Response[bytes]:
        """Send `next_cursor` back as `since` next time to get only what changed after it."""
        return serve_prepared(
            request,
            cache,
            lambda: feeds.newsletter_response(db, since, limit, settings.public_base_url),
        )

    @public_get(
        "/feed.atom",
        summary="Atom feed of publish events",
        ok=media_response(
            "application/atom+xml",
            f"The newest {feeds.FEED_ENTRIES} publish events, newest first.",
            ATOM_EXAMPLE,
        ),
        errors=(),
    )
    def get_feed(
        self, request: Request[Any, Any, Any], db: Db, cache: Cache, settings: Config
    ) -> Response[bytes]:
        """One entry per publish, rollback or withdrawal, linking to the article's web page."""
        return serve_prepared(
            request, cache, lambda: feeds.feed_response(db, settings.public_base_url)
        )
