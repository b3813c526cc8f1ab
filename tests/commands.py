"""The service's command line (``python -m service``) run as an operator would: its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def run_cli(
    *args: str, database: Path, check: bool = False, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m service`` with CONTENT_DB pointing at ``database``; output as text."""
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=ROOT,
        env={**os.environ, "CONTENT_DB": str(database)},
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
    )


def cli_token(database: Path, name: str, role: str) -> str:
    """A token made by the CLI, as an administrator would (``tokens create``)."""
    created = run_cli("tokens", "create", "--name", name, "--role", role, database=database)
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()
