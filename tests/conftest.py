"""Fixtures: real SQLite files in temporary folders, the real app, a test client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.admin import Role
from seed.loader import load_seed
from service.app import create_app
from service.config import Settings
from service.store.db import ContentDB
from service.store.migrations import migrate
from tests.tokens import Headers, issued_headers

ROOT = Path(__file__).parents[1]  # the repository
SLUG = "ketamine-therapy-for-anxiety"
ARTICLE = f"/v1/articles/{SLUG}"  # the seed article on the public API
Client = TestClient[Litestar]


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


# --- Admin API: people, their tokens and the headers that carry them ---

EDITOR = "Erin Editor"
SECOND_EDITOR = "Sam Second"
REVIEWER = "Rita Reviewer"
ADMIN = "Ada Admin"


@pytest.fixture
def token_headers(app: Litestar, settings: Settings) -> Callable[[str, Role], Headers]:
    """A factory: ``Authorization`` headers for a fresh token of a name and role."""
    return lambda name, role: issued_headers(settings.content_db, name, role)


@pytest.fixture
def editor_headers(token_headers: Callable[[str, Role], Headers]) -> Headers:
    """Headers of an editor's token."""
    return token_headers(EDITOR, "editor")


@pytest.fixture
def second_editor_headers(token_headers: Callable[[str, Role], Headers]) -> Headers:
    """Headers of another editor's token."""
    return token_headers(SECOND_EDITOR, "editor")


@pytest.fixture
def reviewer_headers(token_headers: Callable[[str, Role], Headers]) -> Headers:
    """Headers of a reviewer's token."""
    return token_headers(REVIEWER, "reviewer")


@pytest.fixture
def admin_headers(token_headers: Callable[[str, Role], Headers]) -> Headers:
    """Headers of an admin's token."""
    return token_headers(ADMIN, "admin")


@pytest.fixture
def editor_reviewer_headers(token_headers: Callable[[str, Role], Headers]) -> Headers:
    """Headers of a reviewer token held by the editor (same name): four-eyes must still hold."""
    return token_headers(EDITOR, "reviewer")


# --- The web app: tokens to sign in with, and two browsers over one database ---


@pytest.fixture
def token_of(token_headers: Callable[[str, Role], Headers]) -> Callable[[str, Role], str]:
    """A factory: a fresh API token for a name and role."""
    return lambda name, role: token_headers(name, role)["Authorization"].removeprefix("Bearer ")


@pytest.fixture
def browsers(
    client: TestClient[Litestar], settings: Settings
) -> Iterator[tuple[TestClient[Litestar], TestClient[Litestar]]]:
    """Two in-process browsers (own cookie jars), each through its own app over one database.

    Like two workers of one server: both apps read the same session key file.
    """
    with TestClient(create_app(settings)) as other:
        yield client, other
