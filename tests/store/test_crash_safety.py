"""SIGKILL at random moments never corrupts the database or loses an acknowledged revision."""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from service.store import content
from service.store.db import ContentDB
from tests.conftest import ROOT, SLUG

KILLS = 32
WRITER = Path(__file__).with_name("crash_writer.py")


def _run_and_kill(db_path: Path, rng: random.Random) -> dict[int, str]:
    """Start the writer, kill it after a random time, return what it acknowledged."""
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    acknowledged: dict[int, str] = {}
    deadline = None
    buffer = b""
    # A selector, not select(): late in a long suite the pipe's descriptor may exceed 1024.
    watch = selectors.DefaultSelector()
    watch.register(child.stdout, selectors.EVENT_READ)
    while True:
        ready = watch.select(0.005)
        if ready:
            chunk = os.read(child.stdout.fileno(), 65536)
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                _, number, body = line.decode().split(" ", 2)
                acknowledged[int(number)] = body
            if deadline is None and acknowledged:
                deadline = time.monotonic() + rng.uniform(0.0, 0.08)  # kill mid-stream
        if deadline is not None and time.monotonic() >= deadline:
            break
        assert child.poll() is None, "the writer died by itself"
    child.send_signal(signal.SIGKILL)
    child.wait()
    # Lines already written before the kill are acknowledgements too.
    rest = child.stdout.read()
    for line in (buffer + rest).split(b"\n"):
        if line:
            _, number, body = line.decode().split(" ", 2)
            acknowledged[int(number)] = body
    child.stdout.close()
    return acknowledged


def test_sigkill_during_publishing_loses_no_acknowledged_revision(seeded_db: ContentDB) -> None:
    rng = random.Random(20261129)
    acknowledged: dict[int, str] = {}
    for _ in range(KILLS):
        acknowledged.update(_run_and_kill(seeded_db.path, rng))
        assert seeded_db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        revisions = {r.number: r for r in content.list_revisions(seeded_db.conn, SLUG)}
        for number, body in acknowledged.items():
            assert number in revisions, f"acknowledged revision {number} was lost"
            assert revisions[number].sections[0].body == body  # type: ignore[union-attr]
        # No partial revision: every revision is whole, has its event, and the newest is live.
        assert all(len(r.sections) == 9 for r in revisions.values())
        events = seeded_db.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert events == len(revisions)
        assert content.get_live_revision_number(seeded_db.conn, SLUG) == max(revisions)
    assert len(acknowledged) >= KILLS
