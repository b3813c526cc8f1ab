"""End-to-end fixtures: a real server process (granian) over a temporary database, tokens for
it, and Debian's chromium."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from schema.admin import Role
from service.startup import prepare_database
from service.store.db import ContentDB
from tests.conftest import ROOT
from tests.tokens import Headers, bearer, issued_headers

GRANIAN = ROOT / ".venv" / "bin" / "granian"
START_TIMEOUT_S = 30.0
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from each process's ``/proc/PID/stat`` (which every
    kernel has, unlike ``/proc/PID/task/TID/children``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):  # the process may have gone since the listing
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return sorted(found)


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


@pytest.fixture(scope="module")
def server_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's server keeps its database (created and seeded on start)."""
    return tmp_path_factory.mktemp("server") / "content.db"


@contextmanager
def server_process(
    database: Path, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A granian process serving the app over ``database``; yields its base URL and the process.

    A test may kill the process itself; whatever still runs at the end is terminated.
    """
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
            yield base_url, process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@contextmanager
def running_server(
    database: Path, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[str]:
    """A granian process serving the app over ``database``; yields its base URL."""
    with server_process(database, workers=workers, env=env) as (base_url, _):
        yield base_url


def prepared_database(database: Path, *people: tuple[str, Role]) -> list[Headers]:
    """Create and seed the database, and a token's headers for each (name, role)."""
    db = ContentDB(database)
    try:
        prepare_database(db)
    finally:
        db.close()
    return [issued_headers(database, name, role) for name, role in people]


def http_get(url: str, token: str | None = None) -> Any:
    """GET over HTTP: JSON parsed when it is JSON, else the text."""
    headers = {} if token is None else bearer(token)
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as answer:
        body = answer.read().decode()
        is_json = answer.headers.get_content_type() == "application/json"
    return json.loads(body) if is_json else body


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's chromium, headless; fails the test when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, shared by the module's tests."""
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def server(server_db: Path) -> Iterator[str]:
    """The base URL of a granian process serving the app, shared by one test module.

    Rate limits are off; ``PUBLIC_BASE_URL`` is the server's own address.
    """
    with running_server(server_db) as base_url:
        yield base_url
