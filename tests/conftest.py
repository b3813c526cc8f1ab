"""Fixtures: real SQLite files in temporary folders, the real app, a test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from seed.loader import load_seed
from service.app import create_app
from service.config import Settings
from service.db import ContentDB
from service.migrations import migrate

SLUG = "ketamine-therapy-for-anxiety"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a database file in a temporary folder, rate limits off."""
    return Settings(
        content_db=tmp_path / "content.db",
        rate_limit_per_minute=None,
        allow_private_webhooks=True,
        webhook_retry_schedule=(0.05, 0.1, 0.2),
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[ContentDB]:
    """A migrated, empty content database (a real WAL file)."""
    content_db = ContentDB(settings.content_db)
    migrate(content_db)
    yield content_db
    content_db.close()


@pytest.fixture
def seeded_db(db: ContentDB) -> ContentDB:
    """The content database with the seed article published as revision 1."""
    load_seed(db)
    return db


@pytest.fixture
def app(settings: Settings) -> Litestar:
    """The app over a freshly created and seeded database."""
    return create_app(settings)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    """An in-process HTTP client for the app."""
    with TestClient(app) as test_client:
        yield test_client
