"""The static export holds exactly what the API serves, with the same ETags."""

from __future__ import annotations

from pathlib import Path

import msgspec
from litestar import Litestar
from litestar.testing import TestClient

from service.config import Settings
from service.delivery.export import ExportManifest, export_site
from service.store.db import ContentDB
from tests.commands import run_cli
from tests.conftest import SLUG


def test_export_writes_every_public_view_with_the_api_etags(
    app: Litestar, client: TestClient[Litestar], settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    manifest = export_site(app.state["db"], settings, out)
    assert manifest.articles == 1
    paths = {f.url_path for f in manifest.files}
    assert f"/v1/articles/{SLUG}?format=html" in paths
    assert f"/v1/articles/{SLUG}/sections/therapy-types?format=text" in paths
    assert f"/v1/articles/{SLUG}/render/email" in paths
    assert len(manifest.files) == 1 + 3 * (1 + 9) + 3
    for exported in manifest.files:
        served = client.get(exported.url_path, headers={"Accept-Encoding": "identity"})
        assert served.status_code == 200, exported.url_path
        assert served.headers["etag"] == exported.etag, exported.url_path
        assert (out / exported.file).read_bytes() == served.content
    written = msgspec.json.decode((out / "manifest.json").read_bytes(), type=ExportManifest)
    assert written == manifest


def test_export_command_writes_the_manifest(seeded_db: ContentDB, tmp_path: Path) -> None:
    out = tmp_path / "site"
    completed = run_cli("export", str(out), database=seeded_db.path, check=True)
    assert "exported 1 article(s)" in completed.stderr
    manifest = msgspec.json.decode((out / "manifest.json").read_bytes(), type=ExportManifest)
    assert all((out / f.file).is_file() for f in manifest.files)
