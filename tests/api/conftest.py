"""Fixtures of the API tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from litestar import Litestar

from schema.sections import SafetySection
from tests.api.channel_pages import cursor_now, live_section, publish
from tests.conftest import Client


@pytest.fixture
def safety_digest(app: Litestar, client: Client) -> Iterator[dict[str, Any]]:
    """The newsletter after a publish that changed only the safety section's body."""
    before = cursor_now(client)
    safety = live_section(app, "safety")
    assert isinstance(safety, SafetySection)
    publish(app, msgspec.structs.replace(safety, body="Supervision makes ketamine safer."))
    yield {"before": before, **client.get("/v1/newsletter", params={"since": before}).json()}
