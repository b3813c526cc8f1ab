"""A child process for the crash test: publishes revisions forever, acknowledging each commit.

Prints ``ack <revision> <intro body>`` after each commit returns; the parent kills it at random.
"""

from __future__ import annotations

import sys
from pathlib import Path

from seed.loader import publish_seed_variant
from service.store.db import ContentDB


def main(path: str) -> None:
    """Publish new revisions of the seed article until killed."""
    db = ContentDB(Path(path))
    counter = 0
    while True:
        counter += 1
        body = f"Crash-test body {counter} " + "x" * (counter % 500)
        number = publish_seed_variant(db, intro_body=body, actor="crash-test")
        sys.stdout.write(f"ack {number} {body}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
