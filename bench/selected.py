"""``BENCH_CASES=default,random-json make bench``: some cases only, each against the bare-ASGI
baseline of the same run, printed (bench/results.md is written by the full run alone).

Cases: ``hot`` (the article JSON, access log off), ``default`` (access log on), ``random-json``,
``random-web`` (random reads over 10,000 articles) and ``drafts`` (the hot article while another
article's draft is saved every 200 ms). ``BENCH_WORK=DIR`` keeps the seeded databases in DIR and
reuses them on the next run (seeding 10,000 articles takes minutes).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.paired import baseline_servers, paired_wrk
from bench.run import ARTICLE, Load, Server, measure_baseline, seeded_database, server_env
from bench.scale import (
    SCALE_CASES,
    default_settings_case,
    prepare_bodies,
    rounds_note,
    scale_loads,
)

CASES = ("hot", "default", *SCALE_CASES)
ARTICLES = 10_000


def database(work: Path, name: str, articles: int) -> Path:
    """A seeded database in ``work``, made once and then reused."""
    path = work / name
    return path if path.exists() else seeded_database(path, articles)


def run_selected(names: list[str]) -> list[Load]:
    """Run the named cases (unknown names are refused) and print them with their ratios."""
    unknown = sorted(set(names) - set(CASES))
    if unknown:
        raise SystemExit(f"BENCH_CASES: unknown {', '.join(unknown)}; cases: {', '.join(CASES)}")
    kept = os.environ.get("BENCH_WORK")
    work = Path(kept) if kept else Path(tempfile.mkdtemp(prefix="bench-"))
    work.mkdir(parents=True, exist_ok=True)
    small = database(work, "small.db", 10)
    baseline, _, _ = measure_baseline(small, work)
    loads = [baseline]
    scale = tuple(name for name in SCALE_CASES if name in names)
    with baseline_servers(work) as baselines:
        if "hot" in names:
            server = Server("service.asgi:app", server_env(small), factory=True)
            try:
                server.wait_ready(ARTICLE)
                loads.append(paired_wrk("article JSON 200", server.base + ARTICLE, baselines))
            finally:
                server.stop()
        if "default" in names:
            loads.append(default_settings_case(small, baselines))
        if scale:
            large = database(work, "large.db", ARTICLES)
            prepare_bodies(large, ARTICLES)
            found, rss, saves = scale_loads(large, work, ARTICLES, baselines, scale)
            loads += found
            memory = ", ".join(f"{total:.0f} MB ({anon:.0f} MB private)" for total, anon in rss)
            print(f"RSS per worker: {memory}; draft saves: {saves}")
    for load in loads[1:]:
        load.baseline_rps = load.baseline_rps or baseline.rps
    for load in loads:
        print(
            f"{load.name:55} {load.rps:9,.0f} req/s  p50 {load.p50_ms:6.2f} ms  "
            f"p99 {load.p99_ms:6.2f} ms  errors {load.errors}  {load.ratio}" + rounds_note(load)
        )
    return loads
