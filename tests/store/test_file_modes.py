"""Files the service creates are owner-only: they hold content, token hashes and webhook secrets."""

from __future__ import annotations

import stat
from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from service.app import create_app
from service.config import Settings
from service.delivery.export import export_site
from service.store.backup import backup_database
from service.store.db import ContentDB


def mode(path: Path) -> int:
    """The permission bits of a file or folder."""
    return stat.S_IMODE(path.stat().st_mode)


def test_database_files_marker_backups_and_exports_are_owner_only(tmp_path: Path) -> None:
    settings = Settings(
        content_db=tmp_path / "new" / "data" / "content.db", rate_limit_per_minute=None
    )
    app: Litestar = create_app(settings)
    with TestClient(app) as client:
        assert client.get("/v1/articles").status_code == 200
        db: ContentDB = app.state["db"]
        data = settings.content_db.parent
        created = [
            settings.content_db,
            Path(f"{settings.content_db}-wal"),
            Path(f"{settings.content_db}-shm"),
            db.generation.path,
        ]
        backup = tmp_path / "backups" / "copy.db"
        backup_database(db, backup)
        manifest = export_site(db, settings, tmp_path / "site")
        exported = [tmp_path / "site" / file.file for file in manifest.files]
    assert mode(data) == 0o700
    for path in created:
        assert mode(path) == 0o600, path
    assert (mode(backup.parent), mode(backup)) == (0o700, 0o600)
    assert mode(tmp_path / "site") == 0o700
    assert exported
    for path in [*exported, tmp_path / "site" / "manifest.json"]:
        assert mode(path) == 0o600, path
