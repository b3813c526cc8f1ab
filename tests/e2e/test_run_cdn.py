"""``make run-cdn`` as a person runs it (deploy/varnish/run-cdn.sh): the API behind Varnish with
the purge worker, and Ctrl-C stopping all three."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from contextlib import suppress
from pathlib import Path

import httpx

from tests.e2e.conftest import ROOT, children_of, free_port

START_TIMEOUT_S = 90  # the script prepares the database, waits for each part, subscribes
STOP_TIMEOUT_S = 30


def descendants_of(pid: int) -> list[int]:
    """Every process under ``pid``, children first."""
    found: list[int] = []
    for child in children_of(pid):
        found += [child, *descendants_of(child)]
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_ctrl_c_stops_the_origin_varnish_and_the_purge_worker(tmp_path: Path) -> None:
    ports = {name: str(free_port()) for name in ("PORT", "CDN_PORT", "PURGER_PORT")}
    env = {**os.environ, **ports, "CONTENT_DB": str(tmp_path / "content.db"), "RATE_LIMIT": "off"}
    log_path = tmp_path / "run-cdn.log"
    with log_path.open("wb") as log:
        script = subprocess.Popen(
            ["bash", "deploy/varnish/run-cdn.sh"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the script's group stands for the terminal's
        )
    parts: list[int] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "Serving through Varnish" not in log_path.read_text(errors="replace"):
            assert script.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        cdn = f"http://127.0.0.1:{ports['CDN_PORT']}"
        assert httpx.get(f"{cdn}/v1/articles", timeout=10).status_code == 200
        parts = descendants_of(script.pid)
        # The origin (granian's main process) leads a session of its own, so the terminal's
        # SIGINT does not reach it beside the script's SIGTERM: two signals can hang granian.
        origins = [pid for pid in children_of(script.pid) if os.getsid(pid) == pid]
        assert len(origins) == 1, log_path.read_text()

        os.killpg(script.pid, signal.SIGINT)  # what Ctrl-C does to the foreground group
        # Its status is the trap's 130 or, when Varnish's exit wins the race, Varnish's.
        script.wait(timeout=STOP_TIMEOUT_S)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while left := [pid for pid in parts if running(pid)]:
            assert time.monotonic() < deadline, f"still running: {left}\n{log_path.read_text()}"
            time.sleep(0.1)
    finally:
        for pid in [script.pid, *parts]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        script.wait()
    text = log_path.read_text(errors="replace")
    assert "Granian shutdown completed" in text
    assert "Unexpected exit" not in text
