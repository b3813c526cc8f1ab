"""Standard Webhooks signatures (https://www.standardwebhooks.com): ``sign`` and ``verify``.

Standard library only and no imports from this project: a receiver may copy this file as is.

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; its signature is ``v1,`` and
the base64 HMAC-SHA256 of it, keyed with the base64-decoded part of the secret after ``whsec_``.
``webhook-signature`` holds one or more signatures separated by spaces (while a secret is being
rotated, one per secret); any one that matches is enough.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_SECONDS = 300


class WebhookVerificationError(Exception):
    """The message is not authentic or not fresh: reject it (answer 400 and do not act on it)."""


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError) as error:
        raise WebhookVerificationError("the secret is not `whsec_` followed by base64") from error


def _signature(key: bytes, message_id: str, timestamp: str, body: bytes) -> str:
    content = f"{message_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The signature of a message as ``webhook-signature`` carries it: ``v1,<base64>``."""
    return "v1," + _signature(_key(secret), message_id, str(timestamp), body)


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> None:
    """Check a received message: return quietly if authentic and fresh, else raise
    ``WebhookVerificationError``. Pass the raw body bytes, before any JSON parsing."""
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id = lowered.get("webhook-id")
    timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not message_id or not timestamp or not signatures:
        missing = [
            name
            for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
            if not lowered.get(name)
        ]
        raise WebhookVerificationError(f"missing header: {', '.join(missing)}")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookVerificationError(
            f"webhook-timestamp is not unix seconds: {timestamp!r}"
        ) from None
    current = time.time() if now is None else now
    # A bound both ways: an old message may be a replay, a future one a replay prepared early.
    if abs(current - sent_at) > tolerance_seconds:
        raise WebhookVerificationError(
            f"webhook-timestamp is {current - sent_at:+.0f} s from now, "
            f"outside the {tolerance_seconds} s tolerance"
        )
    expected = _signature(_key(secret), message_id, timestamp, body).encode()
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            return
    raise WebhookVerificationError("no signature matches: wrong secret or altered message")
