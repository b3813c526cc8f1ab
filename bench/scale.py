"""The cases a real site meets (issue 13), run by ``make bench`` after the hot-path cases.

Default settings (access log on); random reads over 10,000 articles for the article JSON and for
``render/web``; one article read while another article's draft is saved every 200 ms; RSS per
worker and database size at 10,000 articles. Each is a ratio to the bare-ASGI baseline of the
same run.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import msgspec

from bench.paired import Baselines, paired_wrk
from bench.run import ARTICLE, SLUG, Load, Server, server_env, wrk
from service.channels import RENDERER_VERSION
from service.delivery import reads
from service.editorial.actor import Actor
from service.editorial.drafts import put_section, read_draft
from service.editorial.versions import draft_etag
from service.store.db import ContentDB
from service.store.prepared import prepared_bytes

SCALE_CASES = ("random-json", "random-web", "drafts")
BASE_URL = "http://bench.example"  # the renders' links; stored bodies are made for this origin
RANDOM_LUA = """
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/v1/articles/%s-%d%s", "SLUG", math.random(1, COUNT),
    "TAIL"))
end
"""


def prepare_bodies(db_path: Path, articles: int) -> float:
    """Make every article's JSON and web body once, as first reads would; seconds per article."""
    db = ContentDB(db_path)
    started = time.perf_counter()
    try:
        for index in range(articles):
            slug = SLUG if index == 0 else f"{SLUG}-{index}"
            reads.article_response(db, slug, "html", None)
            reads.web_response(db, slug, None, BASE_URL)
    finally:
        db.close()
    return (time.perf_counter() - started) / articles


def default_settings_case(db_path: Path, baselines: Baselines) -> Load:
    """The hot article with the default LOG_LEVEL=info (one access-log line a request), in
    rounds paired with the baseline's."""
    env = {**server_env(db_path), "LOG_LEVEL": "info"}
    server = Server("service.asgi:app", env, factory=True)
    try:
        server.wait_ready(ARTICLE)
        name = "default settings (access log on), article JSON"
        return paired_wrk(name, server.base + ARTICLE, baselines)
    finally:
        server.stop()


def draft_saver(db_path: Path, slug: str, stop: threading.Event, every: float) -> list[int]:
    """Save a section of ``slug``'s draft every ``every`` seconds until stopped; counts saves."""
    saved = [0]

    def run() -> None:
        db = ContentDB(db_path)
        actor = Actor(name="Bench Editor", role="editor")
        try:
            while not stop.is_set():
                draft = read_draft(db, slug, actor)
                intro = draft.sections[0]
                changed = msgspec.structs.replace(intro, body=f"Draft save {saved[0]}.")
                put_section(db, actor, slug, intro.key, changed, draft_etag(draft))
                saved[0] += 1
                stop.wait(every)
        finally:
            db.close()

    threading.Thread(target=run, daemon=True).start()
    return saved


def scale_loads(
    large: Path,
    work: Path,
    articles: int,
    baselines: Baselines,
    cases: tuple[str, ...] = SCALE_CASES,
) -> tuple[list[Load], list[tuple[float, float]], int]:
    """The ``cases`` (of :data:`SCALE_CASES`) against one server over the large database; the
    loads, each worker's RSS and private (anonymous) memory after them, and the draft saves
    made meanwhile. The random reads run once (a second round would read a warm cache); the
    draft-save case runs in rounds paired with the baseline's."""
    env = {**server_env(large), "PUBLIC_BASE_URL": BASE_URL}
    server = Server("service.asgi:app", env, factory=True)
    loads: list[Load] = []
    saved = [0]
    try:
        server.wait_ready(ARTICLE)
        for case, name, tail in (
            ("random-json", "article JSON", ""),
            ("random-web", "render/web", "/render/web"),
        ):
            if case not in cases:
                continue
            script = work / f"random{tail.replace('/', '-')}.lua"
            lua = RANDOM_LUA.replace("SLUG", SLUG).replace("COUNT", str(articles - 1))
            script.write_text(lua.replace("TAIL", tail))
            loads.append(
                wrk(f"random reads, {articles:,} articles, {name}", server.base, script=script)
            )
        if "drafts" in cases:
            stop = threading.Event()
            saved = draft_saver(large, f"{SLUG}-1", stop, 0.2)
            try:
                name = "hot article while a draft is saved every 200 ms"
                loads.append(paired_wrk(name, server.base + ARTICLE, baselines))
            finally:
                stop.set()
        rss = list(zip(server.worker_rss_mb(), server.worker_rss_mb("RssAnon"), strict=True))
    finally:
        server.stop()
    return loads, rss, saved[0]


def scale_cases(
    large: Path, work: Path, articles: int, baseline_rps: float, baselines: Baselines
) -> dict[str, Any]:
    """Random reads, reads during draft saves, RSS and size over the 10,000-article database;
    the random reads against ``baseline_rps``, the paired case against its own rounds."""
    per_article = prepare_bodies(large, articles)
    loads, rss, saves = scale_loads(large, work, articles, baselines)
    for load in loads:
        load.baseline_rps = load.baseline_rps or baseline_rps
    db = ContentDB(large)
    with db.read() as conn:
        stored = prepared_bytes(conn)
    db.close()
    size = sum(
        p.stat().st_size for p in (large, large.with_name(large.name + "-wal")) if p.exists()
    )
    return {
        "loads": loads,
        "rss": rss,
        "saves": saves,
        "db_mb": size / 1e6,
        "prepared_kb_per_article": stored / articles / 1e3,
        "prepare_ms_per_article": per_article * 1000,
        "renderer": RENDERER_VERSION,
    }


def rounds_note(load: Load) -> str:
    """For a case measured in pairs (bench.paired): every round's ratio to the same-response
    baseline, and the median ratio to the body-only baseline; else nothing."""
    if not load.rounds:
        return ""
    rounds = ", ".join(f"{ratio:.2f}x" for ratio in load.rounds)
    return f" (rounds: {rounds}; {load.body_only_ratio or 0:.2f}x the body-only baseline)"


def scale_report(default: Load, found: dict[str, Any]) -> list[str]:
    """The scale section of bench/results.md, with its targets."""
    random_json, random_web, during = found["loads"]
    rows = [default, *found["loads"]]
    lines = [
        "",
        "## Reads at library scale",
        "",
        "| case | req/s | p50 ms | p99 ms | errors | vs baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {r.name} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.errors} "
            f"| {r.ratio}{rounds_note(r)} |"
            for r in rows
        ),
        "",
        f"- Draft saves during the hot-article case: {found['saves']}.",
        "- RSS per worker after the 10,000-article cases: "
        + ", ".join(
            f"{rss:.0f} MB, of which {anon:.0f} MB private (the rest: pages of the memory-mapped"
            " database, the OS page cache every worker shares)"
            for rss, anon in found["rss"]
        ),
        f"- Database size at 10,000 articles, JSON and web bodies prepared: {found['db_mb']:.0f} MB"
        f" (prepared bodies: {found['prepared_kb_per_article']:.1f} kB an article).",
        f"- Preparing an article's JSON and web bodies once: {found['prepare_ms_per_article']:.1f}"
        " ms (made on first read, then shared by every worker and restart).",
        "",
        "### Targets",
        "",
    ]

    def ratio(load: Load) -> float:
        return load.rps / load.baseline_rps if load.baseline_rps else 0.0

    def paired(load: Load) -> str:
        return (
            f"{ratio(load):.2f}x the same response from bare ASGI; "
            f"{load.body_only_ratio or 0:.2f}x the body alone"
        )

    checks = [
        (f"default-settings hot GET >= 0.8x ({paired(default)})", ratio(default) >= 0.8),
        *(
            (
                f"{load.name} >= 0.4x ({ratio(load):.2f}x) with p99 < 25 ms ({load.p99_ms:.1f} ms)",
                ratio(load) >= 0.4 and load.p99_ms < 25,
            )
            for load in (random_json, random_web)
        ),
        (f"hot GET while drafts are saved >= 0.7x ({paired(during)})", ratio(during) >= 0.7),
    ]
    lines += [f"- [{'x' if ok else ' '}] {name}" for name, ok in checks]
    return [*lines, "", *SCALE_NOTES]


SCALE_NOTES = [
    "- Default settings: LOG_LEVEL=info (the access log, batched, to /dev/null); RATE_LIMIT off",
    "  as in every case (wrk is one client: the default 600 a minute would answer 429).",
    "- Random reads: every article's JSON and web body is prepared before the run, as first",
    "  reads would; the server starts with an empty in-memory cache (RESPONSE_CACHE_MB, 256 MB",
    "  by default), so the run begins on misses (one indexed read of a memory-mapped SQLite",
    "  file, answered by the edge) and ends on hits as the cache fills.",
    "- Draft saves: a section of another article's draft every 200 ms, in the bench process.",
    "- The default-settings and draft-save cases run in rounds (BENCH_ROUNDS, 3), each right",
    "  after a round of two bare-ASGI baselines (bench/paired.py): one sending the same",
    "  response, headers included (the row's ratio: what the service's code costs), one the",
    "  body with four headers (the baseline of the other cases: it includes what the headers",
    "  the contract requires cost, about 10 % on this machine). The row is the round with the",
    "  median ratio; every round's ratio is listed.",
]
