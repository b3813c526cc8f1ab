"""Admin routes of webhooks: subscriptions, secret rotation, the delivery log, manual retry."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.enums import ParamType
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    PathItem,
    Reference,
    RequestBody,
    Schema,
)
from litestar.params import PathParameter, QueryParameter

# The same names as editorial/webhooks.py imports: both speak the webhook shapes.
from schema.webhooks import (
    WEBHOOK_EVENT_TYPES,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookDelivery,
    WebhookDeliveryPage,
    WebhookDeliveryState,
    WebhookList,
    WebhookPatch,
    WebhookRotate,
)
from service.api.admin.common import LOCATION_HEADER, admin_route, body
from service.api.admin.docs import OptionalBodyOperation, also, problems
from service.config import Settings
from service.editorial import webhooks as subscriptions
from service.editorial.webhooks import MAX_DELIVERY_PAGE
from service.handlers.auth import ADMINS
from service.handlers.params import Db, Who

MAX_ID = 2**53 - 1  # beyond this an id cannot come from here (and SQLite would overflow)
Config = NamedDependency[Settings]
WebhookId = Annotated[int, PathParameter(description="The webhook's id.", ge=1, le=MAX_ID)]
DeliveryId = Annotated[int, PathParameter(description="The delivery's id.", ge=1, le=MAX_ID)]
StateFilter = Annotated[
    WebhookDeliveryState | None,
    QueryParameter(
        name="state", description="Only deliveries in this state (`failed`: those to retry)."
    ),
]
Before = Annotated[
    int | None,
    QueryParameter(
        description="Only deliveries older than this id: pass the previous page's `next_before`.",
        ge=1,
        le=MAX_ID,
    ),
]
Limit = Annotated[int, QueryParameter(description="Page size.", ge=1, le=MAX_DELIVERY_PAGE)]
SIGNING = """\
Each event is POSTed as JSON (`WebhookEvent`: `type`, `timestamp`, `data` with `article`,
`revision`, `sections_changed`, `url`) with the Standard Webhooks headers `webhook-id` (the
message id, the same on every retry: deduplicate on it), `webhook-timestamp` (unix seconds of the
attempt) and `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of
`{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of the secret after
`whsec_` (while a secret is being rotated, one signature per secret, separated by spaces).
A 2xx answer within 5 s counts as delivered; anything else is retried with back-off, in order
per subscription."""
_HEADERS = {
    "webhook-id": "The message id: the same on every retry of this event to this URL.",
    "webhook-timestamp": "Unix seconds of this attempt; refuse one far from now (replays).",
    "webhook-signature": "`v1,<base64>` signatures separated by spaces; one must match.",
}
_WORDING = {
    404: "No webhook with this id (or no such delivery of it).",
    409: "The delivery is not `failed`, so there is nothing to retry.",
}


def _problems(*statuses: int) -> dict[int, ResponseSpec]:
    specs = problems(*statuses)
    return {
        status: dataclasses.replace(spec, description=_WORDING[status])
        if status in _WORDING
        else spec
        for status, spec in specs.items()
    }


class WebhookController(Controller):
    """``/v1/admin/webhooks``: admin only (no ``roles`` named, so the guard admits admin alone)."""

    path = "/webhooks"
    tags = ["admin: webhooks"]  # noqa: RUF012 - Litestar reads these class attributes
    # Routes alike in shape to other admin routes: each its own documented operation, with
    # the parameters Litestar injects by name; admin_route holds what they share.

    @admin_route(
        post,
        "/",
        ADMINS,
        "Subscribe a URL to publish events",
        _problems(413),
        description=SIGNING,
        response_headers=[LOCATION_HEADER],
    )
    async def create_webhook(
        self,
        db: Db,
        settings: Config,
        actor: Who,
        data: Annotated[WebhookCreate, body("The receiver's URL and the events it wants.")],
    ) -> Response[WebhookCreated]:
        """Admin: the answer carries the signing `secret`, shown only this once."""
        created = await subscriptions.create_webhook(db, settings, actor, data)
        location = f"/v1/admin/webhooks/{created.id}"
        return Response(created, status_code=201, headers={"Location": location})

    @admin_route(
        get,
        "/",
        ADMINS,
        "List webhook subscriptions",
        _problems(),
    )
    def list_webhooks(self, db: Db) -> WebhookList:
        """Admin: every subscription with its state and queue figures; never a secret."""
        return subscriptions.list_webhooks(db)

    @admin_route(
        get,
        "/{webhook_id:int}",
        ADMINS,
        "Get a webhook subscription",
        _problems(404),
    )
    def get_webhook(self, db: Db, webhook_id: WebhookId) -> Webhook:
        """Admin: one subscription; `is_failing` says a delivery was given up lately."""
        return subscriptions.get_webhook(db, webhook_id)

    @admin_route(
        patch,
        "/{webhook_id:int}",
        ADMINS,
        "Change a webhook subscription",
        _problems(404, 413),
    )
    async def update_webhook(
        self,
        db: Db,
        settings: Config,
        actor: Who,
        webhook_id: WebhookId,
        data: Annotated[WebhookPatch, body("Only the fields present change.")],
    ) -> Webhook:
        """Admin: `is_active: false` pauses it: nothing is queued for it, nothing is sent."""
        return await subscriptions.update_webhook(db, settings, actor, webhook_id, data)

    @admin_route(
        delete,
        "/{webhook_id:int}",
        ADMINS,
        "Delete a webhook subscription",
        _problems(404),
        status_code=204,
    )
    def delete_webhook(self, db: Db, actor: Who, webhook_id: WebhookId) -> None:
        """Admin: its queued deliveries and their log go with it."""
        subscriptions.delete_webhook(db, actor, webhook_id)

    @admin_route(
        post,
        "/{webhook_id:int}/rotate-secret",
        ADMINS,
        "Rotate a webhook's signing secret",
        _problems(404, 413),
        status_code=200,
        operation_class=OptionalBodyOperation,
    )
    def rotate_secret(
        self,
        db: Db,
        actor: Who,
        webhook_id: WebhookId,
        data: Annotated[
            WebhookRotate | None, body("Optional: how long the old secret still signs.")
        ] = None,
    ) -> WebhookCreated:
        """Admin: the new `secret` is shown only now. Until `previous_secret_expires_at` every
        message carries two signatures, one per secret, so receivers can switch at leisure."""
        grace = WebhookRotate().grace_seconds if data is None else data.grace_seconds
        return subscriptions.rotate_secret(db, actor, webhook_id, grace)

    @admin_route(
        get,
        "/{webhook_id:int}/deliveries",
        ADMINS,
        "Read a webhook's delivery log",
        _problems(404),
    )
    def list_deliveries(
        self,
        db: Db,
        settings: Config,
        webhook_id: WebhookId,
        state_filter: StateFilter = None,  # `state` would be Litestar's app state
        before: Before = None,
        limit: Limit = 20,
    ) -> WebhookDeliveryPage:
        """Admin: newest first; each delivery with its payload and every attempt's outcome,
        response code, duration and error."""
        return subscriptions.list_deliveries(
            db, settings, webhook_id, state=state_filter, before=before, limit=limit
        )

    @admin_route(
        post,
        "/{webhook_id:int}/deliveries/{delivery_id:int}/retry",
        ADMINS,
        "Retry a failed delivery",
        {
            **also(202, WebhookDelivery, "Queued again, due now."),
            **_problems(404, 409),
        },
        status_code=202,
    )
    def retry_delivery(
        self, db: Db, settings: Config, actor: Who, webhook_id: WebhookId, delivery_id: DeliveryId
    ) -> WebhookDelivery:
        """Admin: a `failed` delivery is queued again with a fresh back-off schedule and the
        same `webhook-id`; it goes out before the subscription's later events."""
        return subscriptions.retry_delivery(db, settings, actor, webhook_id, delivery_id)


def event_docs() -> dict[str, PathItem | Reference]:
    """The OpenAPI ``webhooks`` section: what a receiver gets for each event type."""
    documented: dict[str, PathItem | Reference] = {}
    for event_type in WEBHOOK_EVENT_TYPES:
        operation = Operation(
            summary=f"`{event_type}` sent to a subscribed URL",
            description=SIGNING,
            operation_id=f"webhook_{event_type.replace('.', '_')}",
            tags=["webhook events"],
            parameters=[
                Parameter(
                    name=name,
                    param_in=ParamType.HEADER,
                    required=True,
                    description=text,
                    schema=Schema(type=OpenAPIType.STRING),
                )
                for name, text in _HEADERS.items()
            ],
            request_body=RequestBody(
                required=True,
                content={
                    "application/json": OpenAPIMediaType(
                        schema=Reference(ref="#/components/schemas/WebhookEvent")
                    )
                },
            ),
            responses={
                "2XX": OpenAPIResponse(description="Received: the delivery is done."),
                "default": OpenAPIResponse(description="Anything else: retried with back-off."),
            },
        )
        documented[event_type] = PathItem(post=operation)
    return documented
