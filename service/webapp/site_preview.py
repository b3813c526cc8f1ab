"""Opening the working draft on the real site: a preview token minted for the article on an
explicit request (a form post, so a page view or a prefetch mints nothing), then its link.

Only when ``PREVIEW_URL_TEMPLATE`` is set, and only for editors and admins, who may mint
preview tokens in the JSON admin API too. The token is for this article alone, expires in an
hour and is in the audit log like any other.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.response import Template

from schema.delivery import PreviewTokenCreate
from service.config import Settings
from service.editorial import preview
from service.errors import NotFound
from service.handlers.auth import EDITORS
from service.handlers.params import Db, Slug, Who
from service.webapp.views import page

Config = NamedDependency[Settings]
SITE_PREVIEW_SECONDS = 3600


class SitePreviewController(Controller):
    """``/admin/articles/{slug}/site-preview``: a preview link to the site, freshly minted."""

    path = "/articles/{slug:str}"

    @post("/site-preview", opt={"roles": EDITORS}, status_code=200, sync_to_thread=False)
    def open_site_preview(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, settings: Config, slug: Slug
    ) -> Template:
        """Mint a one-hour preview token for the article and show the site's link with it."""
        if settings.preview_url_template is None:
            raise NotFound("No PREVIEW_URL_TEMPLATE is set: there is no site to preview on.")
        minted = preview.mint_preview_token(
            db,
            actor,
            PreviewTokenCreate(article=slug, expires_in_seconds=SITE_PREVIEW_SECONDS),
            settings.preview_url_template,
        )
        return page(request, "site_preview.html", slug=slug, minted=minted)
