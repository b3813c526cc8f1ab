"""Admin routes of draft-preview tokens: mint (the token is shown once) and revoke."""

from __future__ import annotations

from typing import Annotated, Final

from litestar import Controller, delete, post
from litestar.di import NamedDependency
from litestar.params import PathParameter

from schema.delivery import PreviewToken, PreviewTokenCreate
from service.api.admin.common import admin_route, body
from service.api.admin.docs import problems
from service.api.openapi_docs import json_response
from service.config import Settings
from service.editorial import preview
from service.handlers.auth import EDITORS
from service.handlers.params import Db, Who

MINT_EXAMPLE: Final = {
    "id": 7,
    "token": "pv_3q2-7wVhQ0c9Xr1m...",
    "article": "ketamine-therapy-for-anxiety",
    "created_by": "Erin Editor",
    "expires_at": "2026-03-01T13:00:00Z",
    "preview_url": "https://www.example.com/preview/ketamine-therapy-for-anxiety?token=pv_3q2-...",
}
TokenId = Annotated[int, PathParameter(description="The preview token's id.", ge=1)]


class PreviewTokenController(Controller):
    """``/v1/admin/preview-tokens``: read-only, expiring tokens for drafts."""

    path = "/preview-tokens"
    tags = ["admin: preview"]  # noqa: RUF012 - Litestar reads these class attributes
    # Routes alike in shape to other admin routes: each its own documented operation, with
    # the parameters Litestar injects by name; admin_route holds what they share.

    @admin_route(
        post,
        "/",
        EDITORS,
        "Mint a draft-preview token",
        {
            201: json_response(
                PreviewToken,
                "The token, shown only here; send it as `Authorization: Bearer` to "
                "/v1/preview/articles/{slug}. `preview_url` follows `PREVIEW_URL_TEMPLATE`.",
                MINT_EXAMPLE,
            ),
            **problems(404, 413),
        },
        status_code=201,
    )
    def mint(
        self,
        db: Db,
        actor: Who,
        settings: NamedDependency[Settings],
        data: Annotated[
            PreviewTokenCreate,
            body("For one article (`article`) or every draft; lifetime 1 s to 7 days."),
        ],
    ) -> PreviewToken:
        """Editor: the token is shown only in this answer; it is stored hashed and audited."""
        return preview.mint_preview_token(db, actor, data, settings.preview_url_template)

    @admin_route(
        delete,
        "/{token_id:int}",
        EDITORS,
        "Revoke a draft-preview token",
        problems(404),
        status_code=204,
    )
    def revoke(self, db: Db, actor: Who, token_id: TokenId) -> None:
        """Editor: refused at once by every worker (checked on every preview request)."""
        preview.revoke_preview_token(db, actor, token_id)
