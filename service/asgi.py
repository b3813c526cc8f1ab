"""The ASGI entry point for granian: ``granian --interface asgi --factory service.asgi:app``."""

from __future__ import annotations

from litestar import Litestar

from service.app import create_app
from service.config import Settings


def app() -> Litestar:
    """Build the app from the environment (called once per worker)."""
    return create_app(Settings.from_env())
