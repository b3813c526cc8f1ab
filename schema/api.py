"""Request and response shapes of the HTTP API that are not content Structs themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from schema.article import Disclaimer, Review, SectionList, Summary
from schema.base import HttpUrl, Model, NonEmptyStr, SectionKey, Slug
from schema.sections import ensure_unique_keys

RichTextFormat = Literal["markdown", "html", "text"]
ChangeAction = Literal["published", "rolled_back", "unpublished"]


class ArticleSummary(Model, frozen=True):
    """One published article in the list."""

    slug: Slug
    title: str
    summary: str
    revision: int
    published_at: datetime
    updated_at: datetime
    review: Review


class ArticleList(Model, frozen=True):
    """The published articles."""

    articles: list[ArticleSummary]


class ArticleCreate(Model, frozen=True):
    """Body of a request creating an article as a draft."""

    slug: Slug
    title: NonEmptyStr
    summary: Summary
    disclaimer: Disclaimer
    hero_image: HttpUrl | None = None
    sections: SectionList = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        ensure_unique_keys(self.sections)


class ArticlePatch(Model, frozen=True):
    """Body of a draft PATCH: only the fields present change."""

    title: NonEmptyStr | UnsetType = UNSET
    summary: Summary | UnsetType = UNSET
    hero_image: HttpUrl | UnsetType | None = UNSET
    disclaimer: Disclaimer | UnsetType = UNSET
    section_order: Annotated[list[SectionKey], Meta(max_length=100)] | UnsetType = UNSET


class ChangeEvent(Model, frozen=True):
    """A publish event in the change feed."""

    cursor: str
    article: Slug
    revision: int | None
    action: ChangeAction
    sections_changed: list[str]
    at: datetime


class ChangePage(Model, frozen=True):
    """A page of change events, oldest first, and the cursor to continue from."""

    changes: list[ChangeEvent]
    next_cursor: str
    has_more: bool


class ProblemFieldError(Model, frozen=True):
    """One invalid field of a request: where it is and what is wrong."""

    path: str
    message: str


class Problem(Model, frozen=True, omit_defaults=True):
    """An RFC 9457 problem detail, served as ``application/problem+json``."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[ProblemFieldError] | None = None


# --- Admin API: editorial workflow, history, audit and tokens ---

Role = Literal["editor", "reviewer", "admin"]
LiveAction = Literal["published", "scheduled", "unpublished", "rolled_back"]
ChangeKind = Literal["added", "removed", "changed"]
AwareDateTime = Annotated[datetime, Meta(tz=True, description="ISO-8601 with a UTC offset.")]


class ApproveRequest(Model, frozen=True):
    """Optional body of an approval: the reviewer's credentials for the byline."""

    credentials: Annotated[str, Meta(max_length=300, examples=["MD, Psychiatry"])] = ""


class RejectRequest(Model, frozen=True):
    """Body of a rejection: why the draft goes back to its editors."""

    reason: Annotated[str, Meta(min_length=1, max_length=2_000, pattern=r"^\s*\S[\s\S]*$")]


class PublishRequest(Model, frozen=True):
    """Optional body of a publish: ``at`` in the future schedules it, absent publishes now."""

    at: AwareDateTime | None = None


class RollbackRequest(Model, frozen=True):
    """Body of a rollback: the earlier published revision to make live again."""

    revision: Annotated[int, Meta(ge=1, le=1_000_000)]


class LiveChange(Model, frozen=True):
    """What a publish, schedule, unpublish or rollback did to the live article."""

    article: Slug
    action: LiveAction
    revision: int | None
    sections_changed: list[str]
    at: datetime


class RevisionSummary(Model, frozen=True):
    """One published revision in the history, without its content."""

    number: int
    published_at: datetime
    published_by: str
    review: Review
    restored_from: int | None
    is_live: bool


class RevisionList(Model, frozen=True):
    """An article's published revisions, newest first."""

    article: Slug
    live_revision: int | None
    revisions: list[RevisionSummary]


class FieldChange(Model, frozen=True):
    """One change a reviewer reads: which section, where in it, and the values either side.

    ``section`` is None for article fields and the section order; an empty ``path`` means the
    whole section; list items are addressed by index, like ``therapies[0].dose.min``.
    """

    section: str | None
    path: str
    change: ChangeKind
    before: Any = None
    after: Any = None


class ContentDiff(Model, frozen=True):
    """Changes from one version of an article's content to another."""

    article: Slug
    against: int | None
    revision: int | None
    draft_version: int | None
    sections_changed: list[str]
    changes: list[FieldChange]


class AuditEntry(Model, frozen=True):
    """One admin action: who, with which role, what, to which article and revision, when."""

    id: int
    at: datetime
    actor: str
    role: str
    action: str
    article: str | None
    revision: int | None
    request_id: str | None
    detail: str


class AuditPage(Model, frozen=True):
    """Audit entries oldest first; pass ``next_since`` as ``since`` to continue."""

    entries: list[AuditEntry]
    next_since: str
    has_more: bool


class TokenInfo(Model, frozen=True):
    """An API token as listed: never the token itself, which is shown once and stored hashed."""

    id: int
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None


class NewsletterItem(Model, frozen=True):
    """One changed article in a newsletter digest, with a human line saying what changed.

    ``revision`` is the live revision after the change (None once withdrawn) and
    ``previous_revision`` the one live before it (None for a first publish).
    """

    slug: Slug
    title: str
    revision: int | None
    previous_revision: int | None
    action: ChangeAction
    sections_changed: list[str]
    summary: str
    changes: list[str]
    url: str
    at: datetime


class NewsletterDigest(Model, frozen=True):
    """What changed since a cursor, as an email: subject, HTML and text parts, and the items."""

    subject: str
    html: str
    text: str
    items: list[NewsletterItem]
    next_cursor: str
    has_more: bool


# --- Webhooks: subscriptions, the delivery log, and the events sent to receivers ---

WebhookEventType = Literal["article.published", "article.unpublished", "article.rolled_back"]
WEBHOOK_EVENT_TYPES: tuple[WebhookEventType, ...] = (
    "article.published",
    "article.unpublished",
    "article.rolled_back",
)
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
    Meta(min_length=1, max_length=3, description="Event types to receive (duplicates ignored)."),
]
WebhookDescription = Annotated[str, Meta(max_length=300, description="A note for people.")]


class WebhookCreate(Model, frozen=True):
    """Body of a subscription: where to send which events."""

    url: WebhookUrl
    events: WebhookEvents = msgspec.field(default_factory=lambda: list(WEBHOOK_EVENT_TYPES))
    description: WebhookDescription = ""


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


class WebhookEventData(Model, frozen=True):
    """What happened to which article: the live revision after the event (None once withdrawn),
    the keys of the sections that changed, and the public URL (None once withdrawn)."""

    article: Slug
    revision: int | None
    sections_changed: list[str]
    url: str | None


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
