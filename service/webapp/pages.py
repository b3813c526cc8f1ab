"""Pages that read: the articles list, an article's draft, previews, review, history, audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from schema.article import Article, Draft, DraftState, Review, Reviewer
from schema.sections import SECTION_TYPES
from service.channels.render import article_web_url, render_email, render_text, render_web
from service.config import Settings
from service.delivery.reads import get_live
from service.editorial import drafts, history
from service.editorial.versions import draft_etag
from service.errors import NotFound
from service.handlers.auth import ADMINS, READERS
from service.handlers.params import Db, Number, Slug, Who
from service.store import overview
from service.webapp.fieldtypes import struct_info
from service.webapp.headers import FRAME_CSP
from service.webapp.views import page

Config = NamedDependency[Settings]
ArticleFilter = Annotated[
    str | None, QueryParameter(description="Only this article's entries.", max_length=120)
]
AuditSince = Annotated[
    str | None,
    QueryParameter(description="Entries after this audit id.", max_length=20, pattern=r"^\d*$"),
]
AUDIT_PAGE = 100
NOT_REVIEWED = Reviewer(name="Not yet reviewed")
# The web render is a fragment for a site's page; in the preview frame it gets a plain one.
WEB_FRAME = (
    '<!DOCTYPE html><meta charset="utf-8"><style>body{font:16px/1.5 system-ui,sans-serif;'
    "margin:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}"
    "</style>"
)


def section_kind(section: Any) -> str:
    """A section's ``kind`` tag, read from its type."""
    return str(struct_info(type(section)).tag)


def draft_article(draft: Draft, live: Article | None) -> Article:
    """The draft as the channels would publish it, for previews.

    Until a reviewer signs it off, the byline says so rather than borrowing the live review.
    """
    review = draft.review or Review(reviewed_by=NOT_REVIEWED, reviewed_at=draft.updated_at)
    return Article.from_fields(
        draft.article,
        draft.fields,
        revision=(draft.base_revision or 0) + 1,
        published_at=draft.updated_at if live is None else live.published_at,
        updated_at=draft.updated_at,
        review=review,
        sections=draft.sections,
    )


def renders(article: Article | None, base_url: str) -> dict[str, str] | None:
    """The web, email and text renders of an article (None for none)."""
    if article is None:
        return None
    return {
        "web": WEB_FRAME + render_web(article, base_url=base_url),
        "email": render_email(article, web_url=article_web_url(base_url, article.slug)),
        "text": render_text(article),
    }


@dataclass(frozen=True)
class State:
    """How the list shows where an article stands."""

    label: str
    css: str


def state_of(item: overview.ArticleOverview) -> State:
    """Draft, in review, approved, scheduled, live, or not published."""
    if item.draft_state is DraftState.APPROVED and item.scheduled_at is not None:
        return State("scheduled", "state-scheduled")
    if item.draft_state is not None and (
        item.draft_state is not DraftState.DRAFT or item.has_draft_edits
    ):
        return State(item.draft_state.value.replace("_", " "), f"state-{item.draft_state.value}")
    # A draft without edits is only a copy of the live revision.
    if item.live_revision is not None:
        return State("live", "state-live")
    return State("not published", "state-none")


class PagesController(Controller):
    """``/admin``: the pages that show content and its record."""

    @get("/", opt={"roles": READERS}, sync_to_thread=False)
    def list_articles(self, request: Request[Any, Any, Any], db: Db) -> Template:
        """Every article with its state, live revision and review date."""
        with db.read() as conn:
            articles = overview.list_overviews(conn)
        return page(request, "articles.html", rows=[(item, state_of(item)) for item in articles])

    @get("/articles/{slug:str}", opt={"roles": READERS}, sync_to_thread=False)
    def show_article(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, settings: Config, slug: Slug
    ) -> Template:
        """The working draft: its state, sections, and the actions the role allows."""
        draft = drafts.read_draft(db, slug, actor)
        revisions = history.list_history(db, slug)
        return page(
            request,
            "article.html",
            draft=draft,
            etag=draft_etag(draft),
            live_revision=revisions.live_revision,
            sections=[(section, section_kind(section)) for section in draft.sections],
            kinds=[str(struct_info(cls).tag) for cls in SECTION_TYPES],
            site_preview=settings.preview_url_template is not None,
        )

    @get("/articles/{slug:str}/preview", opt={"roles": READERS}, sync_to_thread=False)
    def preview(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, settings: Config, slug: Slug
    ) -> Template:
        """The draft's web, email and text renders beside the live revision's."""
        draft = drafts.read_draft(db, slug, actor)
        live = get_live(db, slug)
        return page(
            request,
            "preview.html",
            draft=draft,
            draft_renders=renders(draft_article(draft, live), settings.public_base_url),
            live_renders=renders(live, settings.public_base_url),
            live=live,
        )

    @get(
        "/articles/{slug:str}/preview/{which:str}/{channel:str}",
        opt={"roles": READERS},
        sync_to_thread=False,
    )
    def preview_frame(
        self,
        db: Db,
        actor: Who,
        settings: Config,
        slug: Slug,
        which: FromPath[str],
        channel: FromPath[str],
    ) -> Response[str]:
        """One render of the draft or the live revision, as the preview page's sandboxed frame.

        A document of its own, not ``srcdoc``: a ``srcdoc`` frame inherits the admin page's
        policy, which refuses the inline styles an email render is made of.
        """
        live = get_live(db, slug)
        article = (
            draft_article(drafts.read_draft(db, slug, actor), live) if which == "draft" else live
        )
        shown = renders(article, settings.public_base_url) if which in ("draft", "live") else None
        if shown is None or channel not in ("web", "email"):
            raise NotFound(f"No {which} {channel} render of {slug!r} to show.")
        return Response(
            shown[channel],
            media_type="text/html",
            headers={"Content-Security-Policy": FRAME_CSP, "X-Frame-Options": "SAMEORIGIN"},
        )

    @get("/articles/{slug:str}/review", opt={"roles": READERS}, sync_to_thread=False)
    def review(self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug) -> Template:
        """Field by field what the draft changes in the live revision, with approve and reject."""
        draft = drafts.read_draft(db, slug, actor)
        diff = history.diff_draft(db, slug)
        return page(
            request, "review.html", draft=draft, etag=draft_etag(draft), diff=diff, revision=None
        )

    @get("/articles/{slug:str}/history", opt={"roles": READERS}, sync_to_thread=False)
    def show_history(self, request: Request[Any, Any, Any], db: Db, slug: Slug) -> Template:
        """The published revisions, newest first, with rollback for editors."""
        return page(
            request,
            "history.html",
            slug=slug,
            history=history.list_history(db, slug),
        )

    @get("/articles/{slug:str}/history/{number:int}", opt={"roles": READERS}, sync_to_thread=False)
    def revision_diff(
        self, request: Request[Any, Any, Any], db: Db, slug: Slug, number: Number
    ) -> Template:
        """What one published revision changed from the one before it."""
        diff = history.diff_revisions(db, slug, number, None)
        return page(request, "revision.html", slug=slug, diff=diff, revision=number)

    @get("/audit", opt={"roles": ADMINS}, sync_to_thread=False)
    def audit(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        article: ArticleFilter = None,
        since: AuditSince = None,
    ) -> Template:
        """Admin: the audit log, oldest first, filterable by article."""
        with db.read() as conn:
            slugs = [item.slug for item in overview.list_overviews(conn)]
        chosen = article or None
        log = history.read_audit(db, article=chosen, since=since or None, limit=AUDIT_PAGE)
        return page(request, "audit.html", log=log, slugs=slugs, article=chosen or "")
