"""A real server process (granian) over a temporary database, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.reviewer_profiles import ensure_reviewer_profile

ROOT = Path(__file__).parents[2]
GRANIAN = ROOT / ".venv" / "bin" / "granian"
START_TIMEOUT_S = 30.0


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``/readyz`` until it answers 200; fail with the server's log if it dies or stalls."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/readyz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    pytest.fail(f"server not ready after {START_TIMEOUT_S:g}s:\n{log.read_text()}")


def cli_token(database: Path, name: str, role: str) -> str:
    """A token made by the CLI, as an administrator would (``tokens create``); reviewer and
    admin tokens come with a current reviewer profile, as an admin keeps one for each."""
    if role in ("reviewer", "admin"):
        ensure_reviewer_profile(database, name)
    result = subprocess.run(
        [sys.executable, "-m", "service", "tokens", "create", "--name", name, "--role", role],
        cwd=ROOT,
        env={**os.environ, "CONTENT_DB": str(database)},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout.strip()


@pytest.fixture(scope="module")
def server_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's server keeps its database (created and seeded on start)."""
    return tmp_path_factory.mktemp("server") / "content.db"


@contextmanager
def running_server(
    database: Path, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[str]:
    """A granian process serving the app over ``database``; yields its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "CONTENT_DB": str(database),
        "RATE_LIMIT": "off",
        "PUBLIC_BASE_URL": base_url,
        **(env or {}),
    }
    command = [str(GRANIAN), "--interface", "asgi", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "service.asgi:app"]
    log_path = database.with_name(f"server-{port}.log")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_ready(base_url, process, log_path)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def server(server_db: Path) -> Iterator[str]:
    """The base URL of a granian process serving the app, shared by one test module.

    Rate limits are off; ``PUBLIC_BASE_URL`` is the server's own address.
    """
    with running_server(server_db) as base_url:
        yield base_url
