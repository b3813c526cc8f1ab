"""Admin routes of the record: revisions, diffs between them, and the audit log."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from schema.admin import AuditPage, ContentDiff, RevisionList
from schema.article import Revision
from service.api.admin.common import admin_route
from service.api.admin.docs import problems
from service.editorial import history
from service.handlers.auth import ADMINS, READERS
from service.handlers.params import Db, Number, Slug

Against = Annotated[
    int | None,
    QueryParameter(
        description="The revision to compare with (default: the one before).", ge=1, le=1_000_000
    ),
]
ArticleFilter = Annotated[
    str | None, QueryParameter(description="Only this article's entries (a slug).", max_length=120)
]
AuditSince = Annotated[
    str | None,
    QueryParameter(
        description="Either an audit id (digits; entries after it; pass the previous page's "
        "`next_since`) or an ISO-8601 time (entries at or after it; UTC without an offset).",
        max_length=64,
        pattern=r"^(?:[0-9]{1,18}|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+)?(?:Z|[+-][0-9:]+)?)$",
    ),
]
AuditLimit = Annotated[
    int, QueryParameter(description="Page size.", ge=1, le=history.MAX_AUDIT_PAGE)
]


class HistoryController(Controller):
    """``/v1/admin``: published revisions, their diffs, and the audit log."""

    tags = ["admin: history and audit"]  # noqa: RUF012 - Litestar reads these class attributes
    # Routes alike in shape to other admin routes: each its own documented operation, with
    # the parameters Litestar injects by name; admin_route holds what they share.

    @admin_route(
        get,
        "/articles/{slug:str}/revisions",
        READERS,
        "List an article's published revisions",
        problems(404),
    )
    def list_revisions(self, db: Db, slug: Slug) -> RevisionList:
        """Newest first, with who published and reviewed each and which one is live."""
        return history.list_history(db, slug)

    @admin_route(
        get,
        "/articles/{slug:str}/revisions/{number:int}",
        READERS,
        "Get one published revision",
        problems(404),
    )
    def get_revision(self, db: Db, slug: Slug, number: Number) -> Revision:
        """The revision's content and review exactly as it was published."""
        return history.get_revision(db, slug, number)

    @admin_route(
        get,
        "/articles/{slug:str}/revisions/{number:int}/diff",
        READERS,
        "Section- and field-level diff between two revisions",
        problems(404),
    )
    def diff_revision(
        self, db: Db, slug: Slug, number: Number, against: Against = None
    ) -> ContentDiff:
        """What changed from `against` to this revision, e.g. `therapies[0].dose.min`."""
        return history.diff_revisions(db, slug, number, against)

    @admin_route(
        get,
        "/audit",
        ADMINS,
        "Read the audit log",
        problems(),
    )
    def read_audit(
        self,
        db: Db,
        article: ArticleFilter = None,
        since: AuditSince = None,
        limit: AuditLimit = 50,
    ) -> AuditPage:
        """Admin: who did what, with which role, to which revision, when; oldest first."""
        return history.read_audit(db, article=article, since=since, limit=limit)
