"""The benchmark's baselines: a bare ASGI callable returning the same pre-encoded bytes.

By default it sends the article's body with four headers. With ``BASELINE_HEADERS`` (a JSON
file of ``[name, value]`` pairs: the real response's headers) it sends the same response the
service does, headers included, so a ratio to it is what the service's own code costs; the
headers the API contract requires (CORS, ``Surrogate-Key``, ``Vary``...) cost any server the
same.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

BODY = Path(os.environ.get("BASELINE_BODY", "bench/.body.json")).read_bytes()
ETAG = ('"' + hashlib.blake2b(BODY, digest_size=16).hexdigest() + '"').encode()
HEADERS = [
    (b"content-type", b"application/json"),
    (b"etag", ETAG),
    (b"cache-control", b"public, max-age=60"),
    (b"content-length", str(len(BODY)).encode()),
]
if os.environ.get("BASELINE_HEADERS"):
    HEADERS = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in json.loads(Path(os.environ["BASELINE_HEADERS"]).read_text())
    ]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer every request with the same bytes (or 304 when the ETag matches)."""
    if scope["type"] != "http":
        return
    for name, value in scope["headers"]:
        if name == b"if-none-match" and value == ETAG:
            await send({"type": "http.response.start", "status": 304, "headers": HEADERS[:3]})
            await send({"type": "http.response.body", "body": b""})
            return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
