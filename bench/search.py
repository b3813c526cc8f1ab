"""The search figures for ``make bench``: p99 of two-word queries over a seeded database.

Measured in process through the read model (``service.delivery.search.run_search``): over HTTP
the edge would answer every repeat from its cache, so this is the cost of a first query. Over
HTTP, ``SEARCH_LUA`` has wrk ask those queries at random pages and sizes (about 160,000
distinct URLs), so nearly every request is a cache miss answered by SQLite.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from service.delivery.search import run_search  # noqa: E402
from service.store.db import ContentDB  # noqa: E402
from service.store.search import SearchFilters  # noqa: E402

# Words of the seed article, so every query matches (copies of it: every article matches).
QUERIES = (
    "ketamine anxiety",
    "infusion dose",
    "nasal spray",
    "side effects",
    "treatment session",
    "depression symptoms",
    "medical supervision",
    "therapy benefits",
)
ROUNDS = 40
# Each wrk thread seeds its own generator (else both threads ask the same URLs, and the
# second is answered from the cache the first filled).
SEARCH_LUA = """
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  math.randomseed(os.time() * 100 + id)
end
local queries = {QUERIES}
request = function()
  local q = queries[math.random(1, #queries)]
  local limit = math.random(10, 30)
  local offset = math.random(0, 970)
  return wrk.format("GET", string.format("/v1/search?q=%s&limit=%d&offset=%d", q, limit, offset))
end
"""


def search_script(path: Path) -> Path:
    """The wrk script asking ``QUERIES`` at random pages, written to ``path``."""
    listed = ", ".join(f'"{query.replace(" ", "+")}"' for query in QUERIES)
    path.write_text(SEARCH_LUA.replace("QUERIES", listed))
    return path


def search_latencies_ms(
    db_path: Path, rounds: int = ROUNDS, cpu: list[float] | None = None
) -> list[float]:
    """Milliseconds per query, each of ``QUERIES`` ``rounds`` times, first page of 20; the
    CPU milliseconds of this process for each go to ``cpu`` (on a shared machine the wall
    time includes waiting for a core)."""
    db = ContentDB(db_path)
    try:
        run_search(db, QUERIES[0], SearchFilters(), limit=20, offset=0)  # warm the page cache
        timings = []
        for _ in range(rounds):
            for query in QUERIES:
                started, used = time.perf_counter(), time.process_time()
                run_search(db, query, SearchFilters(), limit=20, offset=0)
                timings.append((time.perf_counter() - started) * 1000)
                if cpu is not None:
                    cpu.append((time.process_time() - used) * 1000)
        return timings
    finally:
        db.close()


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user and system) used so far by a process and its children's live
    processes (granian's workers), from /proc."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [str(pid), *(children.read_text().split() if children.exists() else [])]
    ticks = 0
    for each in pids:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def p99(timings: list[float]) -> float:
    """The 99th percentile."""
    return statistics.quantiles(timings, n=100)[98]


if __name__ == "__main__":
    used: list[float] = []
    found = search_latencies_ms(Path(sys.argv[1]), cpu=used)
    print(f"search p99 {p99(found):.2f} ms, median {statistics.median(found):.2f} ms")
    print(f"CPU p99 {p99(used):.2f} ms, median {statistics.median(used):.2f} ms")
