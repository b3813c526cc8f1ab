"""Encoding of Structs and times for storage, created once and reused."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

import msgspec

from schema.article import ArticleFields, Review
from schema.trust import Correction
from service.errors import FieldError, InvalidInput

encode_json = msgspec.json.Encoder().encode
decode_fields = msgspec.json.Decoder(ArticleFields).decode
decode_review = msgspec.json.Decoder(Review).decode
decode_str_list = msgspec.json.Decoder(list[str]).decode
decode_correction = msgspec.json.Decoder(Correction).decode
decode_corrections = msgspec.json.Decoder(list[Correction]).decode

CURSOR_PREFIX = "ev1:"


def utc_now() -> datetime:
    """The current time in UTC, to the microsecond."""
    return datetime.now(UTC)


def format_time(value: datetime) -> str:
    """ISO-8601 UTC with fixed-width microseconds, so text order is time order."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str) -> datetime:
    """Read a time stored by :func:`format_time`."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def encode_cursor(event_id: int) -> str:
    """An opaque cursor for a position in the change feed."""
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{event_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The change-feed position a cursor names; no cursor is the beginning."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith(CURSOR_PREFIX):
            value = int(raw.removeprefix(CURSOR_PREFIX))
            if value >= 0:
                return value
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidInput(
        f"`since` is not a cursor this API issued: {cursor!r}. Use a `cursor` or `next_cursor` "
        "value from /v1/changes, or omit `since` to start from the beginning.",
        errors=(FieldError("since", "not a valid cursor"),),
    )


def to_builtins(value: Any) -> Any:
    """Structs to plain JSON-ready values (for sqlite-utils columns)."""
    return msgspec.to_builtins(value)
