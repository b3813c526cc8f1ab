"""Webhook subscriptions, the delivery log, and the events sent to receivers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal, get_args

import msgspec
from msgspec import UNSET, Meta, UnsetType

from schema.api import ChangeAction
from schema.base import Model, Slug
from schema.text import MULTI_LINE_PATTERN

WebhookEventType = Literal[
    "article.published",
    "article.unpublished",
    "article.rolled_back",
    "article.review_due",
    "article.corrected",
]
WEBHOOK_EVENT_TYPES: tuple[WebhookEventType, ...] = get_args(WebhookEventType)


def event_type_of(action: ChangeAction) -> WebhookEventType:
    """The webhook event a change-feed action sends: ``published`` is ``article.published``."""
    event_type = f"article.{action}"
    if event_type not in WEBHOOK_EVENT_TYPES:
        raise ValueError(f"no webhook event for the action {action!r}")
    return event_type


WebhookDeliveryState = Literal["pending", "delivered", "failed"]
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PORT = r"(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})"
_PATH = r"[/?][A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*"
# Stricter than HttpUrl on purpose: every URL this pattern admits can be parsed and requested,
# so a well-formed URL is refused only for where it points (a private address), never its form.
WebhookUrl = Annotated[
    str,
    Meta(
        pattern=rf"^https?://{_LABEL}(?:\.{_LABEL})*(?::{_PORT})?(?:{_PATH})?$",
        max_length=2_000,
        description="Where to POST events: an http(s) URL with a host name or IPv4 address (no "
        "user info, no fragment). Hosts resolving to loopback, private, link-local or reserved "
        "addresses are refused unless the server allows private webhooks.",
        examples=["https://example.org/hooks/health-content"],
    ),
]
WebhookEvents = Annotated[
    list[WebhookEventType],
    Meta(
        min_length=1,
        max_length=len(WEBHOOK_EVENT_TYPES),
        description="Event types to receive (duplicates ignored).",
    ),
]
WebhookDescription = Annotated[
    str, Meta(max_length=300, pattern=MULTI_LINE_PATTERN, description="A note for people.")
]


class WebhookCreate(Model, frozen=True):
    """Body of a subscription: where to send which events."""

    url: WebhookUrl
    events: WebhookEvents = msgspec.field(default_factory=lambda: list(WEBHOOK_EVENT_TYPES))
    description: WebhookDescription = ""


# A PATCH body repeats its create body's fields as optional: declared, as msgspec needs.
class WebhookPatch(Model, frozen=True):
    """Body of a subscription PATCH: only the fields present change."""

    url: WebhookUrl | UnsetType = UNSET
    events: WebhookEvents | UnsetType = UNSET
    description: WebhookDescription | UnsetType = UNSET
    is_active: bool | UnsetType = UNSET


class WebhookRotate(Model, frozen=True):
    """Optional body of a secret rotation: how long the old secret still signs (default a day)."""

    grace_seconds: Annotated[int, Meta(ge=0, le=7 * 86_400)] = 86_400


class Webhook(Model, frozen=True):
    """A webhook subscription as listed: never its secret, which is shown once.

    ``is_failing`` is set when a delivery was given up after its last retry and cleared by the
    next successful one; ``is_active`` false pauses it (nothing is queued or sent).
    """

    id: int
    url: str
    events: list[WebhookEventType]
    description: str
    is_active: bool
    is_failing: bool
    pending_deliveries: int
    failed_deliveries: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    previous_secret_expires_at: datetime | None


class WebhookCreated(Webhook, frozen=True):
    """A subscription with its signing secret: the answer to creating it or rotating its secret."""

    secret: Annotated[
        str,
        Meta(
            description="`whsec_` + base64 of 32 random bytes; shown only now. Verify "
            "`webhook-signature` with it (see the Webhooks section of the docs).",
        ),
    ]


class WebhookList(Model, frozen=True):
    """The webhook subscriptions, oldest first."""

    webhooks: list[Webhook]


class WebhookEventData(Model, frozen=True, omit_defaults=True):
    """What happened to which article: the live revision after the event (None once withdrawn),
    the keys of the sections that changed, the public URL (None once withdrawn), and a ``note``:
    a correction's public note, or the due date of a review falling due (left out when none, so
    the other events' bodies are as they were)."""

    article: Slug
    revision: int | None
    sections_changed: list[str]
    url: str | None
    note: str | None = None


class WebhookEvent(Model, frozen=True):
    """The JSON body POSTed to a receiver; ``timestamp`` is when the event happened.

    Headers: ``webhook-id`` (the message id, the same on every retry: deduplicate on it),
    ``webhook-timestamp`` (unix seconds of the attempt) and ``webhook-signature``
    (``v1,`` + base64 HMAC-SHA256 of ``{webhook-id}.{webhook-timestamp}.{body}``).
    """

    type: WebhookEventType
    timestamp: datetime
    data: WebhookEventData


class WebhookAttempt(Model, frozen=True):
    """One attempt to deliver: when, how it ended, how long it took."""

    number: int
    at: datetime
    is_success: bool
    status_code: int | None
    duration_ms: int
    error: str | None


class WebhookDelivery(Model, frozen=True):
    """One event queued for one subscription, with every attempt made so far."""

    id: int
    webhook_id: int
    message_id: str
    event_type: WebhookEventType
    state: WebhookDeliveryState
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    payload: WebhookEvent
    attempt_log: list[WebhookAttempt]


class WebhookDeliveryPage(Model, frozen=True):
    """Deliveries newest first; pass ``next_before`` as ``before`` for older ones."""

    deliveries: list[WebhookDelivery]
    next_before: int | None


@dataclass(frozen=True)
class EventRecord:
    """The publish event a delivery carries, as the payload needs it."""

    type: WebhookEventType
    article: str
    revision: int | None
    sections_changed: list[str]
    at: datetime
    note: str | None = None
