"""Pages that read: the articles list, an article's draft, previews, review, history, audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from schema.article import DraftState
from schema.sections import SECTION_TYPES
from service.config import Settings
from service.editorial import drafts, history
from service.editorial.versions import draft_etag
from service.handlers.auth import ADMINS, READERS
from service.handlers.params import Db, Number, Slug, Who
from service.store import overview
from service.webapp.fieldtypes import struct_info
from service.webapp.headers import FRAME_CSP
from service.webapp.preview_view import frame_document, preview_context
from service.webapp.review_view import review_context
from service.webapp.views import page

Config = NamedDependency[Settings]
ArticleFilter = Annotated[
    str | None, QueryParameter(description="Only this article's entries.", max_length=120)
]
AuditBefore = Annotated[
    int | None,
    QueryParameter(description="Entries older than this audit id.", ge=1),
]
PreviewChannel = Annotated[
    Literal["web", "email", "text"], QueryParameter(description="Which render to show.")
]
PreviewSide = Annotated[
    Literal["draft", "live"], QueryParameter(description="The draft's, or the live revision's.")
]
AUDIT_PAGE = 100


def section_kind(section: Any) -> str:
    """A section's ``kind`` tag, read from its type."""
    return str(struct_info(type(section)).tag)


@dataclass(frozen=True)
class State:
    """How the list shows where an article stands."""

    label: str
    css: str


def state_of(item: overview.ArticleOverview) -> State:
    """Draft, in review, approved, scheduled, live, or not published."""
    return article_state(
        item.draft_state, item.scheduled_at is not None, item.has_draft_edits, item.live_revision
    )


def article_state(
    state: DraftState | None, is_scheduled: bool, has_edits: bool, live_revision: int | None
) -> State:
    """Where an article stands, the same words in the list and on the article's page."""
    if state is DraftState.APPROVED and is_scheduled:
        return State("scheduled", "state-scheduled")
    if state is not None and (state is not DraftState.DRAFT or has_edits):
        return State(state.value.replace("_", " "), f"state-{state.value}")
    # A draft without edits is only a copy of the live revision.
    if live_revision is not None:
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
            state=article_state(
                draft.state,
                draft.scheduled_at is not None,
                bool(draft.editors),
                revisions.live_revision,
            ),
            can_republish=revisions.live_revision is None and bool(revisions.revisions),
            sections=[(section, section_kind(section)) for section in draft.sections],
            kinds=[str(struct_info(cls).tag) for cls in SECTION_TYPES],
            site_preview=settings.preview_url_template is not None,
        )

    # Injected parameters alike in shape to other handlers' (api/public.py): each names its own.
    @get("/articles/{slug:str}/preview", opt={"roles": READERS}, sync_to_thread=False)
    def preview(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        actor: Who,
        settings: Config,
        slug: Slug,
        channel: PreviewChannel = "web",
        show: PreviewSide = "draft",
    ) -> Template:
        """One channel's render of the draft or the live revision, the changed sections marked
        and the first brought into view."""
        context = preview_context(db, actor, slug, settings.public_base_url, channel, show)
        return page(request, "preview.html", **context)

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
        """One render of the draft or the live revision, as the preview page's sandboxed frame,
        with the sections the draft changes marked.

        A document of its own, not ``srcdoc``: a ``srcdoc`` frame inherits the admin page's
        policy, which refuses the inline styles an email render is made of.
        """
        return Response(
            frame_document(db, actor, settings, slug, which, channel),
            media_type="text/html",
            headers={"Content-Security-Policy": FRAME_CSP, "X-Frame-Options": "SAMEORIGIN"},
        )

    @get("/articles/{slug:str}/review", opt={"roles": READERS}, sync_to_thread=False)
    def review(self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug) -> Template:
        """Field by field what the draft changes in the live revision, clinically significant
        changes first and the draft's warnings beside them, with approve and reject."""
        return page(request, "review.html", **review_context(db, actor, slug))

    @get("/articles/{slug:str}/history", opt={"roles": READERS}, sync_to_thread=False)
    def show_history(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug
    ) -> Template:
        """The published revisions, newest first, with rollback for editors."""
        return page(
            request,
            "history.html",
            slug=slug,
            title=drafts.read_draft(db, slug, actor).fields.title,
            history=history.list_history(db, slug),
        )

    @get("/articles/{slug:str}/history/{number:int}", opt={"roles": READERS}, sync_to_thread=False)
    def revision_diff(
        self, request: Request[Any, Any, Any], db: Db, actor: Who, slug: Slug, number: Number
    ) -> Template:
        """What one published revision changed from the one before it."""
        diff = history.diff_revisions(db, slug, number, None)
        title = drafts.read_draft(db, slug, actor).fields.title
        return page(request, "revision.html", slug=slug, title=title, diff=diff, revision=number)

    @get("/audit", opt={"roles": ADMINS}, sync_to_thread=False)
    def audit(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        article: ArticleFilter = None,
        before: AuditBefore = None,
    ) -> Template:
        """Admin: the audit log, newest first, filterable by article."""
        with db.read() as conn:
            slugs = [item.slug for item in overview.list_overviews(conn)]
        chosen = article or None
        entries, older = history.read_audit_newest(
            db, article=chosen, before=before, limit=AUDIT_PAGE
        )
        return page(
            request,
            "audit.html",
            entries=entries,
            older=older,
            slugs=slugs,
            article=chosen or "",
        )
