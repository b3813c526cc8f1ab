"""The admin API under ``/v1/admin``: bearer tokens, role guards, strict JSON bodies."""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide

from service.api.admin.body import StrictJSON, require_body
from service.api.admin.common import SECURITY
from service.api.admin.drafts import DraftController
from service.api.admin.history import HistoryController
from service.api.admin.review import ReviewController
from service.api.admin.webhooks import WebhookController
from service.edge.routes import ADMIN, area_prefix
from service.handlers.auth import provide_actor, require_role

ADMIN_PREFIX = area_prefix(ADMIN)


def admin_router() -> Router:
    """Every admin controller behind the role guard; answers are never cached."""
    return Router(
        path=ADMIN_PREFIX,
        route_handlers=[DraftController, ReviewController, HistoryController, WebhookController],
        guards=[require_role],
        dependencies={"actor": Provide(provide_actor, sync_to_thread=False)},
        before_request=require_body,
        dto=StrictJSON,
        return_dto=None,
        security=SECURITY,
        cache_control=CacheControlHeader(no_store=True),
        include_in_schema=True,
    )
