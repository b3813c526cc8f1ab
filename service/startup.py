"""Getting the database ready: created and migrated, and seeded when it was missing."""

from __future__ import annotations

from seed.loader import load_seed
from service.store.db import ContentDB
from service.store.migrations import migrate


def prepare_database(db: ContentDB) -> None:
    """Create and migrate the database; seed it when the file did not exist before."""
    was_missing = not db.path.exists()
    migrate(db)
    if was_missing:
        load_seed(db)
