"""The command line: ``python -m service prepare|seed|schema|tokens|backup|restore|export``.

Every command honours CONTENT_DB.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, get_args

from schema.admin import Role
from schema.export import content_json_schema_bytes
from seed.loader import load_seed
from service.config import Settings
from service.startup import prepare_database
from service.store.db import ContentDB
from service.store.migrations import migrate

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


def _tokens(args: argparse.Namespace, settings: Settings) -> int:
    from service.editorial import tokens
    from service.errors import InvalidInput

    db = ContentDB(settings.content_db)
    prepare_database(db)
    try:
        if args.tokens_command == "create":
            try:
                token = tokens.issue_token(db, args.name, args.role)
            except InvalidInput as error:
                print(error.detail, file=sys.stderr)
                return 2
            print(token)
            print(f"token for {args.name} as {args.role}; shown only now", file=sys.stderr)
        elif args.tokens_command == "list":
            print(f"{'id':>4}  {'name':<24} {'role':<9} {'created':<20} status")
            for info in tokens.list_tokens(db, include_revoked=args.all):
                status = "active" if info.revoked_at is None else f"revoked {info.revoked_at:%F}"
                print(
                    f"{info.id:>4}  {info.name:<24} {info.role:<9} "
                    f"{info.created_at:%Y-%m-%d %H:%M:%S} {status}"
                )
        else:
            count = tokens.revoke_tokens(db, args.name, args.role)
            print(f"revoked {count} token(s) of {args.name}", file=sys.stderr)
            return 0 if count else 1
    finally:
        db.close()
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from service.store.backup import BackupError, backup_database

    try:
        backup_database(ContentDB(settings.content_db), Path(args.path))
    except BackupError as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return 1
    print(f"backed up {settings.content_db} to {args.path} (integrity ok)", file=sys.stderr)
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from service.store.backup import BackupError, restore_database

    try:
        restore_database(Path(args.path), ContentDB(settings.content_db))
    except BackupError as error:
        print(f"restore failed: {error}", file=sys.stderr)
        return 1
    print(f"restored {settings.content_db} from {args.path}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from service.delivery.export import export_site

    db = ContentDB(settings.content_db)
    migrate(db)
    manifest = export_site(db, settings, Path(args.directory))
    print(
        f"exported {manifest.articles} article(s), {len(manifest.files)} files, "
        f"to {args.directory} (see manifest.json)",
        file=sys.stderr,
    )
    return 0


def _add_operation_commands(commands: Any) -> None:
    backup = commands.add_parser("backup", help="online copy of the database (integrity-checked)")
    backup.add_argument("path", help="where to write the copy (must not exist)")
    restore = commands.add_parser("restore", help="replace the database's content with a backup")
    restore.add_argument("path", help="a backup made by `backup`")
    export = commands.add_parser("export", help="write published content as static files")
    export.add_argument("directory", help="where to write the files and manifest.json")


def _add_token_commands(commands: Any) -> None:
    tokens = commands.add_parser("tokens", help="create, list and revoke admin API tokens")
    actions = tokens.add_subparsers(dest="tokens_command", required=True)
    create = actions.add_parser("create", help="make a token; prints it alone on stdout, once")
    create.add_argument("--name", required=True, help="the person it belongs to")
    create.add_argument("--role", required=True, choices=get_args(Role))
    listing = actions.add_parser("list", help="list active tokens (never the tokens themselves)")
    listing.add_argument("--all", action="store_true", help="include revoked tokens")
    revoke = actions.add_parser("revoke", help="revoke every active token of a name")
    revoke.add_argument("name", help="whose tokens to revoke")
    revoke.add_argument("--role", choices=get_args(Role), help="only this role")


def build_parser() -> argparse.ArgumentParser:
    """The CLI's arguments; each sub-command sets ``handler``."""
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "prepare", help="create and migrate the database; seed it if it was missing"
    )
    commands.add_parser("seed", help="load the seed article (idempotent)")
    commands.add_parser("schema", help="print the content model's JSON Schema")
    _add_token_commands(commands)
    _add_operation_commands(commands)
    return parser


HANDLERS: dict[str, Command] = {
    "prepare": _prepare,
    "seed": _seed,
    "schema": _schema,
    "tokens": _tokens,
    "backup": _backup,
    "restore": _restore,
    "export": _export,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one CLI command."""
    args = build_parser().parse_args(argv)
    return HANDLERS[args.command](args, Settings.from_env())


if __name__ == "__main__":
    raise SystemExit(main())
