"""A database that cannot be written: writes are a 503 saying what to check, /readyz says so,
and nothing is half-written. The disk is a real, small tmpfs filled to the brim."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.app import create_app
from service.config import Settings
from service.editorial.tokens import issue_token
from service.store.db import ContentDB
from tests.conftest import SLUG

DRAFT = f"/v1/admin/articles/{SLUG}/draft"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted for this test (the tests run as root, as CI does)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def fill(disk: Path) -> None:
    """Write a file until the disk has no space left."""
    with (disk / "filler").open("wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass


def test_a_full_disk_makes_writes_503_and_readyz_say_so(small_disk: Path) -> None:
    settings = Settings(content_db=small_disk / "content.db", rate_limit_per_minute=None)
    app: Litestar = create_app(settings)
    with TestClient(app) as client:
        token = issue_token(ContentDB(settings.content_db), "Erin Editor", "editor")
        headers = {"Authorization": f"Bearer {token}"}
        draft = client.get(DRAFT, headers=headers)
        assert client.get("/readyz").status_code == 200
        fill(small_disk)

        section = {"kind": "intro", "key": "intro", "title": "Intro", "body": "New. " * 3000}
        answer = client.put(
            f"{DRAFT}/sections/intro",
            json=section,
            headers={**headers, "If-Match": draft.headers["etag"]},
        )
        assert answer.status_code == 503, answer.text
        problem = answer.json()
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "full" in problem["detail"] and "Nothing was changed" in problem["detail"]

        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "free" in ready.json()["detail"]

        (small_disk / "filler").unlink()
        assert client.get(DRAFT, headers=headers).json() == draft.json()
        assert client.get("/readyz").status_code == 200
