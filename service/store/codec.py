"""Encoding of Structs and times for storage, created once and reused."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import msgspec

from schema.article import ArticleFields, Review
from schema.text import convert_stored
from schema.trust import Correction
from service.errors import FieldError, InvalidInput

T = TypeVar("T")


def stored_decoder(type_: type[T]) -> Callable[[str | bytes], T]:
    """A decoder of stored content: the fast typed decode, falling back to
    :func:`schema.text.convert_stored` for content stored before the text policy."""
    typed = msgspec.json.Decoder(type_).decode

    def decode(raw: str | bytes) -> T:
        try:
            return typed(raw)
        except msgspec.ValidationError:
            return convert_stored(msgspec.json.decode(raw), type_)

    return decode


encode_json = msgspec.json.Encoder().encode
decode_fields = stored_decoder(ArticleFields)
decode_review = stored_decoder(Review)
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
    # Alike in shape to sync's token decoding: each token has its own format and 400 words.
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidInput(
        f"`since` is not a cursor this API issued: {cursor!r}. Use a `cursor` or `next_cursor` "
        "value from /v1/changes, or omit `since` to start from the beginning.",
        errors=(FieldError("since", "not a valid cursor"),),
    )
