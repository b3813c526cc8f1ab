"""The command line: ``python -m service prepare|seed|schema|tokens ...``; honours CONTENT_DB."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from schema.export import content_json_schema_bytes
from seed.loader import load_seed
from service.config import Settings
from service.db import ContentDB
from service.migrations import migrate
from service.startup import prepare_database

Command = Callable[[argparse.Namespace, Settings], int]


def _prepare(args: argparse.Namespace, settings: Settings) -> int:
    prepare_database(ContentDB(settings.content_db))
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    db = ContentDB(settings.content_db)
    migrate(db)
    result = load_seed(db)
    state = f"published as revision {result.revision}" if result.created else "already present"
    print(f"{result.slug}: {state}", file=sys.stderr)
    return 0


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    sys.stdout.buffer.write(content_json_schema_bytes())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The CLI's arguments; each sub-command sets ``handler``."""
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "prepare", help="create and migrate the database; seed it if it was missing"
    )
    commands.add_parser("seed", help="load the seed article (idempotent)")
    commands.add_parser("schema", help="print the content model's JSON Schema")
    return parser


HANDLERS: dict[str, Command] = {"prepare": _prepare, "seed": _seed, "schema": _schema}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one CLI command."""
    args = build_parser().parse_args(argv)
    return HANDLERS[args.command](args, Settings.from_env())


if __name__ == "__main__":
    raise SystemExit(main())
