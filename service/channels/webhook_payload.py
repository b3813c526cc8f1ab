"""The body and headers of a webhook request, built the same way on every attempt."""

from __future__ import annotations

import base64
import secrets

import msgspec

from schema.webhooks import EventRecord, WebhookEvent, WebhookEventData
from service.channels.webhook_signature import SECRET_PREFIX, sign

SECRET_BYTES = 32
USER_AGENT = "health-content-api-webhooks/1"
_encode = msgspec.json.Encoder().encode


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` and base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def article_url(public_base_url: str, slug: str) -> str:
    """Where the public reads the article."""
    return f"{public_base_url.rstrip('/')}/v1/articles/{slug}"


def build_event(event: EventRecord, public_base_url: str) -> WebhookEvent:
    """The event as receivers get it; ``url`` is None once the article is withdrawn."""
    is_live = event.type != "article.unpublished"
    return WebhookEvent(
        type=event.type,
        timestamp=event.at,
        data=WebhookEventData(
            article=event.article,
            revision=event.revision,
            sections_changed=event.sections_changed,
            url=article_url(public_base_url, event.article) if is_live else None,
            note=event.note,
        ),
    )


def encode_event(event: WebhookEvent) -> bytes:
    """The exact bytes sent (and signed)."""
    return _encode(event)


def signed_headers(
    message_id: str, timestamp: int, body: bytes, keys: tuple[str, ...]
) -> dict[str, str]:
    """Standard Webhooks headers; one signature per secret (two while a rotation's grace runs)."""
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(key, message_id, timestamp, body) for key in keys),
    }
