"""Per-request CPU cost of the read paths, in process: the ASGI app called in a loop, no sockets.

wrk figures on a shared 2-core machine move with whatever else runs; CPU time per request of
the app itself (``time.process_time``, every thread of the process, so the access-log writer
counts too) does not, so a change to a path shows here even when the wrk ratios are noisy.

    .venv/bin/python bench/inprocess.py            # 2,000 articles (INPROC_ARTICLES to change)

Cases: the hot article with the access log off and on (default settings), and misses over every
article for the article JSON and ``render/web`` (bodies prepared in SQLite, the worker's memory
cache emptied before each request, so every request reads the store).
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import ARTICLE, SLUG, seeded_database  # noqa: E402
from bench.scale import BASE_URL, prepare_bodies  # noqa: E402
from service.app import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.edge.logs import ACCESS_LOG  # noqa: E402

ARTICLES = int(os.environ.get("INPROC_ARTICLES", "2000"))
ROUNDS = int(os.environ.get("INPROC_ROUNDS", "5"))


def scope_for(path: str) -> dict[str, Any]:
    """A GET as granian hands it over for a wrk request (Host header only)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "GET",
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000")],
    }


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def measure(
    app: Any, paths: Callable[[int], str], count: int, before: Callable[[], None] | None = None
) -> float:
    """Best CPU microseconds per request over ``ROUNDS`` rounds of ``count`` requests."""
    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def run() -> None:
        for index in range(count):
            if before is not None:
                before()
            await app(scope_for(paths(index)), _receive, send)

    best = float("inf")
    for _ in range(ROUNDS):
        statuses.clear()
        started = time.process_time()
        asyncio.run(run())
        ACCESS_LOG.flush()
        best = min(best, (time.process_time() - started) / count * 1e6)
        if set(statuses) != {200}:
            raise RuntimeError(f"unexpected statuses {sorted(set(statuses))}")
    return best


def main() -> None:
    """Seed, prepare, and print the CPU cost of each case."""
    reuse = os.environ.get("INPROC_DB")  # a database this script made before: kept and reused
    db_path = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix="inproc-")) / "bench.db"
    if not db_path.exists():
        seeded_database(db_path, ARTICLES)
        prepare_bodies(db_path, ARTICLES)
    written = [0]

    def devnull(data: bytes) -> None:
        written[0] += len(data)

    results = {}
    for log_level in ("warning", "info"):
        settings = Settings(
            content_db=db_path,
            rate_limit_per_minute=None,
            log_level=log_level,
            public_base_url=BASE_URL,
        )
        app = create_app(settings)
        ACCESS_LOG.configure(is_enabled=log_level == "info", write=devnull)
        cache = app.state["cache"]
        results[f"hot article JSON, LOG_LEVEL={log_level}"] = measure(app, lambda i: ARTICLE, 20000)
        if log_level == "warning":
            rng = random.Random(1)
            for name, tail in (("article JSON", ""), ("render/web", "/render/web")):

                def pick(_: int, tail: str = tail, rng: random.Random = rng) -> str:
                    return f"/v1/articles/{SLUG}-{rng.randint(1, ARTICLES - 1)}{tail}"

                results[f"miss, {name}"] = measure(
                    app, pick, 3000, getattr(cache, "clear", None) or cache._entries.clear
                )
    for name, micros in results.items():
        print(f"{name:45} {micros:8.1f} us CPU a request")


if __name__ == "__main__":
    main()
