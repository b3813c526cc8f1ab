"""Fixtures of the render tests."""

from __future__ import annotations

import pytest

from schema.article import Article
from tests.channels.render.documents import make_article


@pytest.fixture
def article() -> Article:
    """An article with every section kind."""
    return make_article()
