"""A child process for the crash test: publishes revisions forever, acknowledging each commit.

Prints ``ack <revision> <intro body>`` after each commit returns; the parent kills it at random.
"""

from __future__ import annotations

import sys
from pathlib import Path

import msgspec

from schema.sections import IntroSection
from seed.data import load_seed_article
from service.db import ContentDB
from service.publishing import make_live
from service.store import content
from service.store.codec import utc_now


def main(path: str) -> None:
    """Publish new revisions of the seed article until killed."""
    db = ContentDB(Path(path))
    seed = load_seed_article()
    counter = 0
    while True:
        counter += 1
        body = f"Crash-test body {counter} " + "x" * (counter % 500)
        intro = msgspec.structs.replace(seed.sections[0], body=body)
        assert isinstance(intro, IntroSection)
        with db.write() as conn:
            article_id = content.get_article_id(conn, seed.slug)
            assert article_id is not None
            number, _ = make_live(
                conn,
                article_id,
                fields=seed.fields,
                sections=[intro, *seed.sections[1:]],
                review=seed.review,
                actor="crash-test",
                at=utc_now(),
            )
        sys.stdout.write(f"ack {number} {body}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
