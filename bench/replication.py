"""Litestream figures: replication lag under write load, and restore time for 10,000 articles.

``python bench/replication.py`` (``make bench-replication``): builds a 10,000-article database,
replicates it to a file replica with the service's generated Litestream configuration, then
publishes as fast as one writer can while a probe thread makes a marked commit every half
second and times how long each takes to reach the replica. Then it restores the replica
(Litestream alone, and ``restore --from-replica`` with its checks). Prints a Markdown table.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import seeded_database  # noqa: E402
from seed.loader import publish_seed_variant  # noqa: E402
from service.config import Settings  # noqa: E402
from service.store.db import ContentDB  # noqa: E402
from service.store.replica_restore import restore_from_replica  # noqa: E402
from service.store.replication import (  # noqa: E402
    LagMonitor,
    litestream_binary,
    replica_directory,
    replicate_command,
    write_litestream_config,
)

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "10000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
PROBE_EVERY_S = 0.5


def newest_replica_mtime(directory: Path) -> float:
    """The newest LTX file's timestamp in a file replica (0 when empty)."""
    stamps = [p.stat().st_mtime for p in directory.glob("ltx/*/*.ltx")]
    return max(stamps, default=0.0)


def wait_for_replica(directory: Path, since: float, timeout: float = 30.0) -> float:
    """Seconds until the replica holds a file written at or after ``since``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if newest_replica_mtime(directory) >= since - 0.005:
            return time.time() - since
        time.sleep(0.005)
    raise TimeoutError("the replica did not catch up")


def write_load(settings: Settings, stop: threading.Event, counts: list[int]) -> None:
    """Publish new revisions back to back until told to stop."""
    db = ContentDB(settings.content_db)
    try:
        while not stop.is_set():
            publish_seed_variant(db, intro_body=f"Load {counts[0]}.", actor="bench")
            counts[0] += 1
    finally:
        db.close()


def probe_lag(settings: Settings, directory: Path, stop: threading.Event) -> list[float]:
    """Commit-to-replica seconds of one marked commit every PROBE_EVERY_S."""
    db = ContentDB(settings.content_db)
    latencies: list[float] = []
    try:
        while not stop.is_set():
            publish_seed_variant(db, intro_body="Probe.", actor="probe")
            committed = time.time()
            latencies.append(wait_for_replica(directory, committed))
            time.sleep(PROBE_EVERY_S)
    finally:
        db.close()
    return latencies


def measure_lag(settings: Settings, directory: Path) -> dict[str, float]:
    """Lag figures while one writer publishes flat out."""
    stop = threading.Event()
    counts = [0]
    writer = threading.Thread(target=write_load, args=(settings, stop, counts))
    monitor, sampled = LagMonitor(settings), []
    result: list[float] = []
    prober = threading.Thread(target=lambda: result.extend(probe_lag(settings, directory, stop)))
    started = time.perf_counter()
    writer.start()
    prober.start()
    while time.perf_counter() - started < SECONDS:
        sampled.append(monitor.lag_seconds())
        time.sleep(0.1)
    stop.set()
    writer.join()
    prober.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(result)
    return {
        "publishes_per_s": counts[0] / elapsed,
        "probes": len(ordered),
        "p50": statistics.median(ordered),
        "p95": ordered[int(0.95 * (len(ordered) - 1))],
        "max": ordered[-1],
        "monitor_max": max(sampled),
    }


def measure_restore(settings: Settings, work: Path, name: str) -> dict[str, float]:
    """Seconds for Litestream's restore alone, and for ``restore --from-replica`` (checked)."""
    plain = work / f"{name}-plain.db"
    started = time.perf_counter()
    subprocess.run(
        [
            str(litestream_binary()),
            "restore",
            "-o",
            str(plain),
            f"file://{replica_directory(settings)}",
        ],
        check=True,
        capture_output=True,
    )
    litestream_s = time.perf_counter() - started
    report = restore_from_replica(settings, work / f"{name}-checked.db")
    return {
        "litestream_s": litestream_s,
        "checked_s": report.seconds,
        "live": report.live_articles,
        "db_mb": plain.stat().st_size / 1e6,
    }


def main() -> None:
    """Build, replicate, load, restore; print the figures."""
    with tempfile.TemporaryDirectory(prefix="bench-replication-") as folder:
        work = Path(folder)
        settings = Settings(
            content_db=work / "content.db", replication=True, replica_url=str(work / "replica")
        )
        built = time.perf_counter()
        seeded_database(settings.content_db, ARTICLES)
        build_s = time.perf_counter() - built
        config = write_litestream_config(settings)
        command = replicate_command(config, ["sleep", "86400"])
        litestream = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        directory = replica_directory(settings)
        assert directory is not None
        try:
            snapshot_s = wait_for_replica(directory, time.time() - 0.5, timeout=120)
            fresh = measure_restore(settings, work, "fresh")
            lag = measure_lag(settings, directory)
        finally:
            litestream.send_signal(signal.SIGTERM)
            litestream.wait(timeout=30)
        files = len(list(directory.glob("ltx/*/*.ltx")))
        loaded = measure_restore(settings, work, "loaded")
    print_table(build_s, snapshot_s, lag, files, fresh, loaded)


def print_table(
    build_s: float,
    snapshot_s: float,
    lag: dict[str, float],
    files: int,
    fresh: dict[str, float],
    loaded: dict[str, float],
) -> None:
    """The figures as a Markdown table."""
    print(f"| figure ({ARTICLES} articles, {SECONDS:g} s of load) | value |")
    print("| --- | --- |")
    print(f"| build the database | {build_s:.1f} s |")
    print(f"| first snapshot reaches the replica | {snapshot_s:.1f} s |")
    for label, restore in (("the 10,000 articles", fresh), ("after the load", loaded)):
        print(
            f"| restore {label} ({restore['db_mb']:.0f} MB, {restore['live']:.0f} live): "
            f"`litestream restore` / `restore --from-replica` with its checks | "
            f"{restore['litestream_s']:.2f} / {restore['checked_s']:.2f} s |"
        )
    print(f"| publishes during the load (one writer) | {lag['publishes_per_s']:.0f}/s |")
    print(
        f"| commit to replica, {lag['probes']:.0f} probes: p50 / p95 / max | "
        f"{lag['p50']:.2f} / {lag['p95']:.2f} / {lag['max']:.2f} s |"
    )
    print(f"| highest lag `/readyz` would report | {lag['monitor_max']:.2f} s |")
    print(f"| LTX files in the replica after the load | {files} |")


if __name__ == "__main__":
    main()
