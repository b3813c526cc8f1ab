"""The editors' and reviewers' web app under ``/admin``: server-rendered pages, HTMX, forms.

Every page calls the same workflow functions as the JSON admin API, under the same roles; see
docs/webapp.md for the pages.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide
from litestar.static_files import create_static_files_router

from service.store.sessions import SessionStore, sessions_path
from service.webapp.access import WebAccess, provide_session, provide_web_actor
from service.webapp.actions import ActionsController
from service.webapp.editor import EditorController, PreviewController
from service.webapp.errors import EXCEPTION_HANDLERS
from service.webapp.guards import GuardsController
from service.webapp.headers import SecurityHeaders
from service.webapp.pages import PagesController
from service.webapp.sessions import SessionSigner
from service.webapp.signin import SignInController, SignOutController
from service.webapp.site_preview import SitePreviewController
from service.webapp.views import PREFIX, STATIC, template_config

__all__ = ["template_config", "webapp_router"]


def webapp_router(database: Path) -> Router:
    """The web app: sign-in and static files open, every other page behind the session guard."""
    access = WebAccess(SessionSigner(database), SessionStore(sessions_path(database)))
    signed_in = Router(
        path="/",
        route_handlers=[
            PagesController,
            EditorController,
            PreviewController,
            ActionsController,
            GuardsController,
            SitePreviewController,
            SignOutController,
        ],
        guards=[access],
        dependencies={
            "session": Provide(provide_session, sync_to_thread=False),
            "actor": Provide(provide_web_actor, sync_to_thread=False),
        },
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC],
        cache_control=CacheControlHeader(max_age=3600),
        include_in_schema=False,
    )
    return Router(
        path=PREFIX,
        route_handlers=[SignInController, signed_in, static],
        dependencies={"web_access": Provide(lambda: access, use_cache=True, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
        include_in_schema=False,
        middleware=[SecurityHeaders()],
    )
