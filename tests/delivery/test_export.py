"""The static export holds exactly what the API serves, with the same ETags."""

from __future__ import annotations

from pathlib import Path

import msgspec
from litestar import Litestar
from litestar.testing import TestClient

from seed.data import load_seed_article
from service.config import Settings
from service.delivery import feeds
from service.delivery.export import ExportManifest, export_site
from service.editorial.publishing import make_live
from service.store import content
from service.store.codec import utc_now
from service.store.db import ContentDB
from tests.commands import run_cli
from tests.conftest import SLUG


def publish_copies(db: ContentDB, count: int) -> list[str]:
    """Publish ``count`` copies of the seed article under other slugs, in one transaction."""
    seed = load_seed_article()
    slugs = [f"{SLUG}-{index}" for index in range(1, count + 1)]
    with db.write() as conn:
        for slug in slugs:
            article_id = content.insert_article(conn, slug, actor="export-test", at=utc_now())
            make_live(
                conn,
                article_id,
                fields=seed.fields,
                sections=seed.sections,
                review=seed.review,
                actor="export-test",
                at=utc_now(),
            )
    return slugs


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


def test_export_lists_every_article_in_the_api_default_pages(
    app: Litestar, client: TestClient[Litestar], settings: Settings, tmp_path: Path
) -> None:
    db: ContentDB = app.state["db"]
    slugs = {SLUG, *publish_copies(db, feeds.DEFAULT_PAGE + 10)}
    out = tmp_path / "export"
    manifest = export_site(db, settings, out)
    assert manifest.articles == len(slugs)
    pages = [f for f in manifest.files if f.url_path.startswith("/v1/articles?offset=")]
    assert [f.url_path for f in pages] == [f"/v1/articles?offset={feeds.DEFAULT_PAGE}"]
    listed: list[str] = []
    for exported in [next(f for f in manifest.files if f.url_path == "/v1/articles"), *pages]:
        served = client.get(exported.url_path, headers={"Accept-Encoding": "identity"})
        assert (out / exported.file).read_bytes() == served.content, exported.url_path
        assert served.headers["etag"] == exported.etag
        listed.extend(item["slug"] for item in served.json()["articles"])
    assert sorted(listed) == sorted(slugs)


def test_export_command_writes_the_manifest(seeded_db: ContentDB, tmp_path: Path) -> None:
    out = tmp_path / "site"
    completed = run_cli("export", str(out), database=seeded_db.path, check=True)
    assert "exported 1 article(s)" in completed.stderr
    manifest = msgspec.json.decode((out / "manifest.json").read_bytes(), type=ExportManifest)
    assert all((out / f.file).is_file() for f in manifest.files)
