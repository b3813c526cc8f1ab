"""Litestream replication on real processes: a crash that takes the primary's files loses no
write acknowledged more than the stated lag before it, and a point-in-time restore lands
between two publishes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.store.backup import integrity_check
from service.store.replication import STATED_LAG_S
from tests.commands import cli_token
from tests.e2e.conftest import ROOT, children_of, free_port, running_server, wait_until_ready

SLUG = "ketamine-therapy-for-anxiety"
ADMIN_ARTICLE = f"/v1/admin/articles/{SLUG}"
DRAFT = f"{ADMIN_ARTICLE}/draft"
Headers = dict[str, str]
State = tuple[int | None, int | None, str | None]
STOP_GRACE_S = 30  # Litestream syncs once more after its server has stopped


@dataclass
class Replicated:
    """A server running under Litestream (``python -m service replicate``)."""

    base_url: str
    process: subprocess.Popen[bytes]  # Litestream (``replicate`` replaces itself with it)
    server_pid: int  # granian's main process, Litestream's child, leading a group of its own
    env: dict[str, str]


def environment(database: Path, replica: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI command or server over this database and replica."""
    return {
        **os.environ,
        "CONTENT_DB": str(database),
        "REPLICA_URL": str(replica),
        "RATE_LIMIT": "off",
        **extra,
    }


@contextmanager
def replicated_server(database: Path, replica: Path, **extra: str) -> Iterator[Replicated]:
    """Litestream with the server as its child, in a process group of their own."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = environment(database, replica, PORT=str(port), PUBLIC_BASE_URL=base_url, **extra)
    log_path = database.with_name(f"replicated-{port}.log")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "service", "replicate"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Litestream's group is its own, as under a terminal
        )
        server_pid = 0
        try:
            wait_until_ready(base_url, process, log_path)
            (server_pid,) = children_of(process.pid)
            yield Replicated(base_url, process, server_pid, env)
        finally:
            stop_groups(process, server_pid, log_path)


def stop_groups(litestream: subprocess.Popen[bytes], server_pid: int, log: Path) -> None:
    """SIGTERM to Litestream's group, as Ctrl-C or an operator does (or to the server's, when a
    test killed Litestream), then wait until both groups are gone.

    Litestream is always reaped, so no zombie outlives the test (an unreaped ``Popen`` makes a
    ResourceWarning that fails whichever test is running when it is collected). Groups that
    outstay the grace period are killed and the test fails with the log's tail.
    """
    groups = [group for group in (litestream.pid, server_pid) if group]
    for group in groups:  # Litestream's first; the server's when a test killed Litestream
        try:
            os.killpg(group, signal.SIGTERM)
        except ProcessLookupError:
            continue
        break
    deadline = time.monotonic() + STOP_GRACE_S
    while any_alive(litestream, groups) and time.monotonic() < deadline:
        time.sleep(0.1)
    if any_alive(litestream, groups):
        for group in groups:
            with suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        litestream.wait()
        tail = log.read_text(errors="replace")[-3000:]
        pytest.fail(f"Litestream and its server did not stop within {STOP_GRACE_S}s:\n{tail}")
    litestream.wait()


def any_alive(litestream: subprocess.Popen[bytes], groups: list[int]) -> bool:
    """Whether a process of these groups still runs (Litestream is reaped once it has exited)."""
    litestream.poll()
    for group in groups:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            continue
        return True
    return False


def restore(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m service restore --from-replica ...`` as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "service", "restore", "--from-replica", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_state(database: Path) -> State:
    """The live revision and the draft's version and state, read from the file itself."""
    conn = sqlite3.connect(database)
    try:
        row = conn.execute(
            # A draft's state follows from its sign-off and submission (schema.article.Draft).
            "SELECT a.live_revision, d.version, CASE WHEN d.review IS NOT NULL THEN 'approved' "
            "WHEN d.submitted_by IS NOT NULL THEN 'in_review' ELSE 'draft' END FROM articles a "
            "LEFT JOIN drafts d ON d.article_id = a.id WHERE a.slug = ?",
            (SLUG,),
        ).fetchone()
    finally:
        conn.close()
    return (row[0], row[1], row[2])


def people(database: Path) -> tuple[Headers, Headers]:
    """An editor's and a reviewer's headers, from tokens made by the CLI (which seeds the db)."""
    editor = cli_token(database, "Erin Editor", "editor")
    reviewer = cli_token(database, "Rita Reviewer", "reviewer")
    return {"Authorization": f"Bearer {editor}"}, {"Authorization": f"Bearer {reviewer}"}


def save_intro(client: httpx.Client, editor: Headers, text: str) -> None:
    """A draft save: the intro says ``text``."""
    draft = client.get(DRAFT, headers=editor)
    intro = draft.json()["sections"][0]
    intro["body"] = text
    saved = client.put(
        f"{DRAFT}/sections/{intro['key']}",
        json=intro,
        headers={**editor, "If-Match": draft.headers["etag"]},
    )
    assert saved.status_code == 200, saved.text


def review(client: httpx.Client, editor: Headers, reviewer: Headers) -> None:
    """Submit the draft and have it approved."""
    assert client.post(f"{DRAFT}/submit", headers=editor).status_code == 200
    etag = client.get(DRAFT, headers=reviewer).headers["etag"]
    approved = client.post(f"{DRAFT}/approve", headers={**reviewer, "If-Match": etag})
    assert approved.status_code == 200, approved.text


def publish(client: httpx.Client, editor: Headers) -> dict[str, Any]:
    """Publish the approved draft; returns the public article as served right after."""
    published = client.post(f"{ADMIN_ARTICLE}/publish", headers=editor)
    assert published.status_code == 200, published.text
    body: dict[str, Any] = client.get(f"/v1/articles/{SLUG}").json()
    return body


def test_restore_after_a_crash_holds_every_write_acknowledged_before_the_stated_lag(
    tmp_path: Path,
) -> None:
    database, replica = tmp_path / "content.db", tmp_path / "replica"
    editor, reviewer = people(database)
    saves: list[tuple[float, State]] = []  # (wall time of the ack, state after it)
    publishes: list[tuple[float, int]] = []  # (wall time of the ack, revision number)
    public: dict[int, dict[str, Any]] = {}
    with replicated_server(database, replica) as server:
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            started = time.monotonic()
            cycle = 0
            while time.monotonic() - started < 3 * STATED_LAG_S:
                cycle += 1
                save_intro(client, editor, f"Publish {cycle}: reviewed text.")
                saves.append((time.time(), read_state(database)))
                review(client, editor, reviewer)
                body = publish(client, editor)
                publishes.append((time.time(), body["revision"]))
                public[body["revision"]] = body
                save_intro(client, editor, f"Draft after publish {cycle}.")
                saves.append((time.time(), read_state(database)))
        # The machine dies: every process at once, and the disk with the database goes too.
        os.killpg(server.process.pid, signal.SIGKILL)
        os.killpg(server.server_pid, signal.SIGKILL)
        killed_at = time.time()
        server.process.wait()
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink()

    restored = restore(server.env)
    assert restored.returncode == 0, restored.stderr
    assert integrity_check(database) == "ok"
    cut = killed_at - STATED_LAG_S
    durable = [number for at, number in publishes if at < cut]
    assert durable, "the run acknowledged no publish long enough before the kill to count"
    live, version, _ = read_state(database)
    assert live is not None and live >= durable[-1]
    kept = {
        number for (number,) in sqlite3.connect(database).execute("SELECT number FROM revisions")
    }
    assert set(durable) <= kept
    # The last durable draft save is there, unless a later publish (also restored) replaced it.
    saved_live, saved_version, _ = next(state for at, state in reversed(saves) if at < cut)
    assert (live, version or 0) >= (saved_live, saved_version or 0)

    with running_server(database, env={"PUBLIC_BASE_URL": server.env["PUBLIC_BASE_URL"]}) as url:
        served = httpx.get(f"{url}/v1/articles/{SLUG}", timeout=10)
    assert served.status_code == 200
    assert served.json() == public[live]


def test_point_in_time_restore_between_two_publishes_has_the_first_and_not_the_second(
    tmp_path: Path,
) -> None:
    database, replica = tmp_path / "content.db", tmp_path / "replica"
    editor, reviewer = people(database)
    with replicated_server(database, replica) as server:
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            save_intro(client, editor, "The first publish.")
            review(client, editor, reviewer)
            first = publish(client, editor)["revision"]
            time.sleep(STATED_LAG_S)
            between = datetime.now(UTC)
            time.sleep(STATED_LAG_S)
            save_intro(client, editor, "The second publish.")
            review(client, editor, reviewer)
            second = publish(client, editor)["revision"]
            time.sleep(STATED_LAG_S)
        in_use = restore(server.env, "--output", str(database), "--force")
        assert in_use.returncode == 1
        assert "in use" in in_use.stderr

    at_instant = tmp_path / "at-instant.db"
    restored = restore(server.env, "--at", between.isoformat(), "--output", str(at_instant))
    assert restored.returncode == 0, restored.stderr
    newest = tmp_path / "newest.db"
    assert restore(server.env, "--output", str(newest)).returncode == 0
    assert read_state(at_instant)[0] == first
    assert read_state(newest)[0] == second
    revisions = sqlite3.connect(at_instant).execute("SELECT number FROM revisions").fetchall()
    assert second not in {number for (number,) in revisions}
    # Stopped, the primary may be replaced in place (its WAL and SHM go with it).
    replaced = restore(
        server.env, "--at", between.isoformat(), "--output", str(database), "--force"
    )
    assert replaced.returncode == 0, replaced.stderr
    assert read_state(database)[0] == first
    assert not database.with_name(database.name + "-wal").exists()


def test_a_signal_to_the_group_reaches_the_server_once_through_litestream_and_stops_both(
    tmp_path: Path,
) -> None:
    database, replica = tmp_path / "content.db", tmp_path / "replica"
    with replicated_server(database, replica) as server:
        litestream_group = os.getpgid(server.process.pid)
        assert os.getpgid(server.server_pid) == server.server_pid != litestream_group
        workers = children_of(server.server_pid)
        assert workers and {os.getpgid(worker) for worker in workers} == {server.server_pid}
        os.killpg(litestream_group, signal.SIGTERM)  # what Ctrl-C does to the foreground group
        assert server.process.wait(timeout=STOP_GRACE_S) == 0
    log = next(tmp_path.glob("replicated-*.log")).read_text()
    # Granian's main process stopped its workers itself: none of them exited on its own.
    assert "Granian shutdown completed" in log
    assert "Unexpected exit" not in log
    assert "litestream shut down" in log


def test_restore_refuses_an_existing_file_a_bad_instant_and_a_missing_replica(
    tmp_path: Path,
) -> None:
    database, replica = tmp_path / "content.db", tmp_path / "replica"
    env = environment(database, replica)
    missing = restore(env)
    assert missing.returncode == 1
    assert "restore failed" in missing.stderr
    assert not database.exists()
    naive = restore(env, "--at", "2026-12-01T09:00:00")
    assert naive.returncode == 2
    assert "UTC offset" in naive.stderr
    database.write_bytes(b"")
    existing = restore(env)
    assert existing.returncode == 1
    assert "--force" in existing.stderr


def test_readyz_and_metrics_report_the_lag_and_readyz_fails_when_the_replica_falls_behind(
    tmp_path: Path,
) -> None:
    database, replica = tmp_path / "content.db", tmp_path / "replica"
    editor, _ = people(database)
    with (
        replicated_server(database, replica, REPLICATION_LAG_LIMIT="2") as server,
        httpx.Client(base_url=server.base_url, timeout=10) as client,
    ):
        save_intro(client, editor, "Replicated while Litestream runs.")
        time.sleep(STATED_LAG_S)
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["replication_lag_s"] == 0
        assert "\nreplication_lag_seconds 0.0\n" in client.get("/metrics").text
        # Litestream dies; the server (its child) keeps taking writes the replica never gets.
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait()
        save_intro(client, editor, "Written after Litestream died.")
        deadline = time.monotonic() + 15
        while (ready := client.get("/readyz")).status_code == 200:
            assert time.monotonic() < deadline, ready.text
            time.sleep(0.25)
        assert ready.status_code == 503
        assert "Replication lags" in ready.json()["detail"]
        lag = client.get("/metrics").text.split("\nreplication_lag_seconds ")[1].split()[0]
        assert float(lag) > 2
