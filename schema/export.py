"""The content model as JSON Schema, the contract other channels can validate against."""

from __future__ import annotations

from typing import Any

import msgspec

from schema.article import Article

SCHEMA_ID = "https://example.org/schemas/health-content/article.json"


def content_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of an article as the public API serves it."""
    schema: dict[str, Any] = msgspec.json.schema(Article)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Health content article",
        **schema,
    }


def content_json_schema_bytes() -> bytes:
    """The JSON Schema as stable, indented bytes (what ``make schema`` writes)."""
    return msgspec.json.format(msgspec.json.encode(content_json_schema()), indent=2) + b"\n"
